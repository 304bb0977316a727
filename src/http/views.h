/*
 * views.h — how records are shown in JSON, shared by the handlers, and a
 * few checks that several handlers need.
 */
#ifndef LD_VIEWS_H
#define LD_VIEWS_H

#include "core/deadline.h"
#include "core/scope.h"
#include "http/http.h"
#include "util/json_out.h"

/* Today's date in the server's local time zone (set TZ=Asia/Shanghai).
 * For tests only: the environment variable LIUDONG_TEST_TODAY=YYYY-MM-DD,
 * read once, fixes it (the server warns at start when it is set). */
ld_day ld_http_today(void);
/* The day LIUDONG_TEST_TODAY fixes, or 0 when it is not set. */
ld_day ld_http_today_override(void);

/* "provisional": whether dl was counted over a year with no holiday
 * arrangement, and then "warning": the same Chinese warning the command
 * line prints (ld_calendar_warning), naming the year. */
void ld_view_provisional(ld_jw *w, const ld_deadline *dl);

/* An address as one line, the way it is written in China:
 * 经十路88号3号楼1单元101室 (cut to fit `size`, as snprintf). A part that
 * already ends with its word ("3号楼", "3栋") does not get it twice. */
void ld_address_text(const ld_address *a, char *out, size_t size);
/* The same with the district's or county's name first, as a document
 * names the place of residence: 历下区和平路1613号3号楼4单元302室. */
void ld_address_full_text(const ld_address *a, char *out, size_t size);
#define LD_ADDRESS_TEXT_MAX 400
/* The hukou address (常住户口所在地住址) in full, naming the place once:
 * the province, city and county of hukou_code that the hukou_address does
 * not begin with, then hukou_address ("北京市朝阳区" + "某街道1号";
 * "北京市朝阳区某街道1号" as given; the place alone when no address was
 * given). */
void ld_hukou_address_text(const ld_person *p, char *out, size_t size);

/* key: {id, content_type, width, height, bytes, sm3, channel, created_at}
 * of a photo (null for NULL); never its bytes. */
void ld_view_photo(ld_jw *w, const char *key, const ld_photo *ph);

/*
 * What an answer may show of a person, decided here once for every answer
 * (README, "Who sees what"):
 *
 *   admin, clerk    everything: the desk identifies people by their number
 *   grid worker     ID numbers masked as ld_mask_id_number does (first 6
 *                   and last 4 characters); phones in full, for visiting
 *                   and calling people is the grid's work
 *   organisation    ID numbers masked: it knows whom it reported
 *   resident        their own record in full
 *   anyone else     ID numbers masked
 *
 * The views below write ID numbers and phones only through
 * ld_view_id_number and ld_view_phone, and note what they write about
 * people (ld_req_carries), so a list's audit entry can name them.
 */
struct ld_view_policy {
	bool full_id_numbers;
	bool phones;
};
struct ld_view_policy ld_view_policy_of(const struct ld_req *r);
/* key: id as the policy of r allows (NULL stays null). */
void ld_view_id_number(ld_jw *w, const struct ld_req *r, const char *key,
		       const char *id);
void ld_view_phone(ld_jw *w, const struct ld_req *r, const char *key,
		   const char *phone);

void ld_view_person(ld_jw *w, struct ld_req *r, const ld_person *p);
void ld_view_registration(ld_jw *w, struct ld_req *r,
			  const ld_registration *reg);
void ld_view_event(ld_jw *w, const ld_reg_event *e);
/* The keys of an act's entry: "entered_date" (the day it was entered),
 * "backdated" and "date_reason" (why its date is an earlier day; null when
 * it is not; http/backdate.h). */
void ld_view_entry(ld_jw *w, const char *entered_date, const char *reason);
void ld_view_scope(ld_jw *w, const ld_scope_decision *d);
void ld_view_basis(ld_jw *w, const ld_basis *b);
/* One item of the late work list (a late declaration or address change). */
void ld_view_late_item(ld_jw *w, struct ld_req *r, const ld_late_item *it);

/* "entitlements": [{code, title, conditional, basis}, ...]; list is an
 * array of n ld_grant (core/entitlement.h). */
void ld_view_entitlements(ld_jw *w, const void *list, size_t n);

/* Finish w (into b, which it takes over) and reply with status once the
 * read's audit entry is handed to the writer (see ld_reply_audited). */
void ld_reply_audited_jw(struct ld_req *r, ld_jw *w, ld_buf *b, int status,
			 const char *action, const char *target);

/* Whether the user's access covers grid `grid` (whose community is
 * `community` with serving station `station`). */
bool ld_access_allows(const ld_access *acc, const ld_area *community,
		      const char *grid);

/* Page parameters from ?page=&per_page= (1-based page, per_page <= 100).
 * When they are malformed, replies (field "page") and returns false. */
bool ld_req_page(struct ld_req *r, ld_page *page, int *page_no);

/* Parse a positive integer query parameter into *out; false if malformed. */
bool ld_query_date(struct ld_req *r, const char *name, const char **out);

#endif
