/*
 * auth.h — staff sign-in and sessions, residents' sessions, organisations'
 * API keys.
 *
 * A session token is 32 random bytes as hex, given to the client once; the
 * store keeps only its SM3 digest. Each loop thread caches sessions it has
 * seen; a logout, a password change or reset and disabling an account bump
 * a server-wide generation so every cache forgets, and a cached session is
 * checked against the store again every 30 seconds anyway. Failed sign-ins
 * and password checks are counted per account and per client address
 * (throttle.h); passwords are hashed off the loops, in a bounded queue
 * (hasher.h).
 */
#ifndef LD_AUTH_H
#define LD_AUTH_H

#include "http/http.h"
#include "http/throttle.h"

#define LD_TOKEN_HEX 64

struct ld_session_cache *ld_session_cache_new(void);
void ld_session_cache_free(struct ld_session_cache *c);

/* Resolve the request's bearer token into r->user. Returns false when there
 * is no valid session. */
bool ld_auth_resolve(struct ld_req *r);

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
void h_auth_password(struct ld_req *r);

/* Accounts, for admins (h_users.c). */
void h_users_list(struct ld_req *r);
void h_user_reset_password(struct ld_req *r);
void h_user_disable(struct ld_req *r);
void h_user_enable(struct ld_req *r);

#endif
