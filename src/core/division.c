/*
 * division.c — look-ups in the GB/T 2260 history and Jinan's successor map.
 * The table in force is installed by division_load.c.
 */
#include "division.h"

#include <stdio.h>
#include <string.h>

#include "division_int.h"

const struct ld_division_rec *ld_division_current_table = ld_division_table;
size_t ld_division_current_count;

static size_t table_count(void)
{
	/* ld_division_count is not a constant expression; until a table is
	 * installed, the compiled-in one is in force. */
	return ld_division_current_table == ld_division_table
		       ? ld_division_count
		       : ld_division_current_count;
}

const struct ld_division_rec *ld_division_records(size_t *n)
{
	*n = table_count();
	return ld_division_current_table;
}

const int32_t ld_jinan_units[LD_JINAN_UNIT_COUNT] = {
	370102, 370103, 370104, 370105, 370112, 370113,
	370114, 370115, 370116, 370117, 370124, 370126,
};

/*
 * Former codes of what is now Jinan, with the unit that succeeded each
 * (民政部 revisions in data/gb2260-history.tsv; 国务院关于同意山东省调整济南市
 * 莱芜市行政区划的批复, 2019). Laiwu's earlier county and city codes map to
 * 莱芜区, which holds the former 莱城区 and most of the old county.
 */
static const struct {
	int32_t from, to;
} successors[] = {
	{370111, 370112}, /* 济南市郊区 (-1986) -> 历城区 */
	{370121, 370112}, /* 历城县 (-1986) -> 历城区 */
	{370122, 370114}, /* 章丘县 (-1991) -> 章丘区 */
	{370123, 370113}, /* 长清县 (-2000) -> 长清区 */
	{370125, 370115}, /* 济阳县 (1989-2018) -> 济阳区 */
	{370181, 370114}, /* 章丘市 (1995-2016) -> 章丘区 */
	{370901, 370116}, /* 莱芜市 (1985, 泰安) -> 莱芜区 */
	{371202, 370116}, /* 莱芜市莱城区 (1992-2018) -> 莱芜区 */
	{371203, 370117}, /* 莱芜市钢城区 (1992-2018) -> 钢城区 */
	{372429, 370126}, /* 德州地区商河县 (-1988) -> 商河县 */
	{372430, 370115}, /* 德州地区济阳县 (-1988) -> 济阳区 */
	{372602, 370116}, /* 莱芜市 (1983-1984, 泰安地区) -> 莱芜区 */
	{372621, 370116}, /* 莱芜县 (-1982) -> 莱芜区 */
	{372627, 370124}, /* 泰安地区平阴县 (-1984) -> 平阴县 */
	{379004, 370116}, /* 莱芜市 (1986-1991, 省辖) -> 莱芜区 */
};

ld_status ld_division_parse(const char *s, int len, int32_t *out,
			    const char *field, ld_error *err)
{
	int32_t v = 0;
	if (len != 6)
		return ld_fail(err, LD_EINVAL, field,
			       "行政区划代码应为6位数字");
	for (int i = 0; i < 6; i++) {
		if (s[i] < '0' || s[i] > '9')
			return ld_fail(err, LD_EINVAL, field,
				       "行政区划代码应为6位数字");
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return LD_OK;
}

/* Whether record a is a better "latest" than b: a current record over a
 * withdrawn one; between two current ones (a code renamed in place, the old
 * name not ended), the newer; between two withdrawn ones, the one listed
 * last. */
static bool newer(const struct ld_division_rec *a,
		  const struct ld_division_rec *b)
{
	if ((a->last_seen == 0) != (b->last_seen == 0))
		return a->last_seen == 0;
	if (a->last_seen != b->last_seen)
		return a->last_seen > b->last_seen;
	return a->first_seen > b->first_seen;
}

const struct ld_division_rec *ld_division_latest(int32_t code)
{
	const struct ld_division_rec *t = ld_division_current_table;
	size_t lo = 0, hi = table_count();
	/* Find the first index with table code > code, then step back. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t[mid].code <= code)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || t[lo - 1].code != code)
		return NULL;
	const struct ld_division_rec *best = &t[lo - 1];
	for (size_t i = lo - 1; i-- > 0 && t[i].code == code;)
		if (newer(&t[i], best))
			best = &t[i];
	return best;
}

bool ld_division_is_current(int32_t code)
{
	const struct ld_division_rec *r = ld_division_latest(code);
	return r && r->last_seen == 0;
}

bool ld_division_is_county_level(int32_t code)
{
	return code % 100 != 0 && ld_division_latest(code) != NULL;
}

int32_t ld_division_successor(int32_t code)
{
	for (size_t i = 0; i < sizeof successors / sizeof successors[0]; i++)
		if (successors[i].from == code)
			return successors[i].to;
	return code;
}

enum ld_jinan_kind ld_jinan_kind_of(int32_t code)
{
	for (int i = 0; i < LD_JINAN_UNIT_COUNT; i++)
		if (ld_jinan_units[i] == code)
			return i < 10 ? LD_JINAN_DISTRICT : LD_JINAN_COUNTY;
	return LD_JINAN_NONE;
}

bool ld_division_full_name(int32_t code, char *buf, size_t cap)
{
	const struct ld_division_rec *self = ld_division_latest(code);
	if (!self || cap == 0)
		return false;
	const struct ld_division_rec *prov = NULL, *city = NULL;
	if (code % 10000 != 0)
		prov = ld_division_latest(code / 10000 * 10000);
	if (code % 100 != 0)
		city = ld_division_latest(code / 100 * 100);
	snprintf(buf, cap, "%s%s%s", prov ? prov->name : "",
		 city ? city->name : "", self->name);
	return true;
}
