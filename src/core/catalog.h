/*
 * catalog.h — the fixed code lists a registration is made of: the 56 ethnic
 * groups (GB/T 3304-1991), reasons for residing (居住事由), housing kinds
 * (住所类型) and who may report a departure (注销申报人). Each entry has a
 * stable code and its Chinese label.
 */
#ifndef LD_CATALOG_H
#define LD_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

struct ld_code {
	const char *code;
	const char *label;
};

struct ld_code_list {
	const char *name; /* e.g. "ethnicity" */
	const struct ld_code *items;
	size_t n;
};

extern const struct ld_code_list ld_ethnicities;   /* "01" 汉族 ... "56" 基诺族 */
extern const struct ld_code_list ld_stay_reasons;  /* work 务工, business 经商 ... */
extern const struct ld_code_list ld_housing_kinds; /* rented 租赁房屋 ... */
extern const struct ld_code_list ld_reporters;     /* self 本人, relative 近亲属 ... */

/* The entry with this code (or, for ethnicities, this label such as "汉族"),
 * or NULL. */
const struct ld_code *ld_code_find(const struct ld_code_list *list,
				   const char *code_or_label);

#endif
