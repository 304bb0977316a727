/*
 * entitlement.h — the public services and conveniences a person holds
 * (办法 第二十四至二十七条; 条例 第十二、十三、十五条; 通知 一、二).
 */
#ifndef LD_ENTITLEMENT_H
#define LD_ENTITLEMENT_H

#include <stdbool.h>
#include <stddef.h>

#include "citation.h"
#include "endorsement.h"

typedef struct {
	const char *code;  /* stable code, e.g. "legal_aid" */
	const char *title; /* Chinese title */
	bool conditional;  /* depends on conditions set by the city */
	bool needs_permit; /* only a permit that is not suspended gives it */
	int n_basis;
	ld_cite basis[5];
} ld_entitlement;

/* The catalogue in its published order. Static storage. */
extern const ld_entitlement ld_entitlements[];
extern const size_t ld_entitlement_count;

/* What a person's documents give on a day. */
typedef struct {
	bool certificate_active; /* residence registration certificate */
	bool has_permit;
	ld_permit_state permit_state;
} ld_documents;

/*
 * Fill `out` (capacity ld_entitlement_count) with pointers into the
 * catalogue, in catalogue order; returns how many apply. Either document
 * gives every entitlement except those needing a permit; a suspended permit
 * gives nothing by itself.
 */
size_t ld_entitlements_for(const ld_documents *docs,
			   const ld_entitlement **out);

#endif
