/*
 * server.c — h2o glue: one event loop per core, all accepting on one
 * listening socket, each with its own read connection to the store and its
 * own session cache; one writer thread (group commit); one thread that
 * hashes passwords, behind a bounded queue (hasher.c), and one for other
 * slow work (sending text messages), so no loop ever blocks on either; and
 * one that checks uploaded files (upload_worker.c). SIGINT and SIGTERM stop
 * the loops, drain the writer and exit.
 *
 * HTTP/1.1 only: liudong speaks cleartext HTTP behind a reverse proxy that
 * terminates TLS, and HTTP/2 over cleartext (h2c, by upgrade or by prior
 * knowledge) is turned off, which closes HTTP/2's stream-level attacks
 * (rapid reset, CVE-2023-44487) at this server. The proxy may speak HTTP/2
 * to clients.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/auth.h"
#include "http/authority.h"
#include "http/body.h"
#include "http/framing.h"
#include "http/hasher.h"
#include "crypto/keyring.h"
#include "crypto/secret.h"
#include "store/anchor.h"
#include "store/datalock.h"
#include "notify/notify.h"
#include "crypto/sm2.h"
#include "http/http.h"
#include "http/upload_worker.h"
#include "http/redecide.h"
#include "http/views.h"
#include "http/handlers.h"
#include "core/division.h"

/* Set by the signal handler, read by every loop thread: a lock-free
 * atomic, which a handler may store to. */
static atomic_bool stop_requested;
_Static_assert(ATOMIC_BOOL_LOCK_FREE == 2, "atomic_bool must be lock-free");

static void on_signal(int sig)
{
	(void)sig;
	atomic_store(&stop_requested, true);
}

static bool parse_listen(const char *s, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	if (!colon || (size_t)(colon - s) >= sizeof host)
		return false;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || port < 1 || port > 65535)
		return false;
	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, host, &sa->sin_addr) == 1;
}

/*
 * The one listening socket, which every loop accepts on (each through a
 * descriptor of its own, dup'ed, as h2o's own server does). Not
 * SO_REUSEPORT: with it, a second server started on the same address would
 * bind too, and the kernel would split connections between the two
 * processes and their databases. Without it the second bind fails, so a
 * second `liudong serve` refuses to start. SO_REUSEADDR only lets a restart
 * bind while old connections linger in TIME_WAIT.
 */
static int open_listener(const struct sockaddr_in *sa)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	int on = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
	if (bind(fd, (const struct sockaddr *)sa, sizeof *sa) != 0 ||
	    listen(fd, 1024) != 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* Before the static files: a request whose length is ambiguous is refused
 * there too (the API's dispatcher checks it itself). */
static int on_framing_gate(h2o_handler_t *self, h2o_req_t *req)
{
	(void)self;
	const char *refusal = ld_framing_refusal(req);
	if (!refusal)
		return -1; /* on to the next handler */
	char body[320];
	int n = snprintf(body, sizeof body,
			 "{\"error\":{\"code\":\"bad_request\",\"message\":"
			 "\"%s\",\"field\":null}}",
			 refusal);
	req->res.status = 400;
	req->res.reason = "Bad Request";
	h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE,
		       NULL, H2O_STRLIT("application/json; charset=utf-8"));
	req->res.content_length = (size_t)n;
	h2o_send_inline(req, body, (size_t)n);
	return 0;
}

static void on_accept(h2o_socket_t *listener, const char *err)
{
	struct ld_thread *th = listener->data;
	if (err)
		return;
	for (int i = 0; i < 64; i++) {
		h2o_socket_t *sock = h2o_evloop_socket_accept(listener);
		if (!sock)
			break;
		h2o_accept(&th->accept, sock);
	}
}

static void on_log_timer(h2o_timeout_entry_t *entry)
{
	struct ld_thread *th =
		H2O_STRUCT_FROM_MEMBER(struct ld_thread, log_flush, entry);
	ld_access_log_flush(th);
	h2o_timeout_link(th->ctx.loop, &th->log_timeout, &th->log_flush);
}

static int thread_init(struct ld_server *srv, struct ld_thread *th, int index,
		       int listen_fd);
static void thread_release(struct ld_thread *th);

/* On stop, while the writer still runs: stop accepting and close every
 * client connection, since h2o asserts that no connection holds a timeout
 * when the context is disposed. Idle keep-alive connections close at once;
 * one whose request is still being served gets up to DRAIN_MS for its answer
 * (sent with "Connection: close"), and no further request is read. */
enum { DRAIN_MS = 5000, DRAIN_STEP_MS = 50 };

static bool has_connections(h2o_context_t *ctx)
{
	return !h2o_linklist_is_empty(&ctx->http1._conns) ||
	       !h2o_linklist_is_empty(&ctx->http2._conns);
}

static void drain_connections(struct ld_thread *th)
{
	if (th->listener) {
		h2o_socket_close(th->listener);
		th->listener = NULL;
	}
	h2o_context_request_shutdown(&th->ctx);
	/* HTTP/1 has no shutdown hook in this h2o: an idle keep-alive
	 * connection waits on the request timeout, so make that expire now. */
	th->ctx.http1.req_timeout.timeout = 0;
	for (int waited = 0; has_connections(&th->ctx) && waited < DRAIN_MS;
	     waited += DRAIN_STEP_MS)
		h2o_evloop_run(th->ctx.loop, DRAIN_STEP_MS);
	/* request_shutdown also arms HTTP/2's graceful-shutdown timer, on the
	 * context whether or not an HTTP/2 connection exists. */
	if (h2o_timeout_is_linked(&th->ctx.http2._graceful_shutdown_timeout))
		h2o_timeout_unlink(&th->ctx.http2._graceful_shutdown_timeout);
}

/*
 * A loop thread's life. h2o keeps per-thread free lists (its buffer and pool
 * allocators are __thread), so each loop creates, runs and disposes of its
 * own context and sockets on its own thread. Three barriers order start-up
 * and shutdown with the main thread: all loops ready; all loops stopped;
 * writer drained (so no result is posted to a loop that is gone).
 */
static void *loop_main(void *arg)
{
	struct ld_thread *th = arg;
	struct ld_server *srv = th->srv;
	if (thread_init(srv, th, th->index, srv->listen_fd) != 0)
		atomic_store(&srv->init_failed, true);
	pthread_barrier_wait(&srv->started);
	if (!atomic_load(&srv->init_failed)) {
		while (!atomic_load(&stop_requested))
			h2o_evloop_run(th->ctx.loop, 200);
		drain_connections(th);
	}
	pthread_barrier_wait(&srv->loops_stopped);
	pthread_barrier_wait(&srv->writer_drained);
	thread_release(th);
	return NULL;
}

static void *slow_main(void *arg)
{
	struct ld_server *srv = arg;
	for (;;) {
		pthread_mutex_lock(&srv->slow_lock);
		while (!srv->slow_head && !srv->stopping)
			pthread_cond_wait(&srv->slow_cond, &srv->slow_lock);
		struct ld_slow_task *t = srv->slow_head;
		if (!t) {
			pthread_mutex_unlock(&srv->slow_lock);
			break;
		}
		srv->slow_head = t->next;
		if (!srv->slow_head)
			srv->slow_tail = NULL;
		pthread_mutex_unlock(&srv->slow_lock);
		t->fn(t->arg);
		h2o_multithread_send_message(&t->th->receiver, &t->msg.super);
	}
	return NULL;
}

static int thread_init(struct ld_server *srv, struct ld_thread *th, int index,
		       int listen_fd)
{
	ld_error err = {0};
	th->srv = srv;
	th->index = index;
	h2o_context_init(&th->ctx, h2o_evloop_create(), &srv->h2o);
	th->accept.ctx = &th->ctx;
	th->accept.hosts = srv->h2o.hosts;
	th->queue = h2o_multithread_create_queue(th->ctx.loop);
	h2o_multithread_register_receiver(th->queue, &th->receiver,
					  ld_receiver_cb);
	if (srv->ops->connect(srv->store, false, &th->reader, &err) != LD_OK) {
		fprintf(stderr, "liudong: %s\n", err.message);
		return -1;
	}
	th->metrics = calloc(ld_route_count + 1, sizeof *th->metrics);
	th->sessions = ld_session_cache_new();
	if (!th->metrics || !th->sessions)
		return -1;
	ld_buf_init(&th->log, (size_t)4 << 20);
	h2o_timeout_init(th->ctx.loop, &th->log_timeout, 200);
	th->log_flush.cb = on_log_timer;
	h2o_timeout_link(th->ctx.loop, &th->log_timeout, &th->log_flush);
	/* Every loop accepts on the one listening socket, through its own
	 * descriptor (closing its h2o socket closes that descriptor; the
	 * main thread closes the original). */
	int fd = fcntl(listen_fd, F_DUPFD_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	th->listener = h2o_evloop_socket_create(th->ctx.loop, fd,
						H2O_SOCKET_FLAG_DONT_READ);
	th->listener->data = th;
	h2o_socket_read_start(th->listener, on_accept);
	return 0;
}

/* Undo thread_init, after the loop has stopped and the writer has drained.
 * Messages still queued for this loop (results of the last jobs) are
 * delivered first, so their memory is freed; drain_connections has closed
 * their clients (or the listener, when start-up failed, is closed here). */
static void thread_release(struct ld_thread *th)
{
	if (th->queue) {
		h2o_evloop_run(th->ctx.loop, 0);
		h2o_multithread_unregister_receiver(th->queue, &th->receiver);
		h2o_multithread_destroy_queue(th->queue);
	}
	if (th->listener)
		h2o_socket_close(th->listener);
	if (h2o_timeout_is_linked(&th->log_flush))
		h2o_timeout_unlink(&th->log_flush);
	if (th->ctx.loop) {
		h2o_timeout_dispose(th->ctx.loop, &th->log_timeout);
		h2o_context_dispose(&th->ctx);
		h2o_evloop_destroy(th->ctx.loop);
	}
	if (th->reader)
		th->srv->ops->disconnect(th->reader);
	ld_session_cache_free(th->sessions);
	ld_verify_cache_free(th->verify_cache);
	free(th->metrics);
	ld_buf_release(&th->log);
}

/* Whether the database was made by `liudong demo` (its settings say so). */
static ld_status read_demo_flag(struct ld_server *srv, bool *demo)
{
	ld_conn *c;
	ld_error err = {0};
	ld_arena ar;
	const char *v = NULL;
	ld_status rc = srv->ops->connect(srv->store, false, &c, &err);
	if (rc != LD_OK)
		return rc;
	ld_arena_init(&ar, 0);
	rc = srv->ops->setting_get(c, "demo", &ar, &v);
	*demo = rc == LD_OK && strcmp(v, "1") == 0;
	ld_arena_release(&ar);
	srv->ops->disconnect(c);
	return rc == LD_ENOTFOUND ? LD_OK : rc;
}

/* The notifier of one-time codes. Demo mode shows codes on the page, so
 * only a database made by `liudong demo` may use it; a real database must
 * name its SMS gateway. Returns 0, or 1 after saying why not. */
static int open_notifier(struct ld_server *srv, const char *sms)
{
	ld_error err = {0};
	if (read_demo_flag(srv, &srv->demo_database) != LD_OK) {
		fprintf(stderr, "liudong: 无法读取数据库设置\n");
		return 1;
	}
	if ((!sms || strcmp(sms, "demo") == 0) && !srv->demo_database) {
		fprintf(stderr,
			"liudong: 未配置短信网关：请用 --sms https://… 指定短信网关"
			"（演示模式只能用于 liudong demo 生成的演示数据库） (no SMS "
			"gateway: give --sms https://...; demo mode is only for a "
			"database made by liudong demo)\n");
		return 1;
	}
	srv->notifier = ld_notifier_new(sms ? sms : "demo", &err);
	if (!srv->notifier) {
		fprintf(stderr, "liudong: --sms: %s\n", err.message);
		return 1;
	}
	if (srv->notifier->demo)
		fprintf(stderr, "liudong: 【演示】短信验证码写入本日志，不会真正发送 "
				"(demo SMS: codes are written to this log)\n");
	return 0;
}

/* The holiday arrangements (compiled in, the --holidays directory or
 * beside the binary, then DATA/holidays) and the division codes (compiled
 * in, the --divisions directory or beside the binary, then
 * DATA/divisions). A bad file stops the start, naming it. */
static ld_status load_reference_data(struct ld_server *srv, ld_error *err)
{
	const struct ld_server_config *cfg = &srv->cfg;
	char dir[4200];
	ld_status rc = ld_calendar_load_default(&srv->calendar,
						cfg->holidays_dir, err);
	if (rc != LD_OK)
		return rc;
	snprintf(dir, sizeof dir, "%s/holidays", cfg->data_dir);
	rc = ld_calendar_load_dir(&srv->calendar, dir, true, err);
	if (rc != LD_OK)
		return rc;
	snprintf(dir, sizeof dir, "%s/divisions", cfg->data_dir);
	return ld_division_load_default(cfg->divisions_dir, dir, err);
}

static void redecide_at_start(struct ld_server *srv)
{
	struct ld_redecide_result res;
	if (ld_redecide_run(srv, &srv->calendar, &res) != LD_OK) {
		fprintf(stderr,
			"liudong: 警告：暂定期限重新判定失败（%s），下次启动时再试 / "
			"WARNING: re-deciding provisional deadlines failed\n",
			res.err.message);
		return;
	}
	if (res.checked > 0)
		fprintf(stderr,
			"liudong: 暂定期限重新判定：共%d项，更新%d项（由逾期改为未逾期"
			"%d项，由未逾期改为逾期%d项），仍为暂定%d项 / provisional "
			"deadlines re-decided: %d checked, %d changed, %d still "
			"provisional\n",
			res.checked, res.changed, res.late_cleared, res.late_set,
			res.remaining, res.checked, res.changed, res.remaining);
}

/* At start: today's arrangements missing (as the dashboard says them). */
static void warn_calendar(const struct ld_server *srv)
{
	if (ld_http_today_override())
		fprintf(stderr,
			"liudong: 警告：环境变量 LIUDONG_TEST_TODAY 固定了“今天”，仅供测试使用 "
			"/ WARNING: LIUDONG_TEST_TODAY fixes today's date (tests "
			"only)\n");
	char notes[2][LD_CALENDAR_NOTICE_MAX];
	int n = ld_calendar_notices(&srv->calendar, ld_http_today(), notes);
	for (int i = 0; i < n; i++)
		fprintf(stderr, "liudong: 警告：%s\n", notes[i]);
}

static int open_log(const char *path, const char *data_dir)
{
	if (path && strcmp(path, "off") == 0)
		return -1;
	if (path && strcmp(path, "-") == 0)
		return STDERR_FILENO;
	char def[4096];
	if (!path) {
		snprintf(def, sizeof def, "%s/access.log", data_dir);
		path = def;
	}
	return open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
}

/* Whether path lies inside dir (both exist). */
static bool path_inside(const char *path, const char *dir)
{
	char p[PATH_MAX], d[PATH_MAX];
	if (!realpath(path, p) || !realpath(dir, d))
		return false;
	size_t n = strlen(d);
	return strncmp(p, d, n) == 0 && (p[n] == '/' || p[n] == '\0');
}

/*
 * The anchor directory: opened, or made with its key on the first start.
 * Anchors kept inside the data directory are reached by whoever can
 * restore or rewrite the database: say so at every start.
 */
static int open_anchors(struct ld_server *srv, ld_error *err)
{
	const struct ld_server_config *cfg = &srv->cfg;
	bool created = false;
	if (ld_anchor_open(cfg->anchor_dir, true, &srv->anchors, &created,
			   err) != LD_OK) {
		fprintf(stderr, "liudong: --anchor-dir: %s\n", err->message);
		return -1;
	}
	const char *id = ld_anchor_key_id(srv->anchors);
	if (created)
		fprintf(stderr,
			"liudong: 已启用审计锚点目录 %s（密钥 %s），审计日志的链头将签名"
			"记入其中 (audit anchors: %s, key %s)\n",
			cfg->anchor_dir, id, cfg->anchor_dir, id);
	if (path_inside(cfg->anchor_dir, cfg->data_dir))
		fprintf(stderr,
			"liudong: 警告：审计锚点目录 %s 位于数据目录之内%s。能恢复或改写"
			"数据库的人也能触及它，锚点便无从证明审计日志未被截断或回滚。"
			"请把它移到另一块磁盘或另一台机器（如挂载的远程目录、只可追加的"
			"存储），用 --anchor-dir 指定，并把公钥 %s/keys/%s.pub.pem 交给"
			"审计员。 / WARNING: the audit anchor directory %s is inside "
			"the data directory%s: whoever can restore or rewrite the "
			"database can reach it. Move it to another disk or machine "
			"(--anchor-dir) and give its public key to the auditors "
			"(docs/backup.md).\n",
			cfg->anchor_dir, created ? "（刚刚新建）" : "",
			cfg->anchor_dir, id, cfg->anchor_dir,
			created ? " (just created)" : "");
	return 0;
}

int ld_server_run(const struct ld_server_config *cfg)
{
	struct ld_server *srv = calloc(1, sizeof *srv);
	ld_error err = {0};
	int rc = 1;
	if (!srv)
		return 1;
	srv->cfg = *cfg;
	srv->started_at = time(NULL);
	srv->log_fd = -1;
	srv->listen_fd = -1;
	srv->data_lock = -1;
	if (!cfg->anchor_dir) {
		snprintf(srv->anchor_path, sizeof srv->anchor_path, "%s/anchors",
			 cfg->data_dir);
		srv->cfg.anchor_dir = srv->anchor_path;
	}
	cfg = &srv->cfg;
	srv->ops = ld_store_find("sqlite");
	srv->throttle = ld_throttle_new(&ld_login_limits);
	srv->otp_throttle = ld_throttle_new(&ld_login_limits);
	pthread_mutex_init(&srv->slow_lock, NULL);
	pthread_cond_init(&srv->slow_cond, NULL);

	if (!srv->throttle || !srv->otp_throttle) {
		fprintf(stderr, "liudong: 内存不足\n");
		goto out;
	}
	struct sockaddr_in sa;
	if (!parse_listen(cfg->listen, &sa)) {
		fprintf(stderr, "liudong: --listen: 地址应为 IPv4地址:端口，如 "
				"127.0.0.1:8080\n");
		goto out;
	}
	/* The address first: a second server on it stops here, before it
	 * touches its database. */
	srv->listen_fd = open_listener(&sa);
	if (srv->listen_fd < 0) {
		if (errno == EADDRINUSE)
			fprintf(stderr,
				"liudong: --listen: 地址 %s 已被占用（可能已有一个 liudong "
				"serve 在运行），不能启动第二个服务 (address in use)\n",
				cfg->listen);
		else
			fprintf(stderr, "liudong: --listen: 无法监听 %s：%s\n",
				cfg->listen, strerror(errno));
		goto out;
	}
	if (load_reference_data(srv, &err) != LD_OK) {
		fprintf(stderr, "liudong: %s\n", err.message);
		goto out;
	}
	srv->settings = cfg->rules;
	if (!srv->settings.notice_in_force)
		fprintf(stderr,
			"liudong: 提示：未设 --notice-effective，济南市实施通知（2025年修订，"
			"征求意见稿）按未施行处理，决定引用当时施行的通知。 / NOTE: no "
			"--notice-effective: the Jinan notice (a draft) is taken as not "
			"in force; decisions cite the notice then in force.\n");
	/* One server per data directory; a restore waits for none. */
	if (ld_datalock_take(cfg->data_dir, &srv->data_lock, &err) != LD_OK) {
		fprintf(stderr, "liudong: --data: %s\n", err.message);
		goto out;
	}
	/* The signing key of electronic permits: without one the server runs,
	 * but issuing, replacing and changing permits answer 503. */
	if (ld_keyring_load_signer(cfg->data_dir, &srv->signer, srv->key_id,
				   &err) != LD_OK) {
		srv->signer = NULL;
		fprintf(stderr,
			"liudong: 警告：没有可用的电子证照签名密钥（%s/keys：%s）。发证、"
			"换领补领和变更居住证将答复 503，直到运行 liudong keys generate "
			"--data %s，或用 liudong restore 恢复含密钥的备份。 / WARNING: "
			"no permit-signing key in %s/keys: issuing, replacing and "
			"changing permits answer 503 until one is generated or "
			"restored.\n",
			cfg->data_dir, err.message, cfg->data_dir, cfg->data_dir);
		memset(&err, 0, sizeof err);
	}
	_Static_assert(sizeof srv->otp_key == LD_SECRET_LEN, "otp key size");
	if (ld_secret_load(cfg->data_dir, "otp.secret", srv->otp_key, &err) !=
	    LD_OK) {
		fprintf(stderr, "liudong: %s\n", err.message);
		goto out;
	}
	if (srv->ops->open(cfg->data_dir, &srv->store, &err) != LD_OK) {
		fprintf(stderr, "liudong: %s\n", err.message);
		goto out;
	}
	if (open_notifier(srv, cfg->sms) != 0)
		goto out_store;
	if (ld_server_authorities_open(srv) != 0)
		goto out_store;
	if (open_anchors(srv, &err) != 0)
		goto out_store;
	srv->writer = ld_writer_start_anchored(srv->ops, srv->store,
					       cfg->group_commit, cfg->durable,
					       srv->anchors, &err);
	if (!srv->writer) {
		fprintf(stderr, "liudong: %s\n", err.message);
		if (err.field && strcmp(err.field, "anchor_dir") == 0)
			fprintf(stderr,
				"liudong: 数据库与锚点日志不符，拒绝启动：它可能被回滚、"
				"截断、改写或添加了记录。请运行 liudong audit verify "
				"--data %s --anchor-dir %s 核查。从备份恢复须用 liudong "
				"restore（恢复会记入锚点日志）；若原锚点目录已遗失，先 "
				"liudong backup 再 liudong restore；在运行中的数据库上执行 "
				"liudong user add 等命令时，须给它与服务相同的 "
				"--anchor-dir。 / The database does not match its anchor "
				"log; refusing to start (docs/backup.md).\n",
				cfg->data_dir, cfg->anchor_dir);
		goto out_store;
	}
	srv->log_fd = open_log(cfg->access_log, cfg->data_dir);
	/* Decisions stored while a year had no arrangement, decided again
	 * with the arrangements loaded now; before any request is served. */
	redecide_at_start(srv);
	warn_calendar(srv);

	ld_body_init();
	h2o_config_init(&srv->h2o);
	srv->h2o.server_name = h2o_iovec_init(H2O_STRLIT("liudong"));
	/* No HTTP/2 over cleartext: neither "Upgrade: h2c" nor the "PRI *
	 * HTTP/2.0" preface (see the top of this file). */
	srv->h2o.http1.upgrade_to_http2 = 0;
	/* The one bound h2o applies before it reads a body (http.h): a
	 * larger Content-Length gets 413 from h2o at once, for any path, with
	 * or without a login. Bodies within it but beyond the route's own
	 * limit get a JSON 413 from the dispatcher. */
	srv->h2o.max_request_entity_size = LD_MAX_REQUEST_BODY;
	h2o_hostconf_t *host = h2o_config_register_host(
		&srv->h2o, h2o_iovec_init(H2O_STRLIT("default")), 65535);
	/* The API, verification, health and metrics go to the dispatcher;
	 * everything else is the web application's files (web/dist), when
	 * there are any. h2o picks the longest matching path. */
	static const char *const api_paths[] = {"/api", "/verify", "/healthz",
						"/readyz", "/metrics"};
	for (size_t i = 0; i < sizeof api_paths / sizeof *api_paths; i++) {
		h2o_pathconf_t *path =
			h2o_config_register_path(host, api_paths[i], 0);
		h2o_handler_t *handler = h2o_create_handler(path, sizeof *handler);
		handler->on_req = ld_dispatch;
	}
	h2o_pathconf_t *root = h2o_config_register_path(host, "/", 0);
	if (cfg->web_dir && *cfg->web_dir) {
		static const char *index_files[] = {"index.html", NULL};
		h2o_create_handler(root, sizeof(h2o_handler_t))->on_req =
			on_framing_gate;
		h2o_file_register(root, cfg->web_dir, index_files, NULL,
				  H2O_FILE_FLAG_SEND_COMPRESSED);
	} else {
		h2o_handler_t *handler = h2o_create_handler(root, sizeof *handler);
		handler->on_req = ld_dispatch;
	}

	srv->nthreads = cfg->threads > 0 ? cfg->threads
					 : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (srv->nthreads < 1)
		srv->nthreads = 1;
	if (srv->nthreads > 64)
		srv->nthreads = 64;
	srv->threads = calloc((size_t)srv->nthreads, sizeof *srv->threads);
	if (!srv->threads)
		goto out_writer;
	srv->hasher = ld_hasher_start();
	if (!srv->hasher) {
		fprintf(stderr, "liudong: 无法启动密码校验线程\n");
		goto out_threads;
	}
	if (ld_upload_worker_start(srv) != 0)
		goto out_threads;

	for (int i = 0; i < srv->nthreads; i++) {
		srv->threads[i].srv = srv;
		srv->threads[i].index = i;
	}
	pthread_barrier_init(&srv->started, NULL, (unsigned)srv->nthreads);
	pthread_barrier_init(&srv->loops_stopped, NULL,
			     (unsigned)srv->nthreads + 1);
	pthread_barrier_init(&srv->writer_drained, NULL,
			     (unsigned)srv->nthreads + 1);

	struct sigaction act = {.sa_handler = on_signal};
	sigemptyset(&act.sa_mask);
	sigaction(SIGINT, &act, NULL);
	sigaction(SIGTERM, &act, NULL);
	signal(SIGPIPE, SIG_IGN);

	pthread_create(&srv->slow_thread, NULL, slow_main, srv);
	for (int i = 0; i < srv->nthreads; i++)
		pthread_create(&srv->threads[i].tid, NULL, loop_main,
			       &srv->threads[i]);
	/* The main thread only waits: for the loops to stop, then drains the
	 * writer and lets the loops clean up. */
	sigset_t wait_set;
	sigemptyset(&wait_set);
	bool announced = false;
	while (!atomic_load(&stop_requested)) {
		if (!announced && !atomic_load(&srv->init_failed)) {
			fprintf(stderr,
				"liudong: 服务已启动 listening on http://%s/ "
				"(%d threads, data %s)\n",
				cfg->listen, srv->nthreads, cfg->data_dir);
			announced = true;
		}
		if (atomic_load(&srv->init_failed)) {
			fprintf(stderr, "liudong: 无法初始化服务线程\n");
			atomic_store(&stop_requested, true);
			break;
		}
		struct timespec ts = {0, 100 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	pthread_barrier_wait(&srv->loops_stopped);
	/* Before the writer stops: what the hashing thread still holds is
	 * dropped, its answers go back to the loops (which free them). */
	ld_hasher_stop(srv->hasher);
	srv->hasher = NULL;
	/* Before the writer: the uploads' thread writes through it. */
	ld_upload_worker_stop(srv);
	ld_writer_stop(srv->writer);
	srv->writer = NULL;
	pthread_barrier_wait(&srv->writer_drained);
	for (int i = 0; i < srv->nthreads; i++)
		pthread_join(srv->threads[i].tid, NULL);
	pthread_mutex_lock(&srv->slow_lock);
	srv->stopping = true;
	pthread_cond_signal(&srv->slow_cond);
	pthread_mutex_unlock(&srv->slow_lock);
	pthread_join(srv->slow_thread, NULL);
	pthread_barrier_destroy(&srv->started);
	pthread_barrier_destroy(&srv->loops_stopped);
	pthread_barrier_destroy(&srv->writer_drained);
	if (atomic_load(&srv->init_failed))
		goto out_threads;
	rc = 0;
out_threads:
	free(srv->threads);
out_writer:
	/* Drain the writer: every queued change is committed. */
	ld_writer_stop(srv->writer);
	if (srv->h2o.hosts)
		h2o_config_dispose(&srv->h2o);
	if (srv->log_fd > STDERR_FILENO)
		close(srv->log_fd);
	if (rc == 0)
		fprintf(stderr, "liudong: 服务已停止 stopped\n");
out_store:
	srv->ops->close(srv->store);
	ld_anchor_close(srv->anchors);
out:
	ld_hasher_stop(srv->hasher);
	if (srv->listen_fd >= 0)
		close(srv->listen_fd);
	ld_datalock_release(srv->data_lock);
	if (srv->notifier)
		srv->notifier->free(srv->notifier);
	ld_sm2_free(srv->signer);
	free(srv->authorities);
	ld_throttle_free(srv->throttle);
	ld_throttle_free(srv->otp_throttle);
	pthread_cond_destroy(&srv->slow_cond);
	pthread_mutex_destroy(&srv->slow_lock);
	explicit_bzero(srv->otp_key, sizeof srv->otp_key);
	free(srv);
	return rc;
}
