#!/usr/bin/env bash
# registry.sh — benchmark of the registry server against a reference run in
# the same go: nginx serving a static file of the same size.
#
# One run measures, with wrk and the same settings for every target:
#   1. nginx serving a copy of one GET /api/v1/persons/{id} response;
#   2. GET /api/v1/persons/{id}?reason=bench (authenticated and audited);
#   3. POST /api/v1/registrations, a new person per request (group commit);
#   4. the same POST against a server started with --group-commit off;
# then prints requests/s, the ratios against their targets, and two sanity
# checks: `liudong audit verify` and that every 201 left a registration.
#
# It reports, it does not assert: it exits 0 whatever the numbers, 1 when a
# sanity check fails (audit chain, lost acknowledged writes, a server that
# crashed), 2 when it could not run. Everything listens on 127.0.0.1 and
# lives in one temporary directory removed on exit. See bench/README.md.
#
# Environment:
#   BENCH_SECONDS      duration of each wrk run (10)
#   BENCH_THREADS      wrk threads (2)
#   BENCH_CONNECTIONS  wrk connections (64)
#   BENCH_PEOPLE       size of the demo database (3000)
#   BENCH_TMPDIR       where the temporary directory goes ($TMPDIR or /tmp);
#                      the database is fsynced there, so put it on a disk
#   LIUDONG_BIN        the binary to measure (default: build it, build/liudong)
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=$ROOT/bench
SECS=${BENCH_SECONDS:-10}
THREADS=${BENCH_THREADS:-2}
CONNS=${BENCH_CONNECTIONS:-64}
PEOPLE=${BENCH_PEOPLE:-3000}
REASON=bench
BENCH_NAME=压测人员 # the name register.lua gives every person it declares

# Targets: person GET / nginx, POST / nginx, POST group / POST no group.
TARGET_GET=0.5
TARGET_POST=0.2
TARGET_GROUP=5

TMP=""
SERVER_PID=""
NGINX_PID=""
WRK_PID=""

log() { printf 'bench: %s\n' "$*" >&2; }
die() {
	log "error: $*"
	exit 2
}

# ---- processes --------------------------------------------------------------

# True while the process exists and is not a zombie.
running() {
	local state
	state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' \
		"/proc/$1/status" 2>/dev/null) || return 1
	[ -n "$state" ] && [ "$state" != Z ]
}

# Stop one of our children: SIGTERM, SIGKILL after 20 s. Returns its status.
stop_process() {
	local pid=$1 rc=0
	kill -TERM "$pid" 2>/dev/null || true
	for _ in $(seq 200); do
		running "$pid" || break
		sleep 0.1
	done
	if running "$pid"; then
		log "process $pid ignored SIGTERM for 20 s: SIGKILL"
		kill -KILL "$pid" 2>/dev/null || true
	fi
	wait "$pid" 2>/dev/null || rc=$?
	return "$rc"
}

# shellcheck disable=SC2317 # called by the trap
cleanup() {
	local pid
	for pid in $WRK_PID $SERVER_PID $NGINX_PID; do
		stop_process "$pid" || true
	done
	if [ -n "$TMP" ]; then
		rm -rf "$TMP"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A loopback port nobody listens on (a small race, harmless here), taken
# below the ephemeral range: wrk's closed connections leave thousands of
# TIME-WAIT sockets in that range, and a listener cannot bind over them.
free_port() {
	local port low
	low=$(awk '{ print $1 }' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null) ||
		low=32768
	[ "$low" -gt 11000 ] || low=32768
	for _ in $(seq 100); do
		port=$((10000 + RANDOM % (low - 10000)))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return 0
		fi
	done
	die "no free port found"
}

# Wait until URL answers 200, failing early if PID exits. LOG is shown then.
wait_http() {
	local url=$1 pid=$2 logfile=$3
	for _ in $(seq 200); do
		if ! running "$pid"; then
			cat "$logfile" >&2
			die "server exited before answering $url"
		fi
		if curl -fs --max-time 1 -o /dev/null "$url"; then
			return 0
		fi
		sleep 0.1
	done
	cat "$logfile" >&2
	die "no answer from $url after 20 s"
}

# CPU time (user + system, all threads) of PIDs, in clock ticks.
cpu_ticks() {
	local pid total=0 t
	for pid in "$@"; do
		t=$(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null) || t=0
		total=$((total + t))
	done
	echo "$total"
}

# Pids whose parent is $1 (nginx's workers), read from /proc (no procps).
children_of() {
	cat /proc/[0-9]*/stat 2>/dev/null | awk -v pp="$1" '$4 == pp { print $1 }'
}

# Set REAPED_CPU to the CPU seconds of this shell's reaped children (wrk,
# once it has exited). `times` must run in this shell, not in $(...).
reaped_cpu() {
	times >"$TMP/times"
	REAPED_CPU=$(awk 'NR == 2 {
		t = 0
		for (i = 1; i <= 2; i++) {
			split($i, a, "m"); sub("s", "", a[2]); t += a[1] * 60 + a[2]
		}
		print t
	}' "$TMP/times")
}

# ---- setup ------------------------------------------------------------------

install_tools() {
	local missing="" sudo=""
	command -v wrk >/dev/null 2>&1 || missing="$missing wrk"
	command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] ||
		missing="$missing nginx-light"
	command -v sqlite3 >/dev/null 2>&1 || missing="$missing sqlite3"
	command -v curl >/dev/null 2>&1 || missing="$missing curl"
	[ -z "$missing" ] && return 0
	log "installing:$missing"
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null 2>&1 || die "run as root to install:$missing"
		sudo=sudo
	fi
	export DEBIAN_FRONTEND=noninteractive
	# shellcheck disable=SC2086
	$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
		{ $sudo apt-get update -qq &&
			$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null; } ||
		die "could not install:$missing"
}

install_tools
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

if [ -n "${LIUDONG_BIN:-}" ]; then
	BIN=$LIUDONG_BIN
else
	log "building"
	"$ROOT/scripts/deps"
	make -s -C "$ROOT" -j"$(nproc)" >&2 || die "build failed"
	BIN=$ROOT/build/liudong
fi
[ -x "$BIN" ] || die "$BIN is not an executable"

TMP=$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/tmp}}/liudong-bench.XXXXXX")
DATA=$TMP/data
DB=$DATA/liudong.db
CLK_TCK=$(getconf CLK_TCK)

# What a durable commit costs on this disk: group commit saves this much
# per job it gathers (beyond the first).
SYNC_MS=$(dd if=/dev/zero of="$TMP/sync-probe" bs=4k count=500 oflag=dsync 2>&1 |
	sed -n 's/.* copied, \([0-9.]*\) s.*/\1/p' | awk '{ printf "%.3f", $1 * 1000 / 500 }')
rm -f "$TMP/sync-probe"

log "demo database with $PEOPLE people in $DATA"
"$BIN" demo --data "$DATA" --people "$PEOPLE" >/dev/null
USER_NAME=bench
PASSWORD=$("$BIN" user add "$USER_NAME" --role admin --data "$DATA" 2>/dev/null |
	sed -n 's/.*"password":"\([^"]*\)".*/\1/p')
[ -n "$PASSWORD" ] || die "liudong user add printed no password"

# A person with an active registration (the response then holds both), a
# grid for the new registrations, and how many bench people exist already.
PERSON_ID=$(sqlite3 "$DB" \
	"SELECT person_id FROM registrations WHERE status = 'active' ORDER BY id LIMIT 1")
GRID=$(sqlite3 "$DB" "SELECT code FROM areas WHERE level = 4 ORDER BY code LIMIT 1")
if [ -z "$PERSON_ID" ] || [ -z "$GRID" ]; then
	die "demo database has no person or grid"
fi
count_bench_registrations() {
	sqlite3 "$DB" "SELECT count(*) FROM registrations r
		JOIN persons p ON p.id = r.person_id WHERE p.name = '$BENCH_NAME'"
}
BENCH_REGS_BEFORE=$(count_bench_registrations)

SERVER_NAME=""
start_server() { # NAME [serve options...]
	SERVER_NAME=$1
	shift
	local port
	port=$(free_port)
	"$BIN" serve --listen "127.0.0.1:$port" --data "$DATA" --access-log off "$@" \
		>"$TMP/server-$SERVER_NAME.log" 2>&1 &
	SERVER_PID=$!
	BASE=http://127.0.0.1:$port
	wait_http "$BASE/healthz" "$SERVER_PID" "$TMP/server-$SERVER_NAME.log"
	TOKEN=$(curl -fsS --max-time 10 -H 'Content-Type: application/json' \
		-d "{\"username\":\"$USER_NAME\",\"password\":\"$PASSWORD\"}" \
		"$BASE/api/v1/auth/login" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
	[ -n "$TOKEN" ] || die "login failed"
}

SANITY_FAILED=0
stop_server() {
	local rc=0
	stop_process "$SERVER_PID" || rc=$?
	SERVER_PID=""
	if [ "$rc" -ne 0 ]; then
		log "server ($SERVER_NAME) exited with status $rc:"
		tail -n 20 "$TMP/server-$SERVER_NAME.log" >&2
		SANITY_FAILED=1
	fi
}

# ---- measuring --------------------------------------------------------------

# run_wrk KEY URL SCRIPT [wrk options...] [-- script arguments...]
# Runs wrk in the background (so a signal stops it at once), then leaves
# the RESULT line in $TMP/KEY.result and the CPU seconds used by wrk, by
# the server (SERVER_PID, or nginx and its workers) in $TMP/KEY.cpu.
run_wrk() {
	local key=$1 url=$2 script=$3
	shift 3
	local opts=() args=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	[ $# -gt 0 ] && shift
	args=("$@")

	local servers
	if [ "$key" = nginx ]; then
		servers="$NGINX_PID $(children_of "$NGINX_PID")"
	else
		servers=$SERVER_PID
	fi
	local srv0 wrk0 srv1 wrk1 rc=0
	# shellcheck disable=SC2086
	srv0=$(cpu_ticks $servers)
	reaped_cpu
	wrk0=$REAPED_CPU
	log "wrk: $key (${SECS}s)"
	timeout -k 5 $((SECS + 60)) wrk -t"$THREADS" -c"$CONNS" -d"${SECS}s" \
		--timeout 10s -s "$script" "${opts[@]}" "$url" -- "${args[@]}" \
		>"$TMP/$key.wrk" 2>&1 &
	WRK_PID=$!
	wait "$WRK_PID" || rc=$?
	WRK_PID=""
	# shellcheck disable=SC2086
	srv1=$(cpu_ticks $servers)
	reaped_cpu
	wrk1=$REAPED_CPU
	if [ "$rc" -ne 0 ] || ! grep -q '^RESULT ' "$TMP/$key.wrk"; then
		cat "$TMP/$key.wrk" >&2
		die "wrk failed on $key (status $rc)"
	fi
	grep '^RESULT ' "$TMP/$key.wrk" >"$TMP/$key.result"
	awk -v s="$srv0" -v s1="$srv1" -v w="$wrk0" -v w1="$wrk1" -v hz="$CLK_TCK" \
		'BEGIN { printf "%.2f %.2f\n", (s1 - s) / hz, w1 - w }' >"$TMP/$key.cpu"
}

# field KEY NAME: a value of KEY's RESULT line.
field() {
	tr ' ' '\n' <"$TMP/$1.result" | sed -n "s/^$2=//p"
}

# The writer's counters now, one "name value" per line.
writer_metrics() {
	curl -fsS --max-time 10 "$BASE/metrics" |
		sed -n 's/^\(liudong_writer_[a-z_]*\({le="[^"]*"}\)\{0,1\}\) \([0-9.e+-]*\)$/\1 \3/p'
}

# What the writer did between two writer_metrics snapshots, in words.
writer_summary() { # BEFORE AFTER SECONDS
	awk -v seconds="$3" '
	NR == FNR { before[$1] = $2; next }
	{ d[$1] = $2 - before[$1] }
	$1 ~ /batch_size_bucket/ {
		le = $1; sub(/.*le="/, "", le); sub(/".*/, "", le)
		order[++n] = le; cum[le] = d[$1]
	}
	END {
		jobs = d["liudong_writer_jobs_total"]
		commits = d["liudong_writer_batches_total"]
		per_commit = 0
		if (commits > 0)
			per_commit = jobs / commits
		mean_ms = 0
		if (d["liudong_writer_commit_seconds_count"] > 0)
			mean_ms = 1000 * d["liudong_writer_commit_seconds_sum"] / \
				d["liudong_writer_commit_seconds_count"]
		printf "  writer: %d jobs in %d commits (%.1f jobs per commit), ",
			jobs, commits, per_commit
		printf "mean commit %.2f ms, failed commits %d\n",
			mean_ms, d["liudong_writer_failed_commits_total"]
		printf "  writer thread busy committing %.0f%% of the run\n",
			100 * d["liudong_writer_commit_seconds_sum"] / seconds
		# The histogram is cumulative (le = at most); print each range.
		printf "  commits by jobs per commit:"
		prev = 0
		low = 1
		for (i = 1; i <= n; i++) {
			le = order[i]
			c = cum[le] - prev
			prev = cum[le]
			if (le == "+Inf")
				label = ">" (low - 1)
			else if (low == le)
				label = low
			else
				label = low "-" le
			if (c > 0)
				printf " %s:%d", label, c
			if (le != "+Inf")
				low = le + 1
		}
		printf "\n"
	}' "$1" "$2"
}

# Writer counters around a liudong run, into $TMP/KEY.writer.
run_wrk_liudong() { # KEY URL SCRIPT ...
	local key=$1
	writer_metrics >"$TMP/$key.m0"
	run_wrk "$@"
	writer_metrics >"$TMP/$key.m1"
	writer_summary "$TMP/$key.m0" "$TMP/$key.m1" "$(field "$key" seconds)" \
		>"$TMP/$key.writer"
}

# ---- the runs ---------------------------------------------------------------

start_server groupcommit
PERSON_PATH=/api/v1/persons/$PERSON_ID
PERSON_QUERY="?reason=$REASON"
AUTH="Authorization: Bearer $TOKEN"

# The reference: nginx serves the very response at the same path.
NGX=$TMP/nginx
mkdir -p "$NGX/www/api/v1/persons" "$NGX/tmp"
status=$(curl -sS --max-time 10 -H "$AUTH" -o "$NGX/www$PERSON_PATH" \
	-w '%{http_code}' "$BASE$PERSON_PATH$PERSON_QUERY")
[ "$status" = 200 ] || die "GET $PERSON_PATH answered $status"
BODY_BYTES=$(wc -c <"$NGX/www$PERSON_PATH")
# nginx's workers run as nobody when we are root: let them reach the file.
chmod 711 "$TMP" "$NGX"
chmod -R a+rX "$NGX/www"
NGINX_PORT=$(free_port)
sed -e "s|@DIR@|$NGX|g" -e "s|@PORT@|$NGINX_PORT|g" "$BENCH/nginx.conf.in" \
	>"$NGX/nginx.conf"
"$NGINX" -p "$NGX" -c "$NGX/nginx.conf" -e "$NGX/error.log" \
	>"$NGX/stderr.log" 2>&1 &
NGINX_PID=$!
NGINX_URL=http://127.0.0.1:$NGINX_PORT$PERSON_PATH$PERSON_QUERY
wait_http "$NGINX_URL" "$NGINX_PID" "$NGX/stderr.log"
NGINX_BYTES=$(curl -fsS --max-time 10 -o /dev/null -w '%{size_download}' "$NGINX_URL")
[ "$NGINX_BYTES" = "$BODY_BYTES" ] ||
	die "nginx serves $NGINX_BYTES bytes, liudong $BODY_BYTES"

run_wrk nginx "$NGINX_URL" "$BENCH/wrk/status.lua" -H "$AUTH" -- 200
stop_process "$NGINX_PID" || true
NGINX_PID=""

run_wrk_liudong get "$BASE$PERSON_PATH$PERSON_QUERY" "$BENCH/wrk/status.lua" \
	-H "$AUTH" -- 200
run_wrk_liudong post "$BASE/api/v1/registrations" "$BENCH/wrk/register.lua" \
	-H "$AUTH" -H "Content-Type: application/json" -- "$GRID" 0 "$THREADS"
stop_server

start_server nogroupcommit --group-commit off
AUTH="Authorization: Bearer $TOKEN"
# Numbering from 9,000,000: no person of the first POST run again.
run_wrk_liudong post_nogroup "$BASE/api/v1/registrations" "$BENCH/wrk/register.lua" \
	-H "$AUTH" -H "Content-Type: application/json" -- "$GRID" 9000000 "$THREADS"
stop_server

# ---- report -----------------------------------------------------------------

rev=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git -C "$ROOT" status --porcelain -- src sql 2>/dev/null)" ]; then
	rev="$rev (src/ or sql/ modified)"
fi
echo "liudong registry benchmark — $(date -u '+%Y-%m-%d %H:%M UTC'), commit $rev"
echo "machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)," \
	"$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM;" \
	"wrk, nginx and liudong share these CPUs"
echo "wrk: $THREADS threads, $CONNS connections, ${SECS}s per target, timeout 10s;" \
	"$("$NGINX" -v 2>&1 | sed 's/^nginx version: //')"
echo "data: $PEOPLE demo people, $(df -PT "$TMP" | awk 'NR == 2 { print $2 }') at $TMP," \
	"response $BODY_BYTES bytes; $SYNC_MS ms per 4 KiB write + fsync there (dd oflag=dsync)"
echo
printf '%-46s %9s %8s %7s %7s %11s %8s  %s\n' target "ok/s" ok "p50 ms" \
	"p99 ms" "CPU srv/wrk" closed "not ok"
row() { # KEY LABEL
	local cpu srv wrk_cpu
	read -r srv wrk_cpu <"$TMP/$1.cpu"
	cpu=$(awk -v s="$srv" -v w="$wrk_cpu" -v d="$(field "$1" seconds)" \
		'BEGIN { printf "%.2f/%.2f", s / d, w / d }')
	printf '%-46s %9s %8s %7s %7s %11s %8s  %s\n' "$2" "$(field "$1" ok_per_sec)" \
		"$(field "$1" ok)" "$(field "$1" p50_ms)" "$(field "$1" p99_ms)" \
		"$cpu" "$(field "$1" closed)" "$(field "$1" other)"
}
row nginx "nginx, static copy (reference)"
row get "GET /api/v1/persons/{id} (audited)"
row post "POST /api/v1/registrations, group commit"
row post_nogroup "POST /api/v1/registrations, --group-commit off"
echo "ok: responses 200 (GET) or 201 (POST); ok/s is the figure compared below."
echo "CPU: cores used on average by the server (nginx and its workers, or liudong)"
echo "and by wrk. closed: ok responses that came with Connection: close."
echo

ratio() { # LABEL NUM DEN TARGET
	awk -v l="$1" -v a="$2" -v b="$3" -v t="$4" 'BEGIN {
		r = b > 0 ? a / b : 0
		printf "%-44s %8.2f   >= %-4s %s\n", l, r, t, (r >= t ? "met" : "NOT MET")
	}'
}
printf '%-44s %8s   %-7s %s\n' ratio value target ""
ratio "person GET / nginx" "$(field get ok_per_sec)" "$(field nginx ok_per_sec)" "$TARGET_GET"
ratio "POST (group commit) / nginx" "$(field post ok_per_sec)" \
	"$(field nginx ok_per_sec)" "$TARGET_POST"
ratio "POST group commit / POST no group commit" "$(field post ok_per_sec)" \
	"$(field post_nogroup ok_per_sec)" "$TARGET_GROUP"
echo

echo "writer during each liudong run (from /metrics):"
for key in get post post_nogroup; do
	echo " $key:"
	cat "$TMP/$key.writer"
done
echo

# Errors. wrk counts a read error whenever the server closes a connection
# after a response that had no length (the body ends at the close), so read
# errors up to the number of "Connection: close" responses are not failed
# requests; anything else is.
errors=0
for key in nginx get post post_nogroup; do
	other=$(field "$key" other)
	socket=$(field "$key" socket_errors)
	read_errors=$(printf '%s\n' "$socket" | sed -n 's/.*read:\([0-9]*\).*/\1/p')
	closed=$(field "$key" closed)
	if [ "$other" != none ]; then
		echo "ERRORS: $key: responses other than the expected status: $other"
		errors=1
	fi
	case $socket in *connect:[1-9]* | *write:[1-9]* | *timeout:[1-9]*)
		echo "ERRORS: $key: socket errors $socket"
		errors=1
		;;
	esac
	if [ "$read_errors" -gt "$closed" ]; then
		echo "ERRORS: $key: $read_errors read errors, more than the $closed" \
			"responses with Connection: close"
		errors=1
	elif [ "$closed" -gt 0 ]; then
		echo "note: $key: the server closed the connection after $closed of its" \
			"responses (Connection: close, no Content-Length), so each of those" \
			"requests paid for a new TCP connection; wrk counted $read_errors of" \
			"the closes as read errors, which are not failed requests"
	fi
done
if [ "$errors" -eq 0 ]; then
	echo "errors: none (every request got the expected status)"
fi

echo "sanity checks:"
verify=$("$BIN" audit verify --data "$DATA" 2>&1) && verify_rc=0 || verify_rc=$?
case $verify in *'"intact":true'*) intact=1 ;; *) intact=0 ;; esac
if [ "$verify_rc" -eq 0 ] && [ "$intact" -eq 1 ]; then
	echo "  audit verify: ok $verify"
else
	echo "  audit verify: FAILED (status $verify_rc) $verify"
	SANITY_FAILED=1
fi
created=$(($(field post ok) + $(field post_nogroup ok)))
stored=$(($(count_bench_registrations) - BENCH_REGS_BEFORE))
if [ "$stored" -ge "$created" ]; then
	echo "  registrations: $created answered 201, $stored stored: ok"
else
	echo "  registrations: $created answered 201 but only $stored stored: FAILED"
	SANITY_FAILED=1
fi
exit "$SANITY_FAILED"
