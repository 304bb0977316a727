/*
 * entitlement.h — the public services and conveniences a person holds
 * (办法 第二十四至二十七条; 条例 第十二、十三、十五条; 通知 一、二).
 *
 * Either document gives them (办法 第二十四、二十五条: "持居住证或者居住登记
 * 凭证"; 通知 一), but the 条例's articles speak of permit holders
 * (居住证持有人) only: they are cited for a person who holds a usable
 * permit, never for one who holds a registration certificate alone.
 */
#ifndef LD_ENTITLEMENT_H
#define LD_ENTITLEMENT_H

#include <stdbool.h>
#include <stddef.h>

#include "citation.h"
#include "endorsement.h"
#include "settings.h"

typedef struct {
	const char *code;  /* stable code, e.g. "legal_aid" */
	const char *title; /* Chinese title */
	bool conditional;  /* depends on conditions set by the city */
	bool needs_permit; /* only a permit that is not suspended gives it */
	int n_basis;
	/* Every source, in the order cited; those that speak of permit
	 * holders only (ld_cite_for_permit_holders) are dropped for a
	 * certificate holder, and the notice's items are cited as in force
	 * on the day asked. */
	ld_cite basis[5];
} ld_entitlement;

/* The catalogue in its published order. Static storage. */
extern const ld_entitlement ld_entitlements[];
extern const size_t ld_entitlement_count;

/* Whether a citation speaks of residence permit holders only (条例 第十二、
 * 十三、十五条: "居住证持有人"). */
bool ld_cite_for_permit_holders(ld_cite c);

/* What a person's documents give on a day. */
typedef struct {
	bool certificate_active; /* residence registration certificate */
	bool has_permit;
	ld_permit_state permit_state;
} ld_documents;

/* One entitlement a person holds, with the citations that give it to them. */
typedef struct {
	const ld_entitlement *e; /* into the catalogue */
	ld_basis basis;
} ld_grant;

/*
 * Fill `out` (capacity ld_entitlement_count) with the entitlements the
 * documents give on `on`, in catalogue order; returns how many apply.
 * Either document gives every entitlement except those needing a permit; a
 * suspended permit gives nothing by itself.
 */
size_t ld_entitlements_for(const ld_documents *docs, ld_day on,
			   const ld_rules_settings *s, ld_grant *out);

#endif
