#!/usr/bin/env bash
# verify.sh — benchmark of the public electronic-permit verification
# (GET /verify?c=...) against nginx serving a static copy of the very same
# response, in one run. Target: at least 0.7x nginx's rate.
#
# Reports, never asserts: exits 0 whatever the numbers, 2 when it cannot
# run. Everything listens on 127.0.0.1 and lives in one temporary directory
# removed on exit. Environment: BENCH_SECONDS (10), BENCH_CONNECTIONS (64),
# BENCH_THREADS (2), LIUDONG_BIN (default: build it).
set -euo pipefail
export LC_ALL=C TZ=${TZ:-Asia/Shanghai}

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=$ROOT/bench
SECS=${BENCH_SECONDS:-10}
CONNS=${BENCH_CONNECTIONS:-64}
THREADS=${BENCH_THREADS:-2}
TARGET=0.7

die() { echo "verify.sh: $*" >&2; exit 2; }
log() { echo "verify.sh: $*" >&2; }

need=""
command -v wrk >/dev/null 2>&1 || need="$need wrk"
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need="$need nginx-light"
command -v curl >/dev/null 2>&1 || need="$need curl"
command -v python3 >/dev/null 2>&1 || need="$need python3"
if [ -n "$need" ]; then
	log "installing:$need"
	SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
	$SUDO apt-get update -qq && $SUDO apt-get install -y -qq $need >/dev/null ||
		die "could not install$need"
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

if [ -n "${LIUDONG_BIN:-}" ]; then
	BIN=$LIUDONG_BIN
else
	"$ROOT/scripts/deps"
	make -s -C "$ROOT" -j"$(nproc)" >&2 || die "build failed"
	BIN=$ROOT/build/liudong
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/liudong-verify.XXXXXX")
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
json() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }

DATA=$TMP/data
"$BIN" demo --data "$DATA" --people 500 >/dev/null
"$BIN" keys generate --data "$DATA" >/dev/null
PASSWORD=$("$BIN" user add bench --role admin --data "$DATA" 2>/dev/null | json 'd["password"]')
PORT=$(free_port)
"$BIN" serve --listen 127.0.0.1:$PORT --data "$DATA" --access-log off >"$TMP/server.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
BASE=http://127.0.0.1:$PORT
J="Content-Type: application/json"
TOKEN=$(curl -fsS -H "$J" -d '{"username":"bench","password":"'"$PASSWORD"'"}' "$BASE/api/v1/auth/login" | json 'd["token"]')
H="Authorization: Bearer $TOKEN"

# One permit, issued 60 days ago, so its state is "valid".
day() { python3 -c "import datetime,sys; print((datetime.date.today()-datetime.timedelta(days=int(sys.argv[1]))).isoformat())" "$1"; }
GRID=$(python3 -c "import sqlite3; print(sqlite3.connect('$DATA/liudong.db').execute('SELECT code FROM areas WHERE level=4 LIMIT 1').fetchone()[0])")
PERSON=$(curl -fsS -H "$H" -H "$J" -d '{"person":{"id_number":"110105199001011232","name":"核验测试","ethnicity":"01","hukou_code":"110105"},"address":{"grid":"'"$GRID"'","road":"经十路"},"arrival_date":"'"$(day 300)"'","declared_date":"'"$(day 300)"'","reason":"work","housing":"rented"}' \
	"$BASE/api/v1/registrations" | json 'd["person"]["id"]')
PERMIT=$(curl -fsS -H "$H" -H "$J" -d '{"basis":"housing","applied_date":"'"$(day 70)"'","materials":{"id_card":true,"photo":true,"residence_proof":true}}' \
	"$BASE/api/v1/persons/$PERSON/permits" | json 'd["permit"]["id"]')
curl -fsS -H "$H" -H "$J" -d '{"accepted_date":"'"$(day 70)"'"}' "$BASE/api/v1/permits/$PERMIT/accept" >/dev/null
# The card carries the holder's photo (条例 第四条): a small JPEG made by the tests' helper.
(cd "$ROOT/tests/e2e" && python3 -c 'import images, sys; sys.stdout.buffer.write(images.jpeg())') >"$TMP/photo.jpg"
curl -fsS -H "$H" -H "Content-Type: image/jpeg" --data-binary @"$TMP/photo.jpg" "$BASE/api/v1/persons/$PERSON/photo" >/dev/null
PAYLOAD=$(curl -fsS -H "$H" -H "$J" -d '{"issued_date":"'"$(day 60)"'"}' "$BASE/api/v1/permits/$PERMIT/issue" | json 'd["electronic"]["payload"]')
QUERY=$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$PAYLOAD")
URL_PATH="/verify?c=$QUERY"

# The reference: nginx serves the same bytes at the same path.
NGX=$TMP/nginx
mkdir -p "$NGX/www" "$NGX/tmp"
curl -fsS -o "$NGX/www/verify" "$BASE$URL_PATH"
grep -q '"valid":true' "$NGX/www/verify" || die "the permit does not verify: $(cat "$NGX/www/verify")"
chmod -R a+rX "$TMP"
NPORT=$(free_port)
sed -e "s|@DIR@|$NGX|g" -e "s|@PORT@|$NPORT|g" "$BENCH/nginx.conf.in" >"$NGX/nginx.conf"
"$NGINX" -p "$NGX" -c "$NGX/nginx.conf" -e "$NGX/error.log" &
PIDS+=($!)
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$NPORT$URL_PATH" >/dev/null && break; sleep 0.1; done
[ "$(curl -fsS "http://127.0.0.1:$NPORT$URL_PATH" | wc -c)" = "$(wc -c <"$NGX/www/verify")" ] ||
	die "nginx does not serve the same bytes"

measure() { # NAME URL -> "ok_per_sec p99"
	wrk -t"$THREADS" -c"$CONNS" -d"${SECS}s" --timeout 10s \
		-s "$BENCH/wrk/status.lua" "$1" -- 200 2>/dev/null |
		sed -n 's/^RESULT .*ok_per_sec=\([0-9.]*\) p50_ms=[0-9.]* p99_ms=\([0-9.]*\) other=\([^ ]*\).*/\1 \2 \3/p'
}
log "measuring nginx, then /verify, ${SECS}s each"
read -r N_RATE N_P99 N_OTHER <<<"$(measure "http://127.0.0.1:$NPORT$URL_PATH")"
read -r V_RATE V_P99 V_OTHER <<<"$(measure "$BASE$URL_PATH")"

printf '%-46s %10s %8s %s\n' target ok/s "p99 ms" "not ok"
printf '%-46s %10s %8s %s\n' "nginx, static copy ($(wc -c <"$NGX/www/verify") bytes)" "$N_RATE" "$N_P99" "$N_OTHER"
printf '%-46s %10s %8s %s\n' "GET /verify?c=... (public verification)" "$V_RATE" "$V_P99" "$V_OTHER"
python3 - "$V_RATE" "$N_RATE" "$TARGET" <<'PY'
import sys
v, n, t = map(float, sys.argv[1:])
r = v / n if n else 0
print("ratio verify / nginx: %.2f (target >= %s): %s" % (r, sys.argv[3], "met" if r >= t else "NOT MET"))
PY
