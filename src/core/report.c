/*
 * report.c — who reports what, each report's deadlines (docs/rules.md §2,
 * §5), and the group-rental check (《商品房屋租赁管理办法》第八条,
 * 《住房租赁条例》; 通知 三（三）、（四）).
 */
#include "report.h"

#include <string.h>

static const struct {
	const char *code;
	const char *label;
	ld_event report_duty; /* the deadline the report itself meets */
	bool tenancy;
	bool arrival;
} kinds[LD_RK__COUNT] = {
	[LD_RK_TENANT_MOVE_IN] = {"tenant_move_in", "入住", LD_EV_TENANT_REPORT,
				  true, true},
	[LD_RK_TENANT_MOVE_OUT] = {"tenant_move_out", "退租",
				   LD_EV_TENANT_DEPARTURE, true, false},
	[LD_RK_HIRE] = {"hire", "招用", LD_EV_HIRE, false, true},
	[LD_RK_SEPARATION] = {"separation", "解除劳动关系", LD_EV_SEPARATION,
			      false, false},
	[LD_RK_PLACEMENT] = {"placement", "中介成功", LD_EV_PLACEMENT, false,
			     true},
};

static const struct {
	const char *code;
	const char *label;
	unsigned may; /* bit per ld_report_kind */
} orgs[LD_ORG__COUNT] = {
	[LD_ORG_LANDLORD] = {"landlord", "房屋出租人",
			     1u << LD_RK_TENANT_MOVE_IN |
				     1u << LD_RK_TENANT_MOVE_OUT},
	[LD_ORG_PROPERTY] = {"property", "物业服务企业",
			     1u << LD_RK_TENANT_MOVE_IN |
				     1u << LD_RK_TENANT_MOVE_OUT},
	/* An agency reports its placements, and may report a tenancy as
	 * the landlord's agent (办法: 出租人或者其代理人). */
	[LD_ORG_RENTAL_AGENCY] = {"rental_agency", "房屋租赁中介机构",
				  1u << LD_RK_PLACEMENT |
					  1u << LD_RK_TENANT_MOVE_IN |
					  1u << LD_RK_TENANT_MOVE_OUT},
	[LD_ORG_EMPLOYER] = {"employer", "用人单位",
			     1u << LD_RK_HIRE | 1u << LD_RK_SEPARATION},
	[LD_ORG_JOB_AGENCY] = {"job_agency", "职业介绍机构",
			       1u << LD_RK_PLACEMENT},
};

const char *ld_report_kind_code(ld_report_kind k)
{
	return kinds[k].code;
}

const char *ld_report_kind_label(ld_report_kind k)
{
	return kinds[k].label;
}

bool ld_report_kind_from(const char *s, ld_report_kind *out)
{
	for (int i = 0; i < LD_RK__COUNT; i++)
		if (strcmp(s, kinds[i].code) == 0 ||
		    strcmp(s, kinds[i].label) == 0) {
			*out = (ld_report_kind)i;
			return true;
		}
	return false;
}

bool ld_report_kind_tenancy(ld_report_kind k)
{
	return kinds[k].tenancy;
}

bool ld_report_kind_arrival(ld_report_kind k)
{
	return kinds[k].arrival;
}

const char *ld_org_kind_code(ld_org_kind k)
{
	return orgs[k].code;
}

const char *ld_org_kind_label(ld_org_kind k)
{
	return orgs[k].label;
}

bool ld_org_kind_from(const char *s, ld_org_kind *out)
{
	for (int i = 0; i < LD_ORG__COUNT; i++)
		if (strcmp(s, orgs[i].code) == 0 ||
		    strcmp(s, orgs[i].label) == 0) {
			*out = (ld_org_kind)i;
			return true;
		}
	return false;
}

bool ld_report_allowed(ld_org_kind org, ld_report_kind k, ld_basis *basis)
{
	/* The duty's own citation says who bears it. */
	ld_basis_add(basis, ld_event_rule(kinds[k].report_duty));
	return (orgs[org].may >> k) & 1u;
}

ld_status ld_report_check_deadlines(const ld_calendar *cal, ld_report_kind k,
				    ld_day event, int event_minute,
				    ld_day reported, int reported_minute,
				    ld_report_check *out, ld_error *err)
{
	memset(out, 0, sizeof *out);
	if (reported < event ||
	    (reported == event && event_minute != LD_MINUTE_UNKNOWN &&
	     reported_minute != LD_MINUTE_UNKNOWN &&
	     reported_minute < event_minute))
		return ld_fail(err, LD_EINVAL, "reported_date",
			       "报告时间早于事件发生时间");
	ld_event duties[LD_REPORT_MAX_CHECKS];
	int n = 0;
	if (k == LD_RK_TENANT_MOVE_IN)
		duties[n++] = LD_EV_TENANT_MOVE_IN;
	duties[n++] = kinds[k].report_duty;
	out->calendar_complete = true;
	for (int i = 0; i < n; i++) {
		ld_report_duty *d = &out->duties[i];
		ld_deadline_compute(cal, duties[i], event, event_minute,
				    &d->deadline);
		ld_status rc = ld_deadline_check_late(&d->deadline, event,
						      reported, reported_minute,
						      &d->late, err);
		if (rc != LD_OK)
			return rc;
		out->late = d->late; /* the last duty is the report's */
		out->calendar_complete &= d->deadline.calendar_complete;
	}
	out->n = n;
	return LD_OK;
}

ld_status ld_group_rental_check(int occupants, int rooms, int capacity,
				int area_m2, const ld_group_rental_settings *s,
				ld_day on, const ld_rules_settings *rules,
				ld_group_rental *out, ld_error *err)
{
	memset(out, 0, sizeof *out);
	if (occupants < 0)
		return ld_fail(err, LD_EINVAL, "occupants", "居住人数无效");
	if (rooms < 1)
		return ld_fail(err, LD_EINVAL, "rooms", "房间数应为正整数");
	if (capacity < 1)
		return ld_fail(err, LD_EINVAL, "capacity", "核定居住人数应为正整数");
	if (area_m2 < 0)
		return ld_fail(err, LD_EINVAL, "area", "建筑面积无效");
	if (occupants > capacity)
		out->reasons |= LD_GR_OVER_CAPACITY;
	if (s->per_room > 0 && occupants > rooms * s->per_room)
		out->reasons |= LD_GR_OVER_ROOMS;
	/* area / occupants < min_area, without division. */
	if (s->min_area > 0 && area_m2 > 0 && occupants > 0 &&
	    area_m2 < occupants * s->min_area)
		out->reasons |= LD_GR_UNDER_AREA;
	out->flagged = out->reasons != 0;
	/* The room as the smallest unit let, and the least area per person
	 * set locally: the 2011 measures, and since 2025-09-15 the rental
	 * regulation beside them. */
	ld_basis_add(&out->basis, LD_CITE_RENTAL_MEASURES_8);
	if (on >= LD_HOUSING_RENTAL_REGULATION_FROM)
		ld_basis_add(&out->basis, LD_CITE_HOUSING_RENTAL_REGULATION);
	/* The notice: rental management (三（三）) and the grid's collection
	 * of rental-house information (三（四）). */
	ld_basis_add_on(&out->basis, LD_CITE_TONGZHI_3_3, on, rules);
	ld_basis_add_on(&out->basis, LD_CITE_TONGZHI_3_4, on, rules);
	return LD_OK;
}

const char *ld_group_rental_code(unsigned reason)
{
	switch (reason) {
	case LD_GR_OVER_CAPACITY:
		return "over_capacity";
	case LD_GR_OVER_ROOMS:
		return "over_rooms";
	case LD_GR_UNDER_AREA:
		return "under_area";
	default:
		return "unknown";
	}
}

const char *ld_group_rental_message(unsigned reason)
{
	switch (reason) {
	case LD_GR_OVER_CAPACITY:
		return "登记居住人数超过核定居住人数";
	case LD_GR_OVER_ROOMS:
		return "每个房间居住人数超过规定标准";
	case LD_GR_UNDER_AREA:
		return "人均居住面积低于规定标准";
	default:
		return "";
	}
}
