/*
 * h_worklists.c — work lists for the user's own area: late declarations of
 * residence registration and late declarations of address changes.
 */
#include <string.h>

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
	if (!ld_req_page(r, &page, &page_no)) {
		ld_reply_error(r, LD_HE_INVALID, "分页参数无效", "page");
		return;
	}
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
	ld_reply_begin(r, &w, &b);
	ld_jw_obj_open(&w);
	ld_jw_kint(&w, "total", total);
	ld_jw_kint(&w, "page", page_no);
	ld_jw_kint(&w, "per_page", page.limit);
	ld_jw_key(&w, "items");
	ld_jw_arr_open(&w);
	for (size_t i = 0; i < n; i++) {
		ld_jw_obj_open(&w);
		ld_jw_kstr(&w, "kind", strcmp(items[i].kind, "declared") == 0
					       ? "late_declaration"
					       : "late_address_change");
		ld_jw_kint(&w, "registration_id", items[i].registration_id);
		ld_jw_kint(&w, "person_id", items[i].person_id);
		ld_jw_kstr(&w, "name", items[i].person_name);
		ld_jw_kstr(&w, "date", items[i].date);
		ld_jw_kstr(&w, "deadline", items[i].deadline);
		ld_jw_kstr(&w, "grid", items[i].grid);
		ld_jw_kstr(&w, "community", items[i].community);
		ld_jw_kstr(&w, "certificate_no", items[i].certificate_no);
		ld_jw_obj_close(&w);
	}
	ld_jw_arr_close(&w);
	ld_jw_obj_close(&w);
	ld_reply_end(r, &w, &b, 200);
}
