/*
 * h_worklists.c — work lists for the user's own area: late declarations of
 * residence registration and late declarations of address changes. The
 * answer is audited with the route's purpose (routes.c).
 */

#include "http/handlers.h"
#include "http/reply.h"
#include "http/views.h"

void h_worklist_late(struct ld_req *r)
{
	const char *from, *to;
	if (!ld_query_date(r, "from", &from)) {
		ld_reply_error(r, LD_HE_INVALID, "日期无效", "from");
		return;
	}
	if (!ld_query_date(r, "to", &to)) {
		ld_reply_error(r, LD_HE_INVALID, "日期无效", "to");
		return;
	}
	ld_page page;
	int page_no;
	if (!ld_req_page(r, &page, &page_no))
		return;
	ld_late_item *items;
	size_t n;
	int64_t total;
	ld_status rc = r->srv->ops->worklist_late(r->th->reader, &r->access,
						  from, to, page, &r->arena,
						  &items, &n, &total);
	if (rc != LD_OK) {
		ld_reply_status(r, rc, NULL);
		return;
	}
	ld_buf b;
	ld_jw w;
	ld_reply_page_begin(r, &w, &b, total, page_no, page.limit);
	for (size_t i = 0; i < n; i++)
		ld_view_late_item(&w, r, &items[i]);
	ld_reply_page_close(&w);
	ld_reply_end(r, &w, &b, 200);
}
