/*
 * embed.h — files compiled into the binary by tools/embed.sh (holiday
 * arrangements, SQL migrations). Arrays end with an entry whose name is NULL.
 */
#ifndef LD_EMBED_H
#define LD_EMBED_H

#include <stddef.h>

struct ld_embedded_file {
	const char *name;
	const char *data;
	size_t len;
};

#endif
