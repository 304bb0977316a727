/*
 * backdate.c — the act dates a clerk gives (backdate.h): today, or an
 * earlier day with a reason and within the server's limit.
 *
 * Why a limit at all: an act dated back is judged as of that day (a
 * declaration on time, a permit issued months ago earning years of
 * residence), so only a recent one may be entered late, and only saying
 * why. The limit is `liudong serve --backdate-days` (README).
 */
#include "http/backdate.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "http/body.h"
#include "http/reply.h"
#include "http/views.h"

static bool blank(const char *s)
{
	return !s || strspn(s, " \t\r\n") == strlen(s);
}

const char *ld_json_text(ld_arena *a, const json_t *v)
{
	size_t n = json_dumpb(v, NULL, 0, JSON_COMPACT);
	char *text = n ? ld_arena_alloc(a, n + 1) : NULL;
	if (!text || json_dumpb(v, text, n, JSON_COMPACT) != n)
		return NULL;
	text[n] = '\0';
	return text;
}

bool ld_act_date_check(struct ld_req *r, ld_day day, const char *field,
		       const char *label, struct ld_act_date *out)
{
	ld_day today = ld_http_today();
	char msg[256];
	memset(out, 0, sizeof *out);
	out->day = day;
	out->field = field;
	ld_day_format(day, out->date);
	ld_day_format(today, out->entered);
	if (day > today) {
		snprintf(msg, sizeof msg, "%s不能晚于今天", label);
		ld_reply_error(r, LD_HE_INVALID, msg, field);
		return false;
	}
	if (day == today)
		return true;
	int back = (int)(today - day), limit = r->srv->cfg.backdate_days;
	if (back > limit) {
		snprintf(msg, sizeof msg,
			 "%s（%s）早于今天%d天，超过补录期限%d天，不能补录",
			 label, out->date, back, limit);
		ld_reply_error(r, LD_HE_INVALID, msg, field);
		return false;
	}
	const char *why = ld_json_str(r->body, LD_DATE_REASON_FIELD);
	if (blank(why)) {
		snprintf(msg, sizeof msg,
			 "%s（%s）早于今天，属于补录，须填写补录事由"
			 "（%s）",
			 label, out->date, LD_DATE_REASON_FIELD);
		ld_reply_error(r, LD_HE_INVALID, msg, LD_DATE_REASON_FIELD);
		return false;
	}
	out->reason = why;
	return true;
}

bool ld_act_date_read(struct ld_req *r, const char *field, const char *label,
		      struct ld_act_date *out)
{
	const char *v = ld_json_str(r->body, field);
	ld_day day = ld_http_today();
	if (v && ld_day_parse(v, (int)strlen(v), &day, field, NULL) != LD_OK) {
		char msg[128];
		snprintf(msg, sizeof msg, "%s无效，格式应为 YYYY-MM-DD", label);
		ld_reply_error(r, LD_HE_INVALID, msg, field);
		return false;
	}
	return ld_act_date_check(r, day, field, label, out);
}

const char *ld_act_date_json(ld_arena *a, const struct ld_act_date *d)
{
	if (!d->reason)
		return "null";
	json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "field", d->field,
			      "date", d->date, "entered_date", d->entered,
			      "reason", d->reason);
	const char *out = o ? ld_json_text(a, o) : NULL;
	json_decref(o);
	return out ? out : "null";
}
