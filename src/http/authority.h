/*
 * authority.h — who signs a residence permit: the county-level police of
 * the permit's district or county (《居住证暂行条例》第十条: 由县级人民政府
 * 公安机关签发), e.g. 济南市公安局历下区分局.
 *
 * Three sources, the first that names the district wins:
 *   1. the file of `liudong serve --issuing-authorities FILE`, for this run;
 *   2. the table issuing_authorities (0016_paperwork.sql seeds Jinan's ten
 *      districts and two counties);
 *   3. `--issuing-authority NAME`, the city-level fallback (济南市公安局).
 * They are read once at start; a permit keeps the name it was issued with.
 */
#ifndef LD_AUTHORITY_H
#define LD_AUTHORITY_H

#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"

#define LD_AUTHORITY_NAME_MAX 100 /* bytes */
#define LD_AUTHORITIES_MAX 64

struct ld_authority {
	char district[7];
	char name[LD_AUTHORITY_NAME_MAX + 1];
	bool from_file;
};

struct ld_authorities {
	struct ld_authority items[LD_AUTHORITIES_MAX];
	int n;
	const char *fallback; /* the city-level name */
};

/*
 * Parse the text of an --issuing-authorities file: one line per district,
 * "CODE NAME" (a tab or spaces between), blank lines and lines starting
 * with '#' ignored. CODE is one of Jinan's twelve current county-level
 * codes, each at most once; NAME is UTF-8 text of 1 to
 * LD_AUTHORITY_NAME_MAX bytes without control or invisible characters.
 * Returns how many entries were written to out (at most max), or -1 with
 * a Chinese message naming the line in msg.
 */
int ld_authorities_parse(const char *text, size_t len, struct ld_authority *out,
			 int max, char *msg, size_t msgcap);

/* Fill `a` from the store's table, then the overrides (from the file) and
 * the fallback (copied by pointer: it must outlive `a`). */
ld_status ld_authorities_load(struct ld_authorities *a,
			      const struct ld_store_ops *ops, ld_conn *c,
			      const struct ld_authority *overrides,
			      int n_overrides, const char *fallback,
			      ld_error *err);

struct ld_server;
/* At start: load srv->authorities from the store and the configuration,
 * saying on stderr what is wrong. Returns 0, or 1 when it cannot. */
int ld_server_authorities_open(struct ld_server *srv);

/* The authority that signs permits of `district` (never NULL). */
const char *ld_authority_of(const struct ld_authorities *a,
			    const char *district);

#endif
