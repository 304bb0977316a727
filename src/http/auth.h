/*
 * auth.h — sessions and login throttling.
 *
 * A session token is 32 random bytes as hex, given to the client once; the
 * store keeps only its SM3 digest. Each loop thread caches sessions it has
 * seen; a logout bumps a server-wide generation so every cache forgets.
 * Failed logins are counted per account and per client address in a bounded
 * table; past the limit, logins are refused for a while with 429.
 */
#ifndef LD_AUTH_H
#define LD_AUTH_H

#include "http/http.h"

#define LD_TOKEN_HEX 64

struct ld_session_cache *ld_session_cache_new(void);
void ld_session_cache_free(struct ld_session_cache *c);

/* Resolve the request's bearer token into r->user. Returns false when there
 * is no valid session. */
bool ld_auth_resolve(struct ld_req *r);

struct ld_throttle *ld_throttle_new(void);
void ld_throttle_free(struct ld_throttle *t);
/* Seconds the caller must still wait (0 when allowed). */
int ld_throttle_wait(struct ld_throttle *t, const char *username,
		     const char *address, time_t now);
void ld_throttle_failure(struct ld_throttle *t, const char *username,
			 const char *address, time_t now);
void ld_throttle_success(struct ld_throttle *t, const char *username);

/* Resolve the request's bearer token as a resident's session: sets
 * r->resident, r->resident_id_number and _phone, r->resident_person (the
 * record, or NULL for an unverified session: the ID number is not on
 * record), and a user name for the audit trail ("resident:" + the masked
 * ID number). False when there is no such session, or when the record
 * now has another phone than the session's, or none. */
bool ld_resident_resolve(struct ld_req *r);

/* Whether the request carries "Authorization: ApiKey …". */
bool ld_org_key_given(struct ld_req *r);
/* Resolve an organisation's API key: sets r->org, r->org_id, r->authed and
 * a user name for the audit trail ("org:ID"). */
bool ld_org_resolve(struct ld_req *r);
/* A new key ("ldk_" + 40 hex digits), its SM3 digest and its prefix. */
bool ld_org_key_new(char key[45], char hash[65], char prefix[9]);

/* Handlers. */
void h_auth_login(struct ld_req *r);
void h_auth_logout(struct ld_req *r);
void h_auth_me(struct ld_req *r);

#endif
