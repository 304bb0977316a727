/*
 * upload.h — checking an uploaded report file row by row (docs/grid.md):
 * for the preview, and again, writing each row, for the confirmation.
 *
 * The rows are prepared by several threads at once when the file is large
 * (each with its own read connection and its own ld_report_ctx), while the
 * calling thread settles, counts and, when confirming, writes them in the
 * order of the file. The answer is the same as one thread's would be.
 */
#ifndef LD_UPLOAD_H
#define LD_UPLOAD_H

#include <stdatomic.h>

#include "http/http.h"
#include "http/reporting.h"
#include "util/buf.h"
#include "util/json_out.h"

#define LD_UPLOAD_MAX_ERRORS 1000
#define LD_UPLOAD_MAX_ROWS_SHOWN 200

/* The largest file of reports (docs/grid.md). A file larger than a request
 * body may be (LD_MAX_REQUEST_BODY) is sent in parts of this size, the
 * last one shorter. */
#define LD_UPLOAD_MAX_FILE ((int64_t)64 << 20)
#define LD_UPLOAD_PART_SIZE ((int64_t)LD_MAX_REQUEST_BODY)
/* What one organisation, and one clerk, may have pending (receiving or
 * previewed, not yet confirmed, dropped or expired), in bytes; the count
 * is a setting (--upload-pending). */
#define LD_UPLOAD_PENDING_BYTES ((int64_t)128 << 20)

/* What a check found: counts, the first rows (JSON array) and the bad
 * rows with their reasons (JSON array). */
struct ld_upload_tally {
	int rows, bad, late, tasks, flagged;
	int by_kind[LD_RK__COUNT];
	ld_buf rows_json, errors_json;
	ld_jw rw, ew;
	int shown;
	/* The rows are shown to the organisation that reported them: not
	 * whether each would open a task (that is the registry's to know).
	 * Set after ld_upload_tally_init. */
	bool for_reporter;
};

void ld_upload_tally_init(struct ld_upload_tally *t);
void ld_upload_tally_release(struct ld_upload_tally *t);

/* One check of a file. */
struct ld_upload_check {
	/* The batch: its connection reads and, with apply, writes. */
	struct ld_report_ctx *x;
	/* Where helper threads open their read connections; NULL for none. */
	ld_store *store;
	bool apply;	  /* write each good row (x->c is the writer's) */
	ld_id upload_id; /* recorded on each report written */
	/* When set, the check stops at the next chunk of rows (LD_EIO):
	 * the server is stopping. NULL for none. */
	const atomic_bool *cancel;
};

/*
 * Check every row of data (a CSV file, UTF-8 or GBK); with apply, also
 * write each good row while no row so far was bad. A problem with the file
 * as a whole is LD_EINVAL with err set (field "file"); a bad row is only
 * counted in t. Other statuses are failures of the store, or LD_EIO when
 * u->cancel stopped it.
 *
 * When confirming, the helpers read through their own connections while
 * x->c writes: the caller's transaction must hold the write lock and have
 * written nothing the rows depend on (the writer runs the job alone).
 */
ld_status ld_upload_check_file(const struct ld_upload_check *u,
			       const char *data, size_t len,
			       struct ld_upload_tally *t,
			       const char **encoding, ld_error *err);

#endif
