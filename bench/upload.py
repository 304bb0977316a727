"""upload.py — the upload benchmark's driver (see upload.sh, which sets up
the tools and calls this).

1. A demo data set; an employer and a landlord with 2000 rental houses.
2. A copy of that database for the sqlite3 shell.
3. ROWS report rows as a GBK CSV (half placements with an address, half
   move-ins spread over the houses), uploaded in parts of 1 MiB (a request
   body may be at most that; four parts in flight at a time), completed
   (the preview: every row checked), then confirmed (every row checked
   again and written, one transaction).
4. Every row the upload wrote — reports, tenancies, tasks, and the houses
   whose occupancy it changed — exported from liudong's database and
   imported by the sqlite3 shell into the same tables of the copy, in one
   transaction, checking nothing (foreign keys off, the shell's default),
   with the page cache liudong's writer has (64 MiB).
   Also timed, on a second copy: the reports and tenancies alone.

Each side runs ROUNDS times (BENCH_ROUNDS, default 5), interleaved — a
liudong round, then the shell's rounds, then liudong again — each on a
fresh copy of the same database; the times compared are the medians, so
one slow moment of a shared machine does not decide the ratio.

Prints one RESULT line: ratio = shell time for every row written / liudong
time, from the first part sent to the confirmation's answer (>= 1 meets the
target "no slower than the sqlite3 shell");
ratio_reports = the same with the shell importing only the reports and
tenancies (the follow-up tasks are work the shell then does not do);
ratio_default_cache = every row again, the shell keeping its default
2 MiB page cache."""
import concurrent.futures
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request

BIN, TMP, PORT, ROWS = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
ROUNDS = int(sys.argv[5]) if len(sys.argv) > 5 else 5
DATA = os.path.join(TMP, "data")
BASE = "http://127.0.0.1:%d" % PORT
CHECK = "10X98765432"
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_number(area, birth, seq):
    body = "%s%s%03d" % (area, birth, seq)
    return body + CHECK[sum(int(c) * w for c, w in zip(body, WEIGHTS)) % 11]


def run(*args):
    return subprocess.run([BIN, *args], check=True, capture_output=True, text=True).stdout


def call(method, path, body=None, token=None, key=None, raw=None, ctype="application/json"):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(BASE + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", ctype)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    if key:
        req.add_header("Authorization", "ApiKey " + key)
    try:
        with urllib.request.urlopen(req, timeout=600) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def start():
    proc = subprocess.Popen([BIN, "serve", "--listen", "127.0.0.1:%d" % PORT, "--data", DATA,
                             "--access-log", "off", "--web", "off"],
                            stderr=open(os.path.join(TMP, "server.log"), "ab"))
    for _ in range(200):
        try:
            urllib.request.urlopen(BASE + "/healthz", timeout=1)
            return proc
        except Exception:
            time.sleep(0.05)
    sys.exit("upload.py: the server did not start")


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    if proc.wait(timeout=60) != 0:
        sys.exit("upload.py: the server exited with %d" % proc.returncode)


def log(msg):
    print("upload.sh: " + msg, file=sys.stderr, flush=True)


run("demo", "--data", DATA, "--people", "2000")
password = json.loads(run("user", "add", "bench", "--role", "admin", "--data", DATA))["password"]
db = sqlite3.connect(os.path.join(DATA, "liudong.db"))
grids = [r[0] for r in db.execute("SELECT code FROM areas WHERE level = 4 ORDER BY code")]
db.close()

proc = start()
token = call("POST", "/api/v1/auth/login", {"username": "bench", "password": password})[1]["token"]
_, emp = call("POST", "/api/v1/organisations", {"kind": "employer", "name": "济南某制造有限公司",
              "credit_code": "91370100MA3C000001", "grid": grids[0]}, token)
_, land = call("POST", "/api/v1/organisations", {"kind": "rental_agency", "name": "某房产经纪公司",
               "credit_code": "91370100MA3C000002", "grid": grids[0]}, token)
_, landlord = call("POST", "/api/v1/organisations", {"kind": "landlord", "name": "某房东",
                   "credit_code": "91370100MA3C000003", "grid": grids[0]}, token)
agency = land["organisation"]["id"]
houses = []
for i in range(2000):
    st, h = call("POST", "/api/v1/houses", {
        "address": {"grid": grids[i % len(grids)], "road": "经十路", "house_number": "%d号" % i},
        "landlord": landlord["organisation"]["id"], "agent": agency, "rooms": 20,
        "capacity": 60}, token)
    assert st == 201, h
    houses.append(h["house"]["id"])
key = call("POST", "/api/v1/organisations/%d/keys" % agency, {}, token)[1]["key"]
stop(proc)
# Stopped cleanly: the whole database is in liudong.db (no log beside it).
BASE_DB = os.path.join(TMP, "base.db")
shutil.copy(os.path.join(DATA, "liudong.db"), BASE_DB)
db = sqlite3.connect(os.path.join(DATA, "liudong.db"))
last_task = db.execute("SELECT coalesce(max(id), 0) FROM tasks").fetchone()[0]
db.close()

# The file: a rental agency reports placements (with an address) and
# move-ins as the landlord's agent, half each, people from all over China.
random.seed(7)
areas = ["110105", "320102", "440103", "510104", "420102", "610102", "370102", "130102"]
today = time.strftime("%Y-%m-%d")
lines = ["报告类型,公民身份号码,姓名,发生日期,房屋编号,网格代码,详细地址,联系电话"]
for i in range(ROWS):
    idn = id_number(random.choice(areas), "19%02d%02d%02d" % (60 + i % 40, 1 + i % 12, 1 + i % 28),
                    i % 999 + 1)
    if i % 2:
        lines.append("入住,%s,租户%d,%s,%d,,,138%08d" % (idn, i, today, houses[i % len(houses)], i))
    else:
        lines.append("中介成功,%s,职工%d,%s,,%s,历山路%d号,139%08d" % (
            idn, i, today, grids[i % len(grids)], i, i))
data = ("\r\n".join(lines) + "\r\n").encode("gbk")
log("%d rows, %.1f MB (GBK)" % (ROWS, len(data) / 1e6))


def fresh(path):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    shutil.copy(BASE_DB, path)


def send_parts():
    """Open an upload of `data` and send its parts; returns its id."""
    st, opened = call("POST", "/api/v1/reports/uploads/sessions",
                      {"name": "bench.csv", "size": len(data)}, key=key)
    assert st == 201, (st, opened)
    up, size, parts = (opened["upload"][k] for k in ("id", "part_size", "parts"))

    def put(n):
        st, got = call("PUT", "/api/v1/reports/uploads/%d/parts/%d" % (up, n), key=key,
                       raw=data[(n - 1) * size:n * size], ctype="application/octet-stream")
        assert st == 200, (st, got)

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        list(pool.map(put, range(1, parts + 1)))
    return up


def upload():
    """One round: the base database, the file sent in parts, previewed and
    confirmed. The preview's time counts from the first part sent."""
    fresh(os.path.join(DATA, "liudong.db"))
    proc = start()
    t0 = time.perf_counter()
    up = send_parts()
    t_sent = time.perf_counter()
    st, pre = call("POST", "/api/v1/reports/uploads/%d/complete" % up, {}, key=key)
    t1 = time.perf_counter()
    assert st == 200 and pre["upload"]["bad"] == 0, (st, pre.get("upload"),
                                                     pre.get("errors", [])[:3])
    st, conf = call("POST", "/api/v1/reports/uploads/%d/confirm" % pre["upload"]["id"], {},
                    key=key)
    t2 = time.perf_counter()
    assert st == 200 and conf["written"] == ROWS, (st, conf)
    stop(proc)
    # The organisation is not told how many tasks its rows opened: count them.
    db = sqlite3.connect(os.path.join(DATA, "liudong.db"))
    conf["tasks_written"] = db.execute("SELECT count(*) FROM tasks WHERE id > ?",
                                       (last_task,)).fetchone()[0]
    db.close()
    log("liudong: parts %.2f s + check %.2f s = preview %.2f s, confirm %.2f s (%d tasks)" % (
        t_sent - t0, t1 - t_sent, t1 - t0, t2 - t1, conf["tasks_written"]))
    return pre, conf, t1 - t0, t2 - t1


pre, conf, preview_s, confirm_s = upload()
rounds = [(preview_s, confirm_s)]

# The same rows for the shell: what the upload wrote, table by table.
db = sqlite3.connect(os.path.join(DATA, "liudong.db"))
up = pre["upload"]["id"]
exports = (
    ("reports", "SELECT * FROM reports WHERE upload_id = %d ORDER BY id" % up),
    ("tenancies", "SELECT * FROM tenancies WHERE report_in IN (SELECT id FROM reports "
                  "WHERE upload_id = %d) ORDER BY id" % up),
    ("tasks", "SELECT * FROM tasks WHERE id > %d ORDER BY id" % last_task),
    ("houses", "SELECT id, occupants, flagged FROM houses WHERE id IN (SELECT house_id "
               "FROM tenancies WHERE report_in IN (SELECT id FROM reports WHERE upload_id = %d)) "
               "ORDER BY id" % up),
)
columns = {}
for table, query in exports:
    with open(os.path.join(TMP, table + ".csv"), "w", newline="") as f:
        cur = db.execute(query)
        columns[table] = [d[0] for d in cur.description]
        f.write(",".join(columns[table]) + "\n")
        n = 0
        for row in cur:
            f.write(",".join("" if v is None else '"%s"' % str(v).replace('"', '""')
                             for v in row) + "\n")
            n += 1
    log("%s: %d rows to import" % (table, n))
# A CSV cannot say NULL (the shell's .import reads an empty field as ''):
# each table goes through a temporary table, and a column that may be NULL
# is NULL where the field is empty. Otherwise the shell would store '' for
# NULL: wrong rows, and partial indexes such as tenancies' (WHERE move_out
# IS NULL) would be left out of its work.
nullable = {table: {r[1] for r in db.execute("PRAGMA table_info(%s)" % table)
                    if not r[3] and not r[5]} for table, _ in exports}
db.close()


def load(table):
    cols = ", ".join("nullif(%s, '')" % c if c in nullable[table] else c
                     for c in columns[table])
    return (".import --csv --schema temp {t}/{n}.csv new_{n}\n"
            "INSERT INTO {n} SELECT {c} FROM temp.new_{n};\n").format(t=TMP, n=table, c=cols)


# The shell gets the page cache liudong's writer has (store_sqlite.c), and
# keeps temporary tables in memory, as liudong does.
reports_only = (".bail on\nPRAGMA cache_size=-65536;\nPRAGMA temp_store=MEMORY;\nBEGIN;\n" +
                load("reports") + load("tenancies"))
everything = reports_only + load("tasks") + (
    ".import --csv --schema temp {t}/houses.csv new_houses\n"
    "UPDATE houses SET occupants = n.occupants, flagged = n.flagged FROM temp.new_houses n "
    "WHERE houses.id = n.id;\n").format(t=TMP)


def shell(db_name, script):
    fresh(os.path.join(TMP, db_name))
    t0 = time.perf_counter()
    subprocess.run(["sqlite3", os.path.join(TMP, db_name)], input=script + "COMMIT;\n",
                   text=True, check=True)
    took = time.perf_counter() - t0
    got = sqlite3.connect(os.path.join(TMP, db_name)).execute(
        "SELECT count(*) FROM reports").fetchone()[0]
    assert got == ROWS, got
    return took


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2] if len(xs) % 2 else (xs[len(xs) // 2 - 1] + xs[len(xs) // 2]) / 2


shells = {"all": [], "reports": [], "default": []}
for r in range(ROUNDS):
    shells["all"].append(shell("shell.db", everything))
    if r == 0:
        # The shell's rows are liudong's, NULLs included (liudong's database
        # is still the first round's here).
        theirs = sqlite3.connect(os.path.join(TMP, "shell.db"))
        ours_db = sqlite3.connect(os.path.join(DATA, "liudong.db"))
        for table, query in exports:
            assert theirs.execute(query).fetchall() == ours_db.execute(query).fetchall(), table
        got = theirs.execute("SELECT count(*) FROM tasks WHERE id > %d" % last_task).fetchone()[0]
        assert got == conf["tasks_written"], (got, conf)
        theirs.close()
        ours_db.close()
    shells["reports"].append(shell("reports.db", reports_only))
    shells["default"].append(shell("default.db",
                                   everything.replace("PRAGMA cache_size=-65536;\n", "")))
    log("sqlite3 shell: every row %.2f s, reports only %.2f s, default cache %.2f s" % (
        shells["all"][-1], shells["reports"][-1], shells["default"][-1]))
    if r + 1 < ROUNDS:
        rounds.append(upload()[2:])

preview_s = median([p for p, _ in rounds])
confirm_s = median([c for _, c in rounds])
ours = median([p + c for p, c in rounds])
shell_all, shell_reports, shell_default = (median(shells[k]) for k in ("all", "reports", "default"))
print("RESULT upload rows=%d rounds=%d liudong_s=%.2f preview_s=%.2f confirm_s=%.2f "
      "sqlite3_shell_s=%.2f ratio=%.2f target>=1.00 shell_reports_only_s=%.2f ratio_reports=%.2f "
      "shell_default_cache_s=%.2f ratio_default_cache=%.2f" % (
          ROWS, ROUNDS, ours, preview_s, confirm_s, shell_all, shell_all / ours, shell_reports,
          shell_reports / ours, shell_default, shell_default / ours))
