/*
 * grid.h — what the handlers of rental housing and reports (h_grid.c)
 * share with those of uploads (h_uploads.c): who may see an
 * organisation, which organisation a request reports for, and the context
 * a batch of reports is checked in (docs/grid.md).
 */
#ifndef LD_GRID_H
#define LD_GRID_H

#include "http/http.h"
#include "http/reporting.h"

/* Whether something in `grid` of `community` lies in the user's area. */
bool ld_grid_visible(struct ld_req *r, const char *grid,
		     const char *community);

/* The organisation a request reports for: its own with a key, else the
 * one named (`organisation`), which must lie in a clerk's area. Replies
 * and returns 0 on failure. */
ld_id ld_grid_reporting_org(struct ld_req *r, long long named);

/* A report context for this request's user and the server's settings,
 * reading through c (NULL: set later, in the writer) with row memory from
 * ar; `now` is the ISO time recorded. Release with ld_report_ctx_close. */
void ld_grid_report_ctx_init(struct ld_req *r, struct ld_report_ctx *x,
			     const struct ld_store_ops *ops, ld_conn *c,
			     ld_arena *ar, const char *now);

/* Read the reporting organisation into x (through x->c). */
ld_status ld_grid_org_load(struct ld_report_ctx *x, ld_id org_id);

#endif
