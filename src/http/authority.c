/*
 * authority.c — the issuing authorities of residence permits, one per
 * district or county (see authority.h).
 */
#include "http/authority.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/division.h"
#include "http/http.h"
#include "util/arena.h"
#include "util/utf8.h"

static bool jinan_code(const char *s, size_t n)
{
	if (n != 6 || strspn(s, "0123456789") < 6)
		return false;
	return ld_jinan_kind_of(atoi(s)) != LD_JINAN_NONE;
}

int ld_authorities_parse(const char *text, size_t len, struct ld_authority *out,
			 int max, char *msg, size_t msgcap)
{
	int n = 0, line = 0;
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *next = eol ? eol + 1 : end;
		if (!eol)
			eol = end;
		if (eol > p && eol[-1] == '\r')
			eol--;
		line++;
		const char *s = p;
		p = next;
		while (s < eol && (*s == ' ' || *s == '\t'))
			s++;
		if (s == eol || *s == '#')
			continue;
		const char *code = s;
		while (s < eol && *s != ' ' && *s != '\t')
			s++;
		size_t code_len = (size_t)(s - code);
		while (s < eol && (*s == ' ' || *s == '\t'))
			s++;
		const char *name = s, *name_end = eol;
		while (name_end > name &&
		       (name_end[-1] == ' ' || name_end[-1] == '\t'))
			name_end--;
		size_t name_len = (size_t)(name_end - name);
		if (!jinan_code(code, code_len)) {
			snprintf(msg, msgcap,
				 "第%d行：区县代码应为济南市现行的12个区县代码之一",
				 line);
			return -1;
		}
		if (name_len == 0 || name_len > LD_AUTHORITY_NAME_MAX ||
		    !ld_utf8_valid(name, name_len) ||
		    ld_utf8_find_unsafe(name, name_len, NULL) != LD_UTF8_SAFE) {
			snprintf(msg, msgcap,
				 "第%d行：签发机关名称应为1至%d字节的文字（UTF-8，不含控制字符）",
				 line, LD_AUTHORITY_NAME_MAX);
			return -1;
		}
		for (int i = 0; i < n; i++)
			if (memcmp(out[i].district, code, 6) == 0) {
				snprintf(msg, msgcap, "第%d行：区县代码 %.6s 重复",
					 line, code);
				return -1;
			}
		if (n == max) {
			snprintf(msg, msgcap, "第%d行：条目过多", line);
			return -1;
		}
		memcpy(out[n].district, code, 6);
		out[n].district[6] = '\0';
		memcpy(out[n].name, name, name_len);
		out[n].name[name_len] = '\0';
		out[n].from_file = true;
		n++;
	}
	return n;
}

static struct ld_authority *find(struct ld_authorities *a,
				 const char *district)
{
	for (int i = 0; i < a->n; i++)
		if (strcmp(a->items[i].district, district) == 0)
			return &a->items[i];
	return NULL;
}

ld_status ld_authorities_load(struct ld_authorities *a,
			      const struct ld_store_ops *ops, ld_conn *c,
			      const struct ld_authority *overrides,
			      int n_overrides, const char *fallback,
			      ld_error *err)
{
	ld_arena ar;
	ld_issuing_authority *rows;
	size_t n;
	memset(a, 0, sizeof *a);
	a->fallback = fallback;
	ld_arena_init(&ar, 0);
	ld_status rc = ops->issuing_authorities(c, &ar, &rows, &n);
	if (rc != LD_OK) {
		ld_arena_release(&ar);
		return ld_fail(err, rc, "issuing_authorities",
			       "无法读取居住证签发机关表");
	}
	for (size_t i = 0; i < n && a->n < LD_AUTHORITIES_MAX; i++) {
		struct ld_authority *e = &a->items[a->n];
		if (!rows[i].district || strlen(rows[i].district) != 6 ||
		    !rows[i].name || !*rows[i].name ||
		    strlen(rows[i].name) > LD_AUTHORITY_NAME_MAX)
			continue;
		memcpy(e->district, rows[i].district, 7);
		snprintf(e->name, sizeof e->name, "%s", rows[i].name);
		a->n++;
	}
	ld_arena_release(&ar);
	for (int i = 0; i < n_overrides; i++) {
		struct ld_authority *e = find(a, overrides[i].district);
		if (!e) {
			if (a->n == LD_AUTHORITIES_MAX)
				return ld_fail(err, LD_ETOOBIG,
					       "issuing_authorities",
					       "签发机关条目过多");
			e = &a->items[a->n++];
		}
		*e = overrides[i];
	}
	return LD_OK;
}

const char *ld_authority_of(const struct ld_authorities *a,
			    const char *district)
{
	for (int i = 0; district && i < a->n; i++)
		if (strcmp(a->items[i].district, district) == 0)
			return a->items[i].name;
	return a->fallback;
}

int ld_server_authorities_open(struct ld_server *srv)
{
	ld_conn *c;
	ld_error err = {0};
	srv->authorities = calloc(1, sizeof *srv->authorities);
	if (!srv->authorities) {
		fprintf(stderr, "liudong: 内存不足\n");
		return 1;
	}
	ld_status rc = srv->ops->connect(srv->store, false, &c, &err);
	if (rc == LD_OK) {
		rc = ld_authorities_load(srv->authorities, srv->ops, c,
					 srv->cfg.authority_overrides,
					 srv->cfg.n_authority_overrides,
					 srv->cfg.issuing_authority, &err);
		srv->ops->disconnect(c);
	}
	if (rc != LD_OK) {
		fprintf(stderr, "liudong: %s\n", err.message);
		return 1;
	}
	if (srv->cfg.n_authority_overrides > 0)
		fprintf(stderr,
			"liudong: 居住证签发机关：%d个区县按 --issuing-authorities "
			"设置 (issuing authorities of %d districts from the file)\n",
			srv->cfg.n_authority_overrides,
			srv->cfg.n_authority_overrides);
	return 0;
}
