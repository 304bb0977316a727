/*
 * csv.c — RFC 4180 records and the UTF-8 / GB 18030 decision.
 */
#include "util/csv.h"

#include <errno.h>
#include <iconv.h>
#include <string.h>

#include "util/utf8.h"

/* The line (1-based) of the byte at `at` in data, for messages. */
static int line_of(const char *data, const char *at)
{
	int line = 1;
	for (const char *p = data; p < at; p++)
		line += *p == '\n';
	return line;
}

ld_status ld_csv_to_utf8(const char *data, size_t len, ld_arena *ar,
			 const char **out, size_t *out_len,
			 const char **encoding, ld_error *err)
{
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
		data += 3;
		len -= 3;
	}
	/* A NUL byte is in no text file, and would cut a field short. */
	const char *nul = memchr(data, '\0', len);
	if (nul)
		return ld_fail(err, LD_EINVAL, "file",
			       "文件第%d行含有空字符（NUL），不是文本文件：请另存为 CSV 文件",
			       line_of(data, nul));
	if (ld_utf8_valid(data, len)) {
		*out = data;
		*out_len = len;
		*encoding = "utf-8";
		return LD_OK;
	}
	iconv_t cd = iconv_open("UTF-8", "GB18030");
	if (cd == (iconv_t)-1)
		return ld_fail(err, LD_EINTERNAL, "file", "不支持 GBK 编码转换");
	/* GB 18030 takes 1, 2 or 4 bytes per character, UTF-8 at most 4 for
	 * a 2-byte GBK character (3) and 4 for a 4-byte one: 2x suffices. */
	size_t cap = len * 2 + 1;
	char *buf = ld_arena_alloc(ar, cap);
	if (!buf) {
		iconv_close(cd);
		return ld_fail(err, LD_ENOMEM, "file", "文件过大");
	}
	char *in = (char *)data, *o = buf;
	size_t inleft = len, outleft = cap - 1;
	size_t rc = iconv(cd, &in, &inleft, &o, &outleft);
	iconv_close(cd);
	if (rc == (size_t)-1)
		return ld_fail(err, LD_EINVAL, "file",
			       "文件第%d行含有无法识别的字符：请另存为 UTF-8 或 GBK 编码的 CSV 文件",
			       line_of(data, in));
	*o = '\0';
	*out = buf;
	*out_len = (size_t)(o - buf);
	*encoding = "gbk";
	return LD_OK;
}

void ld_csv_init(ld_csv *r, const char *data, size_t len)
{
	r->p = data;
	r->end = data + len;
	r->line = 0;
	r->next_line = 1;
}

static const char *trim(ld_arena *ar, const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return ld_arena_strndup(ar, s, n);
}

int ld_csv_next(ld_csv *r, ld_arena *ar, const char *fields[LD_CSV_MAX_FIELDS],
		ld_error *err)
{
	/* Skip blank lines. */
	while (r->p < r->end && (*r->p == '\n' || *r->p == '\r')) {
		if (*r->p == '\n')
			r->next_line++;
		r->p++;
	}
	if (r->p >= r->end)
		return 0;
	r->line = r->next_line;
	int n = 0;
	for (;;) {
		if (n == LD_CSV_MAX_FIELDS) {
			ld_fail(err, LD_EINVAL, "file", "第%d行的列数过多",
				r->line);
			return -1;
		}
		const char *f;
		if (r->p < r->end && *r->p == '"') {
			/* Quoted: "" is a quote; anything else ends at '"'. */
			size_t cap = 64, len = 0;
			char *buf = ld_arena_alloc(ar, cap);
			r->p++;
			for (;;) {
				if (r->p >= r->end) {
					ld_fail(err, LD_EINVAL, "file",
						"第%d行的引号没有闭合", r->line);
					return -1;
				}
				char ch = *r->p++;
				if (ch == '"') {
					if (r->p < r->end && *r->p == '"')
						r->p++;
					else
						break;
				}
				if (ch == '\n')
					r->next_line++;
				if (len + 1 >= cap) {
					char *bigger = ld_arena_alloc(ar, cap * 2);
					if (bigger && buf)
						memcpy(bigger, buf, len);
					buf = bigger;
					cap *= 2;
				}
				if (!buf) {
					ld_fail(err, LD_ENOMEM, "file", "内存不足");
					return -1;
				}
				buf[len++] = ch;
			}
			if (!buf) {
				ld_fail(err, LD_ENOMEM, "file", "内存不足");
				return -1;
			}
			buf[len] = '\0';
			while (r->p < r->end && (*r->p == ' ' || *r->p == '\t'))
				r->p++;
			if (r->p < r->end && *r->p != ',' && *r->p != '\n' &&
			    *r->p != '\r') {
				ld_fail(err, LD_EINVAL, "file",
					"第%d行引号之后还有多余的内容", r->line);
				return -1;
			}
			f = buf;
		} else {
			const char *start = r->p;
			while (r->p < r->end && *r->p != ',' && *r->p != '\n' &&
			       *r->p != '\r')
				r->p++;
			f = trim(ar, start, (size_t)(r->p - start));
		}
		if (!f) {
			ld_fail(err, LD_ENOMEM, "file", "内存不足");
			return -1;
		}
		fields[n++] = f;
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		/* End of record: CRLF, LF, CR or the end of the data. */
		if (r->p < r->end && *r->p == '\r')
			r->p++;
		if (r->p < r->end && *r->p == '\n')
			r->p++;
		r->next_line++;
		return n;
	}
}
