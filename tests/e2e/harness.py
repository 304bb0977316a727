"""harness.py — start the real liudong binary on a free loopback port and
talk HTTP to it (as Redis's start_server and h2o's t/*.t do).

A Server owns a temporary data directory with the demo database, accounts
created through `liudong user add`, and the running process. Tests use
Server.call() for requests; every response body is parsed as JSON.

A generated password must be changed at the first sign-in; the harness
does that for its accounts as soon as the server is up, so Server.accounts
holds passwords that sign in to a normal session.
"""
import datetime
import http.client
import json
import os
import random
import re
import secrets
import signal
import socket
import sqlite3
import subprocess
import tempfile
import time
import urllib.parse

import images

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("LIUDONG_BIN", os.path.join(ROOT, "build", "liudong"))

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"


def id_number(address="110105", birth="19900101", seq=None):
    """A valid 18-digit ID number (GB 11643) with the given parts."""
    if seq is None:
        seq = random.randrange(1, 999)
    body = "%s%s%03d" % (address, birth, seq)
    return body + CHECK[sum(int(c) * w for c, w in zip(body, WEIGHTS)) % 11]


# The reason a test gives for an act it dates back (a declaration, a permit
# step, a paper report: README, "Back-dating"). Tests replay history with
# past dates, so the harness's servers allow a long back-dating period
# (Server(backdate_days=...)); the default one is tested in
# test_workflow.py.
DATE_REASON = "补录历史数据（测试）"
BACKDATE_DAYS = 3660


def masked(idn):
    """An ID number as answers show it to whoever may not see it in full
    (ld_mask_id_number): the first 6 and last 4 characters."""
    return idn[:6] + "*" * (len(idn) - 10) + idn[-4:]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def run(*args, check=True):
    p = subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=120)
    if check and p.returncode != 0:
        raise RuntimeError("liudong %s failed (%d): %s" % (args, p.returncode, p.stderr))
    return p


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.raw = body
        try:
            self.json = json.loads(body.decode("utf-8")) if body else None
        except (UnicodeDecodeError, json.JSONDecodeError):
            self.json = None

    def error_code(self):
        return (self.json or {}).get("error", {}).get("code")

    def error_field(self):
        return (self.json or {}).get("error", {}).get("field")

    def __repr__(self):
        return "<%d %s>" % (self.status, self.raw[:300])


class Server:
    """A liudong server with its own data directory.

    people: size of the demo database. The accounts dict maps a label to
    (username, password) for admin, auditor, clerk_a, clerk_b and grid_a:
    clerk_a serves the first street of 历下区, clerk_b the first of 市中区,
    grid_a the first grid of clerk_a's area.
    """

    def __init__(self, people=200, extra_args=(), keys=True, env=None,
                 backdate_days=BACKDATE_DAYS):
        self.dir = tempfile.mkdtemp(prefix="liudong-e2e-")
        self.data = os.path.join(self.dir, "data")
        demo = run("demo", "--data", self.data, "--people", str(people))
        # The demo's own accounts (printed once): username -> password.
        self.demo_accounts = {
            m.group(1): m.group(2) for m in re.finditer(
                r"^\s+(\S+)\s+(?:admin|clerk|grid|auditor)\s+\S+\s+(\S+)",
                demo.stdout + demo.stderr, re.M)}
        if keys:
            self.key_id = json.loads(run("keys", "generate", "--data", self.data).stdout)["key_id"]
        db = sqlite3.connect(os.path.join(self.data, "liudong.db"))
        streets = [r[0] for r in db.execute(
            "SELECT code FROM areas WHERE level = 2 AND parent IN ('370102','370103') "
            "ORDER BY code")]
        self.street_a = [s for s in streets if s.startswith("370102")][0]
        self.street_b = [s for s in streets if s.startswith("370103")][0]
        self.station_a = db.execute(
            "SELECT station FROM areas WHERE level = 3 AND parent = ? LIMIT 1",
            (self.street_a,)).fetchone()[0]
        self.station_b = db.execute(
            "SELECT station FROM areas WHERE level = 3 AND parent = ? LIMIT 1",
            (self.street_b,)).fetchone()[0]
        self.grids_a = [r[0] for r in db.execute(
            "SELECT g.code FROM areas g JOIN areas c ON c.code = g.parent "
            "WHERE g.level = 4 AND c.station = ? ORDER BY g.code", (self.station_a,))]
        self.grids_b = [r[0] for r in db.execute(
            "SELECT g.code FROM areas g JOIN areas c ON c.code = g.parent "
            "WHERE g.level = 4 AND c.station = ? ORDER BY g.code", (self.station_b,))]
        # A grid of another district than 历下区, in clerk_a's reach? No:
        # a grid of 历下区 outside station A, for same-district moves.
        self.grid_lixia_other = db.execute(
            "SELECT g.code FROM areas g JOIN areas c ON c.code = g.parent "
            "WHERE g.level = 4 AND g.code LIKE '370102%' AND c.station != ? LIMIT 1",
            (self.station_a,)).fetchone()[0]
        db.close()
        self.accounts = {}
        for label, role, area in [
            ("admin", "admin", None), ("auditor", "auditor", None),
            ("clerk_a", "clerk", self.station_a), ("clerk_b", "clerk", self.station_b),
            ("grid_a", "grid", self.grids_a[0])]:
            name = "t_" + label
            args = ["user", "add", name, "--role", role, "--data", self.data]
            if area:
                args += ["--area", area]
            out = json.loads(run(*args).stdout)
            self.accounts[label] = (name, out["password"])
        self.tokens = {}
        self.port = free_port()
        self.extra_args = list(extra_args)
        # More environment for the server process (LIUDONG_TEST_TODAY, …);
        # a test may change it between stop() and start().
        self.env = dict(env or {})
        if backdate_days is not None:
            self.extra_args += ["--backdate-days", str(backdate_days)]
        self.proc = None
        self.start()
        for label in self.accounts:
            self.settle(label)

    def settle(self, label):
        """Sign in as `label` and, if its password is a generated one that
        must be changed, change it; keep the session and the new password."""
        user, pw = self.accounts[label]
        r = self.call("POST", "/api/v1/auth/login", {"username": user, "password": pw})
        assert r.status == 200, r
        token = r.json["token"]
        if r.json.get("must_change_password"):
            new = "Tst-%s-9x" % secrets.token_hex(4)
            c = self.call("POST", "/api/v1/auth/password",
                          {"current_password": pw, "new_password": new}, token=token)
            assert c.status == 200, c
            self.accounts[label] = (user, new)
        self.tokens[label] = token
        return token

    def start(self):
        with open(os.path.join(self.dir, "server.log"), "ab") as log:
            self.proc = subprocess.Popen(
                [BINARY, "serve", "--listen", "127.0.0.1:%d" % self.port,
                 "--data", self.data, "--access-log",
                 os.path.join(self.dir, "access.log"), *self.extra_args],
                stdout=log, stderr=log, env={**os.environ, **self.env})
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited: " + self.log())
            try:
                if self.call("GET", "/healthz").status == 200:
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("server did not start: " + self.log())

    def log(self):
        with open(os.path.join(self.dir, "server.log"), "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        code = self.proc.returncode if self.proc else 0
        self.proc = None
        return code

    def close(self):
        code = self.stop()
        log = self.log()
        subprocess.run(["rm", "-rf", self.dir])
        # A sanitizer report or a crash must fail the suite.
        if "ERROR: AddressSanitizer" in log or "runtime error:" in log or (
                code not in (0, None)):
            raise AssertionError("server exited %s:\n%s" % (code, log[-4000:]))

    def call(self, method, path, body=None, token=None, raw=None, query=None,
             headers=None, source=None):
        """One request on a new connection; `source` binds the client's end
        to another loopback address (127.0.0.2, …: Linux routes 127/8 to
        lo), to be a different client."""
        if query:
            path += "?" + urllib.parse.urlencode(query)
        conn = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=30,
            source_address=(source, 0) if source else None)
        h = dict(headers or {})
        data = raw
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        if data is not None:
            h.setdefault("Content-Type", "application/json")
        if token:
            h["Authorization"] = "Bearer " + token
        try:
            conn.request(method, path, body=data, headers=h)
            r = conn.getresponse()
            return Response(r.status, dict(r.getheaders()), r.read())
        finally:
            conn.close()

    def login(self, label):
        """A session of `label`; an account a test added with `liudong user
        add` has its generated password changed on the way (settle)."""
        if label not in self.tokens:
            self.settle(label)
        return self.tokens[label]

    def as_(self, label, method, path, body=None, **kw):
        return self.call(method, path, body, token=self.login(label), **kw)

    def db(self):
        return sqlite3.connect(os.path.join(self.data, "liudong.db"))


def declaration(grid, idn=None, arrival="2025-09-26", declared="2025-09-29",
                hukou="110105", **extra):
    """A registration body for a person from Beijing by default; one dated
    before today carries the reason of a back-dated declaration."""
    body = {
        "person": {"id_number": idn or id_number(), "name": "测试人员",
                   "ethnicity": "01", "hukou_code": hukou,
                   "hukou_address": "北京市朝阳区某街道1号", "phone": "13800000000"},
        "address": {"grid": grid, "road": "经十路", "house_number": "100号",
                    "building": "1", "unit": "2", "room": "301"},
        "arrival_date": arrival, "declared_date": declared,
        "reason": "work", "housing": "rented", "employer": "济南某科技有限公司",
    }
    if declared != datetime.date.today().isoformat():
        body["date_reason"] = DATE_REASON
    body.update(extra)
    return body


ACT_DATES = ("applied_date", "accepted_date", "issued_date", "date", "reported_date",
             "declared_date")


def backdated(body, today=None):
    """The body of a clerk's act with the back-dating reason added when one
    of its act dates lies before today (the server's --backdate-days
    rule); a body dated today is left as it is."""
    today = today or datetime.date.today().isoformat()
    if any(isinstance(body.get(k), str) and body[k] < today for k in ACT_DATES):
        return dict(body, date_reason=DATE_REASON)
    return body


def take_photo(server, label, person_id, image=None, content_type="image/jpeg"):
    """Store a photo of the person, taken by `label` at the counter (a
    JPEG unless `image` is given): a permit carries one (条例 第四条), so
    issuing, replacing and changing a permit need it. Returns the answer."""
    r = server.call("POST", "/api/v1/persons/%d/photo" % person_id,
                    raw=image if image is not None else images.jpeg(),
                    token=server.login(label),
                    headers={"Content-Type": content_type})
    assert r.status == 201, r
    return r
