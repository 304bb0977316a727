/*
 * http.h — types shared by the HTTP layer: the server, its threads, a request
 * in flight, routes and their checks. Handlers see struct ld_req and reply
 * through reply.h; they never touch the database library (only the store
 * table) and never call free (memory comes from the request's arena).
 */
#ifndef LD_HTTP_H
#define LD_HTTP_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <h2o.h>
#include <jansson.h>

#include "core/calendar.h"
#include "core/endorsement.h"
#include "core/settings.h"
#include "core/status.h"
#include "store/store.h"
#include "store/writer.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/cidr.h"
#include "util/netaddr.h"

struct ld_req;
struct ld_thread;
struct ld_server;

/*
 * The most a request body may hold, for every path and every caller. h2o
 * (2.2.5) reads a whole body before any handler runs, so the route's own
 * limit and the login check can only follow it; this bound is what h2o
 * applies before that: a larger Content-Length is refused with 413 as soon
 * as the headers are read, and a chunked body is cut off at it. So nobody,
 * signed in or not, makes the server hold more than this for a request.
 * JSON routes keep their own smaller limit (64 KiB unless the route says
 * otherwise), checked by the dispatcher; larger files of reports arrive in
 * parts of this size (docs/grid.md).
 */
#define LD_MAX_REQUEST_BODY ((size_t)1 << 20)

typedef void (*ld_handler)(struct ld_req *r);

/* ---- request body schemas (validated once, before the handler) ------ */

enum ld_ftype {
	LD_F_STRING,
	LD_F_INT,
	LD_F_BOOL,
	LD_F_DATE,      /* "YYYY-MM-DD" */
	LD_F_ID_NUMBER, /* GB 11643, checked by the rules engine */
	LD_F_DIVISION,  /* six-digit county-level GB/T 2260 code */
	LD_F_CODE,      /* one code of `codes` */
	LD_F_OBJECT,    /* nested, described by `fields` */
	LD_F_ARRAY,     /* of objects described by `fields`; at most max_len
			   items (0 = 100) */
};

struct ld_field {
	const char *name;
	enum ld_ftype type;
	bool required;
	unsigned max_len; /* strings: bytes, 0 = 200 */
	const struct ld_field *fields;	     /* LD_F_OBJECT, NULL-terminated */
	const struct ld_code_list *codes;    /* LD_F_CODE */
	const char *desc;		     /* Chinese, for the OpenAPI document */
};

/* Query parameters. The dispatcher checks every one before the handler
 * runs: a name the route does not declare is refused (400
 * unknown_parameter), so is a name given twice (400), and a value that is
 * not of its type (422 invalid, naming the parameter). An empty value
 * counts as absent. Handlers read checked values with ld_req_query. */
enum ld_ptype {
	LD_P_TEXT = 0, /* free text: at most max bytes (0 = 200), and no
			  control, bidi-control or invisible character */
	LD_P_INT,      /* a decimal integer from min to max */
	LD_P_DATE,     /* YYYY-MM-DD, a real day */
	LD_P_MONTH,    /* YYYY-MM */
	LD_P_ENUM,     /* one code of `codes` */
	LD_P_FLAG,     /* "1" yes or "0" no */
	LD_P_AREA,     /* an area code: 6, 9, 12 or 15 digits (county, street,
			  community, grid) */
};

struct ld_param {
	const char *name;
	bool required;
	const char *desc;
	enum ld_ptype type;
	const struct ld_code_list *codes; /* LD_P_ENUM */
	long long min, max; /* LD_P_INT bounds; LD_P_TEXT: max bytes in max */
};

/* ---- routes --------------------------------------------------------- */

enum {
	LD_R_AUTH = 1 << 0,       /* needs a session */
	LD_R_READ_REASON = 1 << 1,/* reads a person: `reason` required, audited */
	LD_R_WRITE = 1 << 2,      /* changes data (through the writer) */
	LD_R_BODY = 1 << 3,       /* takes a JSON object body */
	LD_R_RESIDENT = 1 << 4,   /* needs a resident's session */
	LD_R_RESIDENT_OK = 1 << 5,/* with LD_R_AUTH: a resident's will do */
	LD_R_ORG_OK = 1 << 6,     /* with LD_R_AUTH: an organisation's API key
				     will do (docs/grid.md) */
	LD_R_UNVERIFIED_OK = 1 << 7, /* with LD_R_RESIDENT or _RESIDENT_OK: so
				     will a resident's unverified session (an
				     ID number not on record); without it such
				     a session is refused */
	LD_R_FILE = 1 << 8,       /* takes a file as it is (the body, up to
				     max_body), not JSON */
	LD_R_PW_PENDING_OK = 1 << 9, /* with LD_R_AUTH: open to a session that
					must change its password first */
};

enum ld_target {
	LD_T_NONE = 0,
	LD_T_PERSON,       /* {id} is a person in the user's area */
	LD_T_REGISTRATION, /* {id} is a registration in the user's area */
	LD_T_PERMIT,       /* {id} is a permit whose holder is in the area */
};

#define LD_ROLES(...) (ld_role_bits((enum ld_role[]){__VA_ARGS__}, \
	sizeof((enum ld_role[]){__VA_ARGS__}) / sizeof(enum ld_role)))
#define LD_ALL_STAFF ((1u << LD_ROLE_ADMIN) | (1u << LD_ROLE_CLERK) | \
		      (1u << LD_ROLE_GRID))

struct ld_route {
	const char *method;
	const char *path; /* segments; "{id}" captures a positive integer */
	ld_handler handler;
	const char *perm; /* permission string, e.g. "person:read" */
	unsigned roles;	  /* bit per ld_role; 0 with no LD_R_AUTH = public */
	unsigned flags;
	enum ld_target target;
	size_t max_body;
	const struct ld_field *body;  /* NULL-terminated, for LD_R_BODY */
	const struct ld_param *query; /* NULL-terminated */
	const char *tag;
	const char *summary; /* Chinese */
	/* For a route whose answer carries people's identifying data without
	 * asking a reason of each read (lists, print pages): the purpose
	 * recorded as the reason of the answer's audit entry when the client
	 * gives no `reason` (Chinese, e.g. "网格任务办理"). NULL otherwise. */
	const char *purpose;
	/* LD_R_FILE: the media types the body may have, NULL-terminated
	 * (for the OpenAPI document; the handler checks them). NULL:
	 * text/csv and application/octet-stream. */
	const char *const *file_types;
};

extern const struct ld_route ld_routes[];
extern const size_t ld_route_count;

/* ---- metrics -------------------------------------------------------- */

#define LD_LAT_BUCKETS 12
extern const double ld_latency_bounds_ms[LD_LAT_BUCKETS];

struct ld_route_metrics {
	atomic_uint_fast64_t by_class[6]; /* 1xx..5xx by status / 100 */
	atomic_uint_fast64_t lat[LD_LAT_BUCKETS + 1];
	atomic_uint_fast64_t lat_sum_us;
};

/* ---- server and threads --------------------------------------------- */

struct ld_server_config {
	const char *listen; /* "ADDR:PORT" */
	const char *data_dir;
	const char *access_log; /* path, "-" for stderr, "off" */
	int threads;
	bool group_commit;
	bool durable;
	int session_minutes;
	/* Holiday arrangement files and division code files added to the
	 * compiled-in ones (the global --holidays / --divisions, or their
	 * environment variables), or NULL; DATA/holidays and DATA/divisions
	 * are read after them when they exist. */
	const char *holidays_dir;
	const char *divisions_dir;
	/* Answer a read only once its audit entry is on disk (true), or once
	 * it is queued for the next group commit (false). */
	bool read_audit_durable;
	/* The electronic permit: authority printed on permits, and the
	 * GB/T 36904 licence type and issuer codes ([0-9A-Z]). */
	const char *issuing_authority;
	const char *licence_type;
	const char *issuer_code;
	/* The built web application (web/dist), or NULL for none. */
	const char *web_dir;
	/* The group-rental standard and the working days given to house
	 * and visit tasks (docs/grid.md). */
	int group_rental_per_room, group_rental_min_area, task_days;
	/* SMS of one-time codes: "demo" (written to the log and returned in
	 * the answer; only for a database made by `liudong demo`), an
	 * http(s) webhook URL, or NULL: demo for a demo database, otherwise
	 * the server refuses to start. */
	const char *sms;
	/* Who may read /metrics, by the connection's peer address (not a
	 * forwarded header): by default loopback only. */
	struct ld_cidr metrics_allow[LD_CIDR_MAX];
	int n_metrics_allow;
	/* The audit chain's anchor directory (store/anchor.h), or NULL for
	 * DATA/anchors. It belongs where a restore of the data does not
	 * reach: another disk or machine. */
	const char *anchor_dir;
	/* Uploads of reports: seconds an unconfirmed upload is kept, and how
	 * many an organisation, or a clerk, may have pending at once. */
	int upload_expiry_s, upload_pending;
	/* Reverse proxies whose X-Forwarded-For is believed (none: the
	 * header is ignored). */
	struct ld_cidr trusted_proxies[LD_CIDR_MAX];
	int n_trusted_proxies;
	/* Issuing authorities of permits named by --issuing-authorities, for
	 * this run (authority.h); issuing_authority above is the city-level
	 * fallback. */
	const struct ld_authority *authority_overrides;
	int n_authority_overrides;

	/* The readings of the law the rules use (core/settings.h): whether
	 * the anniversary day is in the endorsement window, and the day the
	 * Jinan notice took effect. */
	ld_rules_settings rules;

	/* How many days before today a clerk may date an act (a back-dated
	 * entry, with a reason; http/backdate.h). */
	int backdate_days;
	/* Working days the station has to act on an online permit
	 * application (accept or return it) or an online declaration (verify
	 * or reject it): its queues' deadlines. Neither 条例 nor 办法 sets
	 * one; a setting. */
	int accept_days;
};

/* A message posted back to a loop thread from another thread. */
struct ld_msg {
	h2o_multithread_message_t super;
	void (*fn)(struct ld_msg *m);
};

struct ld_thread {
	struct ld_server *srv;
	int index;
	pthread_t tid;
	h2o_context_t ctx;
	h2o_accept_ctx_t accept;
	h2o_socket_t *listener;
	h2o_multithread_queue_t *queue;
	h2o_multithread_receiver_t receiver;
	ld_conn *reader;
	ld_buf log;
	h2o_timeout_t log_timeout;
	h2o_timeout_entry_t log_flush;
	struct ld_route_metrics *metrics; /* ld_route_count + 1 (unmatched) */
	/* Session cache, this thread's own (see auth.c). */
	struct ld_session_cache *sessions;
	/* Answers of /verify, this thread's own (see h_epermit.c). */
	struct ld_verify_cache *verify_cache;
};

struct ld_throttle;
struct ld_hasher;
struct ld_authority;
struct ld_authorities;

struct ld_server {
	struct ld_server_config cfg;
	const struct ld_store_ops *ops;
	ld_store *store;
	ld_writer *writer;
	h2o_globalconf_t h2o;
	int nthreads;
	struct ld_thread *threads;
	int listen_fd;
	int log_fd;
	ld_calendar calendar;
	/* cfg.rules: every decision the server makes reads them here. */
	ld_rules_settings settings;
	/* Who signs the permits of each district (authority.h). */
	struct ld_authorities *authorities;
	/* The current signing key for electronic permits, or NULL. */
	struct ld_sm2_key *signer;
	char key_id[17];
	/* Failed staff sign-ins and password checks (auth.c). */
	struct ld_throttle *throttle;
	/* Residents' code requests: a table of their own, so they never
	 * count against staff sign-in from the same address. */
	struct ld_throttle *otp_throttle;
	/* Password hashing, bounded (hasher.h). */
	struct ld_hasher *hasher;
	/* Bumped on logout, password change, reset and disabling: every
	 * loop thread's session cache forgets what it held. */
	atomic_uint_fast64_t session_generation;
	/* Bumped after every committed change to a permit, so cached
	 * verification answers are never served past it. */
	atomic_uint_fast64_t permit_generation;
	pthread_t slow_thread;
	pthread_mutex_t slow_lock;
	pthread_cond_t slow_cond;
	struct ld_slow_task *slow_head, *slow_tail;
	struct ld_notifier *notifier;
	/* The key of the one-time code digests (DATA/keys/otp.secret). */
	unsigned char otp_key[32];
	/* The database was made by `liudong demo` (its settings say so). */
	bool demo_database;
	/* The audit chain's anchors (cfg.anchor_dir points at anchor_path
	 * when it was not given) and the data directory's lock. */
	struct ld_anchor_log *anchors;
	char anchor_path[4096];
	int data_lock;
	/* Checks uploaded files and expires unconfirmed uploads
	 * (upload_worker.h). */
	struct ld_upload_worker *uploads;
	bool stopping;
	time_t started_at;
	atomic_bool init_failed;
	/* Readiness (h_meta.c): a probe write is in flight; when the last
	 * probe committed (CLOCK_MONOTONIC us; 0 if it failed). */
	atomic_bool ready_probing;
	atomic_uint_fast64_t ready_ok_at_us;
	pthread_barrier_t started, loops_stopped, writer_drained;
};

/* ---- a request in flight -------------------------------------------- */

#define LD_MAX_QUERY 16

struct ld_req {
	h2o_req_t *h2o; /* NULL once the client has gone */
	struct ld_thread *th;
	struct ld_server *srv;
	const struct ld_route *route;
	int route_index;
	ld_arena arena;
	uint64_t t0_us;
	bool authed;
	bool resident; /* signed in as a resident (not staff) */
	const char *resident_id_number;
	const char *resident_phone;
	/* The resident's record, whose phone is the session's; NULL for an
	 * unverified session (the ID number is not on record). */
	ld_person *resident_person;
	bool org; /* signed in with an organisation's API key */
	ld_id org_id;
	ld_user user;
	ld_access access;
	json_t *body;
	int64_t path_id;
	char path_no[33]; /* {no} in the route's path */
	ld_person *target_person; /* loaded by the area check, for LD_T_PERSON */
	ld_permit *target_permit; /* for LD_T_PERMIT */
	ld_person *target_person_of_permit; /* its holder */
	const char *reason; /* the reader's stated reason, or the purpose */
	/* What the answer carries about people, noted by the views as they
	 * write it (ld_req_carries): its audit entry names them. */
	struct ld_carried {
		const char *kind; /* "persons", "tasks", "reports", ... */
		ld_id id;
	} *carried;
	size_t ncarried, carried_cap;
	/* The audit action of an answer audited for its route's purpose;
	 * NULL for the route's permission. */
	const char *answer_action;
	int nquery;
	struct {
		const char *name, *value;
	} query[LD_MAX_QUERY];
	/* While a job or task for this request runs on another thread, it
	 * holds a pointer back here; *watch is cleared if the client goes. */
	struct ld_req **watch;
	/* Called when the request is disposed of while a hashing task for it
	 * waits (hasher.c). */
	void (*on_gone)(void *arg);
	void *on_gone_arg;
	/* The client's address, once worked out (ld_req_peer). */
	const char *peer;
	bool replied;
};

/* A write job bound to a request: the handler fills it (allocating from
 * job->arena, which lives until `finish`), submits it, and `finish` runs on
 * the loop thread after the commit, with r == NULL if the client left. */
struct ld_pending {
	ld_write_job job;
	struct ld_msg msg;
	struct ld_thread *th;
	struct ld_req *r;
	ld_arena arena;
	void (*finish)(struct ld_req *r, struct ld_pending *p);
	/* Optional: frees what data holds beyond the arena, after finish,
	 * or instead of it when the client has gone. */
	void (*release)(struct ld_pending *p);
	void *data;
	bool changes_permit; /* bump srv->permit_generation when durable */
	/* If set: called on the loop thread once the job is done, before
	 * finish, whether or not a client still waits (finish is not called
	 * when none does). */
	void (*settled)(struct ld_pending *p);
	struct ld_server *srv;
};

/* Free a thread's /verify cache (NULL is fine). */
void ld_verify_cache_free(struct ld_verify_cache *c);

/* Allocate a pending job for r with `data_size` bytes of zeroed data. */
struct ld_pending *ld_pending_new(struct ld_req *r, size_t data_size);
/* Submit it to the writer; finish is called later on this thread. */
void ld_pending_submit(struct ld_req *r, struct ld_pending *p);
/* Submit a job nobody waits for (its result is dropped when it is done). */
void ld_pending_detach_submit(struct ld_req *r, struct ld_pending *p);
/* Add an audit entry about this request to p (user, action, target). */
void ld_pending_audit(struct ld_req *r, struct ld_pending *p,
		      const char *action, const char *target,
		      const char *result, const char *detail);
/* In the writer, once the record the job made has its id: name it
 * ("kind:id") as the target of the job's first audit entry. */
void ld_pending_target(struct ld_pending *p, const char *kind, ld_id id);

/* Run fn(arg) on the slow-work thread (password hashing), then done(arg) on
 * r's loop thread. */
struct ld_slow_task {
	struct ld_slow_task *next;
	struct ld_msg msg;
	struct ld_thread *th;
	struct ld_req *r; /* NULL once the client has gone */
	void (*fn)(void *arg);
	void (*done)(void *arg);
	void *arg;
};
void ld_slow_submit(struct ld_req *r, struct ld_slow_task *t);

/* Note that the answer being written carries record `id` of `kind`
 * ("persons" for a person on record; "tasks", "reports", "organisations",
 * "tenancies" for records naming people who may not be). Ids <= 0 are
 * ignored. */
void ld_req_carries(struct ld_req *r, const char *kind, ld_id id);
/* The audit detail naming what r's answer carries, as a JSON object of
 * sorted, distinct ids by kind ({"persons":[3,12],"tasks":[7]}), or NULL
 * when it carries nothing; in r's arena. */
const char *ld_req_carried_detail(struct ld_req *r);

/* Query parameter value or NULL. */
const char *ld_req_query(const struct ld_req *r, const char *name);
/* The client's address as text, from the arena: the socket's peer, or,
 * when that is a trusted proxy, the client its X-Forwarded-For names
 * (ld_forwarded_client); the peer again when that header is malformed. */
const char *ld_req_peer(struct ld_req *r);

unsigned ld_role_bits(const enum ld_role *roles, size_t n);

/* Entry points used by server.c. */
int ld_dispatch(h2o_handler_t *self, h2o_req_t *req);
void ld_access_log_flush(struct ld_thread *th);
void ld_receiver_cb(h2o_multithread_receiver_t *receiver,
		    h2o_linklist_t *messages);

/* Run the server until SIGINT or SIGTERM. Returns a process exit code. */
int ld_server_run(const struct ld_server_config *cfg);

#endif
