/*
 * store.c — the backend registry and the small shared helpers of model.h.
 */
#include <string.h>

#include "store/store.h"

static const struct ld_store_ops *const backends[] = {
	&ld_store_sqlite,
};

const struct ld_store_ops *ld_store_find(const char *name)
{
	for (size_t i = 0; i < sizeof backends / sizeof *backends; i++)
		if (strcmp(backends[i]->name, name) == 0)
			return backends[i];
	return NULL;
}

static const char *const role_codes[LD_ROLE__COUNT] = {
	[LD_ROLE_ADMIN] = "admin",
	[LD_ROLE_CLERK] = "clerk",
	[LD_ROLE_GRID] = "grid",
	[LD_ROLE_AUDITOR] = "auditor",
};

const char *ld_role_code(enum ld_role r)
{
	return (unsigned)r < LD_ROLE__COUNT ? role_codes[r] : "auditor";
}

bool ld_role_from_code(const char *s, enum ld_role *out)
{
	for (int i = 0; i < LD_ROLE__COUNT; i++)
		if (strcmp(s, role_codes[i]) == 0) {
			*out = (enum ld_role)i;
			return true;
		}
	return false;
}
