#!/usr/bin/env bash
# upload.sh — benchmark of a 100,000-row report upload (GBK CSV): liudong
# checks every row twice (preview, then confirmation inside the writing
# transaction) and writes them; the sqlite3 shell, in the same run, imports
# every row the upload wrote (reports, tenancies, tasks, houses' occupancy)
# into the same tables of a copy of the same database, checking nothing.
# Target: liudong no slower (ratio >= 1). See bench/README.md.
#
# Reports, never asserts: exits 0 whatever the numbers, 2 when it cannot
# run. Everything lives in one temporary directory removed on exit.
# Environment: BENCH_ROWS (100000), BENCH_ROUNDS (5: medians of that many
# interleaved runs of each side), LIUDONG_BIN (default: build it).
set -euo pipefail
export LC_ALL=C TZ=${TZ:-Asia/Shanghai}

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROWS=${BENCH_ROWS:-100000}
ROUNDS=${BENCH_ROUNDS:-5}

die() { echo "upload.sh: $*" >&2; exit 2; }

need=""
command -v sqlite3 >/dev/null 2>&1 || need="$need sqlite3"
command -v python3 >/dev/null 2>&1 || need="$need python3"
if [ -n "$need" ]; then
	SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
	$SUDO apt-get update -qq && $SUDO apt-get install -y -qq $need >/dev/null ||
		die "could not install$need"
fi
if [ -n "${LIUDONG_BIN:-}" ]; then
	BIN=$LIUDONG_BIN
else
	"$ROOT/scripts/deps"
	make -s -C "$ROOT" -j"$(nproc)" >&2 || die "build failed"
	BIN=$ROOT/build/liudong
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/liudong-upload.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 "$ROOT/bench/upload.py" "$BIN" "$TMP" "$PORT" "$ROWS" "$ROUNDS" || die "the run failed"
