/*
 * permits.h — what the permit handlers share: a permit's state on a day,
 * its JSON view, and the signed electronic permit (电子证照).
 */
#ifndef LD_PERMITS_H
#define LD_PERMITS_H

#include "core/catalog.h"
#include "core/deadline.h"
#include "core/endorsement.h"
#include "core/permit.h"
#include "http/http.h"
#include "util/json_out.h"

struct ld_permit_state {
	ld_permit_stage stage;
	bool has_endorse;	  /* stage issued: endorse is meaningful */
	ld_endorse_result endorse;
};

/* Evaluate permit p on day `on` (reads its endorsements and registration
 * through the request's reader). Memory from r's arena. */
ld_status ld_permit_state_on(struct ld_req *r, const ld_permit *p, ld_day on,
			     struct ld_permit_state *st);
/* "applied", "accepted", "valid", "window_open", "suspended", "cancelled". */
const char *ld_permit_state_name(const struct ld_permit_state *st);

void ld_view_permit(ld_jw *w, struct ld_req *r, const ld_permit *p);
/* "missing_materials": [{code, name}] of what the application still
 * lacks (一次性告知). */
void ld_view_permit_missing(ld_jw *w, const ld_permit *p);
/* One event of a permit: kind, date, at, the entry (ld_view_entry) and
 * its detail. */
void ld_view_permit_event(ld_jw *w, const ld_permit_event *e);
/* "state": {code, next_anniversary, window_opens, continuous_since,
 * residence_years, ledger, basis}. */
void ld_view_permit_state(ld_jw *w, const struct ld_permit_state *st);

/* Inside the write transaction: give p its permit number (JZ + district
 * + year + serial + check; serials from the store, so unique). */
ld_status ld_permit_number_in_txn(const struct ld_store_ops *ops, ld_conn *c,
				  ld_arena *ar, ld_permit *p, ld_day date,
				  ld_error *err);

/*
 * Inside the write transaction: fill `v` with a new signed card version of
 * permit p (number and version set) for the holder: the licence identifier
 * (GB/T 36904, type and issuer codes from the settings), the content a
 * verifier sees (name, masked ID number, district, date, number, version),
 * and the SM2 signature of the server's current key. Strings in `ar`.
 */
ld_status ld_permit_sign_in_txn(struct ld_server *srv, ld_arena *ar,
				const char *name, const char *id_number,
				const ld_permit *p, ld_day date,
				const char *reason, ld_permit_version *v,
				ld_error *err);

/* The photo on permit p's card: that of its current card version (or of
 * the last one made, once cancelled), or, before it is issued, its
 * holder's current photo. LD_ENOTFOUND when there is none (a card made
 * before photos were kept). Its bytes only when with_data; in r's arena. */
ld_status ld_permit_photo(struct ld_req *r, const ld_permit *p,
			  bool with_data, ld_photo *out);

extern const struct ld_code_list ld_replace_reasons;

/*
 * The date of permit p's latest step (applied, accepted, issued, an
 * endorsement, a new card version, cancelled) and its Chinese name, read
 * through connection c (a reader, or the writer inside its transaction).
 * No later step may be dated before it.
 */
ld_status ld_permit_last_step(const struct ld_store_ops *ops, ld_conn *c,
			      ld_arena *ar, const ld_permit *p, ld_day *date,
			      const char **step);

/* The Chinese name of a permit event kind ("issued" -> "发证"). */
const char *ld_permit_step_name(const char *kind);

/* Permit p's issue deadline from its acceptance date by the rules (the
 * earlier of 10 working days and 15 days, docs/rules.md §2); false when p
 * was not accepted. */
bool ld_permit_issue_deadline(struct ld_req *r, const ld_permit *p,
			      ld_deadline *out);

#endif
