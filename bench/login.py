#!/usr/bin/env python3
"""login.py — how long a real staff login takes while a flood of wrong
logins arrives at once, for the binary before and after the bounded
hashing queue (src/http/hasher.c), in the same run.

    bench/login.py [--before OLD_BINARY] [--after NEW_BINARY]
                   [--flood 100] [--rounds 5]

For each binary: a demo database, one account (its generated password
changed first where the server asks for it), the server on a loopback
port with two loop threads. Each round sends FLOOD wrong logins at once
(distinct user names from distinct loopback addresses, so no lockout
answers them early: every one costs a hash unless refused as busy), then
one real login from yet another address, and measures
  first    the real login's first answer (status and milliseconds), and
  success  the time until it has signed in, retrying after Retry-After as
           the web console's user would when told the server is busy.
An idle login (no flood) is measured too, as the reference. The figures
are the medians of the rounds; nothing is asserted (bench/README.md).

Standard library only. --before defaults to $BENCH_BEFORE (skipped when
unset), --after to build/liudong.
"""
import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def login_bytes(port, user, password):
    data = json.dumps({"username": user, "password": password}).encode()
    return (b"POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
            b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n"
            % (port, len(data)) + data)


def call(port, path, body, token=None, source=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=120,
                                   source_address=(source, 0) if source else None)
    h = {"Content-Type": "application/json"}
    if token:
        h["Authorization"] = "Bearer " + token
    c.request("POST", path, json.dumps(body), h)
    r = c.getresponse()
    out = (r.status, r.getheader("Retry-After"), r.read())
    c.close()
    return out


class Server:
    def __init__(self, binary, tmp):
        self.binary, self.tmp = binary, tmp
        self.data = os.path.join(tmp, "data")
        env = dict(os.environ, TZ="Asia/Shanghai")
        subprocess.run([binary, "demo", "--data", self.data, "--people", "10"],
                       check=True, capture_output=True, env=env)
        out = subprocess.run([binary, "user", "add", "bench_real", "--role", "auditor",
                              "--data", self.data], check=True, capture_output=True,
                             text=True, env=env).stdout
        self.password = json.loads(out)["password"]
        self.port = free_port()
        self.log = open(os.path.join(tmp, "server.log"), "wb")
        self.proc = subprocess.Popen(
            [binary, "serve", "--listen", "127.0.0.1:%d" % self.port, "--data", self.data,
             "--threads", "2", "--access-log", "off", "--web", "off"],
            stdout=self.log, stderr=self.log, env=env)
        for _ in range(400):
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                c.request("GET", "/healthz")
                if c.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.05)
        else:
            raise RuntimeError("%s did not start" % binary)
        # A generated password must be changed first where the server says so.
        status, _, body = call(self.port, "/api/v1/auth/login",
                               {"username": "bench_real", "password": self.password})
        answer = json.loads(body)
        if answer.get("must_change_password"):
            fresh = "Bench-Login-2025"
            call(self.port, "/api/v1/auth/password",
                 {"current_password": self.password, "new_password": fresh},
                 token=answer["token"])
            self.password = fresh

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)
        self.log.close()


def real_login(srv, source):
    """(first status, first ms, ms until signed in)."""
    t0 = time.perf_counter()
    first = None
    while True:
        status, retry, _ = call(srv.port, "/api/v1/auth/login",
                                {"username": "bench_real", "password": srv.password},
                                source=source)
        ms = (time.perf_counter() - t0) * 1000
        if first is None:
            first = (status, ms)
        if status == 200:
            return first[0], first[1], ms
        if status not in (503, 429) or ms > 120000:
            return first[0], first[1], float("nan")
        time.sleep(float(retry or 1))


def flood_round(srv, n, rnd):
    """Send n wrong logins at once, then the real one; wait for all."""
    socks = []
    for i in range(n):
        src = "127.%d.%d.%d" % (100 + rnd, i // 250, 1 + i % 250)
        s = socket.create_connection(("127.0.0.1", srv.port), timeout=300,
                                     source_address=(src, 0))
        data = login_bytes(srv.port, "flood_%d_%d" % (rnd, i), "wrong")
        s.sendall(data[:-1])
        socks.append((s, data))
    for s, data in socks:
        s.sendall(data[-1:])
    result = real_login(srv, "127.99.0.%d" % (1 + rnd))
    counts = {}
    for s, _ in socks:
        r = http.client.HTTPResponse(s)
        r.begin()
        r.read()
        counts[r.status] = counts.get(r.status, 0) + 1
        s.close()
    return result, counts


def measure(binary, n, rounds):
    tmp = tempfile.mkdtemp(prefix="liudong-bench-login-")
    srv = Server(binary, tmp)
    try:
        idle = [real_login(srv, "127.98.0.%d" % (1 + r))[1] for r in range(rounds)]
        firsts, successes, statuses, answers = [], [], [], {}
        for r in range(rounds):
            (status, first, success), counts = flood_round(srv, n, r)
            firsts.append(first)
            successes.append(success)
            statuses.append(status)
            for k, v in counts.items():
                answers[k] = answers.get(k, 0) + v
            time.sleep(1)  # let the queue drain between rounds
        return {
            "idle_ms": statistics.median(idle),
            "first_ms": statistics.median(firsts),
            "first_status": max(set(statuses), key=statuses.count),
            "success_ms": statistics.median(successes),
            "flood_answers": answers,
        }
    finally:
        srv.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--before", default=os.environ.get("BENCH_BEFORE"))
    ap.add_argument("--after", default=os.path.join(ROOT, "build", "liudong"))
    ap.add_argument("--flood", type=int, default=int(os.environ.get("BENCH_FLOOD", 100)))
    ap.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", 5)))
    a = ap.parse_args()
    runs = [("before", a.before), ("after", a.after)]
    print("flood of %d wrong logins at once, %d rounds, medians" % (a.flood, a.rounds))
    print("%-7s %10s %16s %12s  %s" % ("binary", "idle ms", "first answer", "signed in",
                                        "flood answers (all rounds)"))
    for label, binary in runs:
        if not binary:
            print("%-7s (skipped: give --before or BENCH_BEFORE)" % label)
            continue
        m = measure(binary, a.flood, a.rounds)
        print("%-7s %10.0f %10.0f (%d) %12.0f  %s" % (
            label, m["idle_ms"], m["first_ms"], m["first_status"], m["success_ms"],
            " ".join("%d×%d" % (v, k) for k, v in sorted(m["flood_answers"].items()))))
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
