/*
 * permit.c — eligibility for a residence permit.
 *
 * 条例 第二条 and 办法 第九条第一款: half a year of residence since the
 * residence registration, and one of lawful stable employment, a lawful
 * stable residence or continuous study. Half a year ends on the
 * corresponding day six months on, else that month's last day
 * (民法典 第二百零二条), and "半年以上" includes the half year itself
 * (民法典 第一千二百五十九条): the application may be made from that day.
 * Under-16s apply through a guardian or close relative (条例 第九条第三款);
 * 16 周岁 are reached the day after the 16th birthday. docs/rules.md §3
 * gives both readings with their sources.
 */
#include "permit.h"

#include <string.h>

static const char *const basis_codes[] = {
	[LD_PBASIS_NONE] = "none",
	[LD_PBASIS_EMPLOYMENT] = "employment",
	[LD_PBASIS_HOUSING] = "housing",
	[LD_PBASIS_STUDY] = "study",
};

const char *ld_permit_basis_code(ld_permit_basis b)
{
	return basis_codes[b];
}

bool ld_permit_basis_from_code(const char *s, ld_permit_basis *out)
{
	for (size_t i = 0; i < sizeof basis_codes / sizeof *basis_codes; i++)
		if (strcmp(s, basis_codes[i]) == 0) {
			*out = (ld_permit_basis)i;
			return true;
		}
	return false;
}

const char *ld_permit_reason_code(ld_permit_reason r)
{
	switch (r) {
	case LD_PERMIT_TOO_EARLY:
		return "too_early";
	case LD_PERMIT_NO_BASIS:
		return "no_basis";
	case LD_PERMIT_OK:
		break;
	}
	return NULL;
}

bool ld_person_is_under_16(ld_day birth, ld_day on)
{
	return on <= ld_day_add_years(birth, 16);
}

ld_status ld_permit_decide(const ld_permit_input *in, ld_permit_decision *out,
			   ld_error *err)
{
	memset(out, 0, sizeof *out);
	if (in->has_birth && in->birth > in->on)
		return ld_fail(err, LD_EINVAL, "birth", "出生日期晚于申请日期");

	out->eligible_from = ld_day_add_months(in->registered, 6);
	ld_basis_add(&out->basis, LD_CITE_TIAOLI_2);
	ld_basis_add(&out->basis, LD_CITE_BANFA_9_1);
	ld_basis_add(&out->basis, LD_CITE_CIVIL_202);
	ld_basis_add(&out->basis, LD_CITE_CIVIL_1259);
	ld_basis_add(&out->fee_basis, LD_CITE_BANFA_6_1);
	ld_basis_add(&out->fee_basis, LD_CITE_TIAOLI_21);

	/* No basis cannot be cured by waiting, so it is reported first. */
	if (in->basis == LD_PBASIS_NONE)
		out->reason = LD_PERMIT_NO_BASIS;
	else if (in->on < out->eligible_from)
		out->reason = LD_PERMIT_TOO_EARLY;
	out->eligible = out->reason == LD_PERMIT_OK;

	if (in->has_birth) {
		/* The age is counted as 周岁 whichever way it comes out. */
		out->guardian = ld_person_is_under_16(in->birth, in->on);
		ld_basis_add(&out->basis, LD_CITE_SPC_MINORS_2);
		if (out->guardian)
			ld_basis_add(&out->basis, LD_CITE_TIAOLI_9_3);
	}
	return LD_OK;
}

unsigned ld_permit_required_materials(ld_permit_basis b, bool guardian)
{
	unsigned m = LD_MAT_ID_CARD | LD_MAT_PHOTO | LD_MAT_RESIDENCE_PROOF;
	if (b == LD_PBASIS_EMPLOYMENT || b == LD_PBASIS_STUDY)
		m |= LD_MAT_BASIS_PROOF;
	if (guardian)
		m |= LD_MAT_GUARDIAN_ID;
	return m;
}

const struct ld_material ld_materials[] = {
	{LD_MAT_ID_CARD, "id_card", "居民身份证"},
	{LD_MAT_PHOTO, "photo", "本人近期相片"},
	{LD_MAT_RESIDENCE_PROOF, "residence_proof",
	 "居住地住址证明（租赁合同、房屋产权证明、购房合同，或房屋出租人、用人单位、就读学校出具的住宿证明）"},
	{LD_MAT_BASIS_PROOF, "basis_proof", "就业或就读证明"},
	{LD_MAT_GUARDIAN_ID, "guardian_id", "监护人或近亲属的身份证明及关系证明"},
};
const size_t ld_material_count = sizeof ld_materials / sizeof ld_materials[0];

const char *ld_material_label(unsigned bit, ld_permit_basis basis)
{
	if (bit == LD_MAT_BASIS_PROOF)
		return basis == LD_PBASIS_STUDY ? "就读证明（学校出具）"
						: "就业证明（劳动合同或用人单位证明、营业执照等）";
	for (size_t i = 0; i < ld_material_count; i++)
		if (ld_materials[i].bit == bit)
			return ld_materials[i].label;
	return "";
}

unsigned ld_material_bit(const char *code)
{
	for (size_t i = 0; i < ld_material_count; i++)
		if (strcmp(ld_materials[i].code, code) == 0)
			return ld_materials[i].bit;
	return 0;
}

const char *ld_permit_stage_code(ld_permit_stage s)
{
	switch (s) {
	case LD_PSTAGE_APPLIED:
		return "applied";
	case LD_PSTAGE_ACCEPTED:
		return "accepted";
	case LD_PSTAGE_ISSUED:
		return "issued";
	case LD_PSTAGE_RETURNED:
		return "returned";
	case LD_PSTAGE_CANCELLED:
		break;
	}
	return "cancelled";
}

ld_day ld_permit_accept_by(const ld_calendar *cal, ld_day applied, int days,
			   bool *complete)
{
	int missing;
	return ld_calendar_add_working_days(cal, applied, days, complete,
					    &missing);
}

ld_day ld_permit_accept_overdue_before(const ld_calendar *cal, ld_day today,
				       int days)
{
	/* accept_by grows with the day applied: step back from today while
	 * the day before is still in time. A period of n working days spans
	 * far fewer than 40 * n + 60 calendar days, whatever the holidays. */
	bool complete;
	ld_day d = today;
	for (int guard = 0; guard < 40 * days + 60 &&
			    ld_permit_accept_by(cal, d - 1, days, &complete) >= today;
	     guard++)
		d--;
	return d;
}
