"""End-to-end tests of request bodies and uploads (docs/grid.md, "Uploads";
docs/security/uploads.md): the 1 MiB bound on every request body, applied
before anything else; files larger than that sent in parts; previews
checked off the event loop; the quota of pending uploads and their expiry.

Nothing here asserts a time: memory is compared by counts (VmRSS in
/proc), the loop's freedom by the order in which answers arrive."""
import datetime
import hashlib
import json
import os
import socket
import sqlite3
import threading
import time
import unittest

from harness import Server, id_number

TODAY = datetime.date.today().isoformat()
MIB = 1 << 20
HEAD = "报告类型,公民身份号码,姓名,发生日期,网格代码,详细地址"


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS for %d" % pid)


def status_line(port, head, timeout=20):
    """Send a request's head (no body) and read the status code of the
    answer; None when the server answers nothing before the timeout (it
    waits for the body)."""
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(timeout)
    try:
        s.sendall(head)
        data = b""
        while b"\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        return int(data.split(b" ")[1]) if data.startswith(b"HTTP/1.1 ") else None
    except socket.timeout:
        return None
    finally:
        s.close()


def big_head(path, length, extra=b""):
    return (b"POST " + path.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: text/csv\r\nContent-Length: " + str(length).encode() +
            b"\r\n" + extra + b"\r\n")


def hire_file(grid, rows, people=40, address_len=60):
    """A UTF-8 CSV of hire reports about `people` persons, padded with a
    long address (at most 200 bytes: address_len <= 60) so it passes 1 MiB
    with few distinct persons (few tasks)."""
    persons = [id_number("330106", "1990%02d%02d" % (1 + i % 12, 1 + i % 28), i % 997 + 1)
               for i in range(people)]
    pad = "历山路" + "甲" * address_len
    lines = [HEAD] + ["招用,%s,职工%d,%s,%s,%s%d号" % (persons[i % people], i, TODAY, grid, pad, i)
                      for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


class Uploads(unittest.TestCase):
    """One server; organisations of clerk_a's station, each with a key."""

    @classmethod
    def setUpClass(cls):
        cls.s = Server(people=5)
        cls.grid = cls.s.grids_a[0]
        cls.orgs, cls.keys = {}, {}
        for i, name in enumerate(("parts", "quota", "clerk", "other", "w", "x", "y", "z")):
            r = cls.s.as_("clerk_a", "POST", "/api/v1/organisations", {
                "kind": "employer", "name": "上传测试单位%s" % name, "grid": cls.grid,
                "credit_code": "91370100MA3C1000%02d" % i})
            assert r.status == 201, r
            cls.orgs[name] = r.json["organisation"]["id"]
            r = cls.s.as_("clerk_a", "POST", "/api/v1/organisations/%d/keys" % cls.orgs[name], {})
            assert r.status == 201, r
            cls.keys[name] = r.json["key"]

    @classmethod
    def tearDownClass(cls):
        cls.s.close()

    def org(self, who, method, path, body=None, raw=None, ctype=None, query=None):
        headers = {"Authorization": "ApiKey " + self.keys[who]}
        if ctype:
            headers["Content-Type"] = ctype
        return self.s.call(method, path, body=body, raw=raw, headers=headers, query=query)

    def clerk(self, method, path, body=None, raw=None, ctype=None, query=None):
        headers = {"Content-Type": ctype} if ctype else None
        return self.s.as_("clerk_a", method, path, body, raw=raw, headers=headers, query=query)

    def send_parts(self, call, data, order=None, **declared):
        """Open an upload of data, send its parts (in `order`), return its id."""
        body = {"name": "报告.csv", "size": len(data)}
        body.update(declared)
        r = call("POST", "/api/v1/reports/uploads/sessions", body)
        self.assertEqual(r.status, 201, r)
        up = r.json["upload"]
        self.assertEqual((up["status"], up["part_size"], up["received"]), ("receiving", MIB, []))
        self.assertEqual(up["parts"], (len(data) + MIB - 1) // MIB)
        for n in order or range(1, up["parts"] + 1):
            r = call("PUT", "/api/v1/reports/uploads/%d/parts/%d" % (up["id"], n),
                     raw=data[(n - 1) * MIB:n * MIB], ctype="application/octet-stream")
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.json["part"]["n"], n)
        return up["id"]

    def reports(self):
        return self.s.as_("admin", "GET", "/api/v1/reports").json["total"]

    def db(self):
        return sqlite3.connect("file:%s?mode=ro" % os.path.join(self.s.data, "liudong.db"),
                               uri=True)

    # ---- every request body is bounded before anything runs -------------

    def test_large_body_refused_before_it_is_read(self):
        # Anonymous, a 60 MiB Content-Length: 413 as soon as the head is
        # read, on any path, without the body ever being sent. (Before,
        # every path read up to 64 MiB first: no answer came until then.)
        for path in ("/api/v1/reports/uploads", "/api/v1/auth/login", "/healthz",
                     "/no/such/path", "/"):
            with self.subTest(path=path):
                self.assertEqual(status_line(self.s.port, big_head(path, 60 * MIB)), 413)
        # Signed in makes no difference; 1 MiB is the bound, exactly.
        auth = b"Authorization: ApiKey " + self.keys["other"].encode() + b"\r\n"
        self.assertEqual(status_line(self.s.port, big_head("/api/v1/reports/uploads",
                                                           MIB + 1, auth)), 413)
        # A chunked body is cut off at the bound: 1 MiB and a byte, and
        # the answer comes without waiting for the end of the body.
        head = (b"POST /api/v1/reports/uploads HTTP/1.1\r\nHost: x\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n" +
                b"100000\r\n" + b"a" * MIB + b"\r\n1\r\na\r\n")
        self.assertEqual(status_line(self.s.port, head), 413)
        self.assertEqual(self.s.call("GET", "/healthz").status, 200)

    def test_eight_large_bodies_hold_no_memory(self):
        # The attack of the issue: 8 connections each sending a 60 MiB
        # body to a path that took 64 MiB (held 250 MiB). Now each is
        # refused after its head and closed: the server's resident memory
        # stays where it was while all 8 connections are open.
        pid = self.s.proc.pid
        self.assertEqual(self.s.call("GET", "/healthz").status, 200)
        before = rss_kib(pid)
        socks = []
        try:
            for _ in range(8):
                s = socket.create_connection(("127.0.0.1", self.s.port))
                s.settimeout(30)
                s.sendall(big_head("/api/v1/reports/uploads", 60 * MIB))
                socks.append(s)
            block = b"a" * MIB
            sent = 0
            for s in socks:
                try:
                    for _ in range(60):
                        s.sendall(block)
                        sent += 1
                except (BrokenPipeError, ConnectionResetError, socket.timeout):
                    pass
            after = rss_kib(pid)
            self.assertLess(after - before, 32 * 1024,
                            "RSS grew from %d to %d KiB (%d MiB of bodies sent)" %
                            (before, after, sent))
        finally:
            for s in socks:
                s.close()
        self.assertEqual(self.s.call("GET", "/healthz").status, 200)

    # ---- files in parts ---------------------------------------------------

    def test_organisation_sends_a_large_file_in_parts(self):
        data = hire_file(self.grid, 7000)
        self.assertGreater(len(data), MIB + MIB // 2)
        sm3 = hashlib.new("sm3", data).hexdigest()
        before = self.reports()
        n = (len(data) + MIB - 1) // MIB
        # Parts in any order; a part sent again replaces the first.
        order = list(range(n, 0, -1)) + [1]
        call = lambda m, p, b=None, **kw: self.org("parts", m, p, b, **kw)
        up = self.send_parts(call, data, order=order, sm3=sm3.upper())
        st = self.org("parts", "GET", "/api/v1/reports/uploads/%d" % up).json["upload"]
        self.assertEqual((st["status"], st["received"], st["sm3"]),
                         ("receiving", list(range(1, n + 1)), sm3))
        r = self.org("parts", "POST", "/api/v1/reports/uploads/%d/complete" % up, {})
        self.assertEqual(r.status, 200, r)
        got = r.json["upload"]
        self.assertEqual((got["id"], got["status"], got["rows"], got["bad"], got["size"]),
                         (up, "previewed", 7000, 0, len(data)))
        self.assertEqual(got["by_kind"], {"hire": 7000})
        self.assertEqual(len(r.json["rows"]), 200)
        # Complete once; no more parts once checked.
        self.assertEqual(self.org("parts", "POST", "/api/v1/reports/uploads/%d/complete" % up,
                                  {}).status, 409)
        r = self.org("parts", "PUT", "/api/v1/reports/uploads/%d/parts/1" % up,
                     raw=data[:MIB], ctype="application/octet-stream")
        self.assertEqual(r.status, 409, r)
        c = self.org("parts", "POST", "/api/v1/reports/uploads/%d/confirm" % up, {})
        self.assertEqual(c.status, 200, c)
        self.assertEqual((c.json["written"], c.json["upload"]["status"]), (7000, "confirmed"))
        self.assertEqual(self.reports(), before + 7000)
        # The file is gone once its rows are written.
        db = self.db()
        try:
            self.assertEqual(db.execute("SELECT count(*) FROM upload_parts WHERE upload_id = ?",
                                        (up,)).fetchone()[0], 0)
            self.assertEqual(db.execute("SELECT count(*) FROM reports WHERE upload_id = ?",
                                        (up,)).fetchone()[0], 7000)
        finally:
            db.close()

    def test_clerk_sends_a_large_file_in_parts(self):
        data = hire_file(self.grid, 4500)
        self.assertGreater(len(data), MIB)
        before = self.reports()
        org = self.orgs["clerk"]
        up = self.send_parts(lambda m, p, b=None, **kw: self.clerk(m, p, b, **kw), data,
                             organisation=org)
        r = self.clerk("POST", "/api/v1/reports/uploads/%d/complete" % up, {})
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json["upload"]["rows"], r.json["upload"]["organisation_id"]),
                         (4500, org))
        c = self.clerk("POST", "/api/v1/reports/uploads/%d/confirm" % up, {})
        self.assertEqual(c.status, 200, c)
        self.assertEqual(c.json["written"], 4500)
        self.assertEqual(self.reports(), before + 4500)
        # Another station's clerk may not touch it (refused and audited).
        self.assertEqual(self.s.as_("clerk_b", "GET", "/api/v1/reports/uploads/%d" % up).status,
                         403)

    def test_parts_are_checked(self):
        data = hire_file(self.grid, 10000)
        self.assertGreater(len(data), 2 * MIB)
        call = lambda m, p, b=None, **kw: self.org("other", m, p, b, **kw)
        r = call("POST", "/api/v1/reports/uploads/sessions", {"name": "a.csv", "size": len(data)})
        self.assertEqual(r.status, 201, r)
        up = r.json["upload"]["id"]
        path = "/api/v1/reports/uploads/%d" % up
        for n, raw, field in ((1, data[:100], "part"), (9, data[:MIB], "part"),
                              (0, data[:MIB], "part")):
            with self.subTest(n=n, size=len(raw)):
                r = call("PUT", path + "/parts/%d" % n, raw=raw, ctype="application/octet-stream")
                self.assertEqual((r.status, r.error_field()), (422, field), r)
        # Complete with parts missing: which ones.
        self.assertEqual(call("PUT", path + "/parts/2", raw=data[MIB:2 * MIB],
                              ctype="application/octet-stream").status, 200)
        r = call("POST", path + "/complete", {})
        self.assertEqual((r.status, r.error_field()), (422, "parts"), r)
        self.assertEqual(r.json["missing"], [1, 3])
        self.assertIn("还缺2个分片", r.json["error"]["message"])
        # Another organisation's key: refused.
        r = self.org("w", "PUT", path + "/parts/1", raw=data[:MIB],
                     ctype="application/octet-stream")
        self.assertEqual(r.status, 403, r)
        r = self.org("w", "DELETE", path)
        self.assertEqual(r.status, 403, r)
        # Declared too large: refused at once.
        r = call("POST", "/api/v1/reports/uploads/sessions", {"name": "b.csv",
                                                             "size": 64 * MIB + 1})
        self.assertEqual((r.status, r.error_field()), (413, "size"), r)
        for bad in ({"name": "b.csv", "size": 0}, {"name": "b.csv", "size": 10, "sm3": "xyz"},
                    {"name": "b.csv", "size": 10, "kind": "xls"}, {"size": 10}):
            with self.subTest(body=bad):
                self.assertIn(call("POST", "/api/v1/reports/uploads/sessions", bad).status,
                              (400, 422))
        # Discarded: its parts go, and it can be neither completed nor
        # confirmed.
        r = call("DELETE", path)
        self.assertEqual((r.status, r.json["upload"]["status"]), (200, "discarded"), r)
        for method, suffix in (("POST", "/complete"), ("POST", "/confirm"), ("DELETE", "")):
            with self.subTest(after_discard=suffix):
                r = call(method, path + suffix, {} if method == "POST" else None)
                self.assertEqual((r.status, r.error_code()), (410, "gone"), r)
        db = self.db()
        try:
            self.assertEqual(db.execute("SELECT count(*) FROM upload_parts WHERE upload_id = ?",
                                        (up,)).fetchone()[0], 0)
        finally:
            db.close()

    def test_digest_mismatch_discards_the_upload(self):
        data = hire_file(self.grid, 10)
        call = lambda m, p, b=None, **kw: self.org("x", m, p, b, **kw)
        up = self.send_parts(call, data, sm3="0" * 64)
        r = call("POST", "/api/v1/reports/uploads/%d/complete" % up, {})
        self.assertEqual((r.status, r.error_field()), (422, "sm3"), r)
        self.assertIn("已作废", r.json["error"]["message"])
        for _ in range(100):   # discarded by a job nobody waits for
            st = call("GET", "/api/v1/reports/uploads/%d" % up).json["upload"]["status"]
            if st != "receiving":
                break
            time.sleep(0.05)
        self.assertEqual(st, "discarded")

    def test_file_in_one_piece_still_works(self):
        data = hire_file(self.grid, 5)
        r = self.org("y", "POST", "/api/v1/reports/uploads", raw=data, ctype="text/csv")
        self.assertEqual(r.status, 200, r)
        up = r.json["upload"]
        self.assertEqual((up["status"], up["rows"], up["size"]), ("previewed", 5, len(data)))
        self.assertIn("expires_at", up)
        st = self.org("y", "GET", "/api/v1/reports/uploads/%d" % up["id"]).json["upload"]
        self.assertEqual((st["status"], st["received"], st["rows"]), ("previewed", [1], 5))
        c = self.org("y", "POST", "/api/v1/reports/uploads/%d/confirm" % up["id"], {})
        self.assertEqual(c.status, 200, c)
        self.assertEqual(c.json["written"], 5)

    # ---- the quota --------------------------------------------------------

    def test_quota_per_organisation(self):
        data = hire_file(self.grid, 2)
        ids = []
        for _ in range(3):
            r = self.org("quota", "POST", "/api/v1/reports/uploads", raw=data, ctype="text/csv")
            self.assertEqual(r.status, 200, r)
            ids.append(r.json["upload"]["id"])
        r = self.org("quota", "POST", "/api/v1/reports/uploads", raw=data, ctype="text/csv")
        self.assertEqual((r.status, r.error_code()), (429, "quota_exceeded"), r)
        self.assertIn("该报告单位已有3个上传未确认导入（最多3个）", r.json["error"]["message"])
        r = self.org("quota", "POST", "/api/v1/reports/uploads/sessions",
                     {"name": "a.csv", "size": 100})
        self.assertEqual(r.status, 429, r)
        # Another organisation is not held back by it.
        r = self.org("z", "POST", "/api/v1/reports/uploads", raw=data, ctype="text/csv")
        self.assertEqual(r.status, 200, r)
        self.org("z", "DELETE", "/api/v1/reports/uploads/%d" % r.json["upload"]["id"])
        # Discarding one, or confirming one, makes room.
        self.assertEqual(self.org("quota", "DELETE", "/api/v1/reports/uploads/%d" % ids[0]).status,
                         200)
        self.assertEqual(self.org("quota", "POST", "/api/v1/reports/uploads/%d/confirm" % ids[1],
                                  {}).status, 200)
        for _ in range(2):
            r = self.org("quota", "POST", "/api/v1/reports/uploads", raw=data, ctype="text/csv")
            self.assertEqual(r.status, 200, r)
        self.assertEqual(self.org("quota", "POST", "/api/v1/reports/uploads", raw=data,
                                  ctype="text/csv").status, 429)

    def test_quota_per_clerk_and_in_bytes(self):
        data = hire_file(self.grid, 2)
        made = []
        for name in ("w", "x", "y"):
            r = self.clerk("POST", "/api/v1/reports/uploads", raw=data, ctype="text/csv",
                           query={"organisation": self.orgs[name]})
            self.assertEqual(r.status, 200, r)
            made.append(r.json["upload"]["id"])
        r = self.clerk("POST", "/api/v1/reports/uploads", raw=data, ctype="text/csv",
                       query={"organisation": self.orgs["z"]})
        self.assertEqual((r.status, r.error_code()), (429, "quota_exceeded"), r)
        self.assertIn("您已有3个上传未确认导入", r.json["error"]["message"])
        for up in made:
            self.assertEqual(self.clerk("DELETE", "/api/v1/reports/uploads/%d" % up).status, 200)
        # Bytes: two uploads declared at the most a file may be fill the
        # organisation's 128 MiB; a third, however small, does not fit.
        opened = []
        for _ in range(2):
            r = self.org("w", "POST", "/api/v1/reports/uploads/sessions",
                         {"name": "big.csv", "size": 64 * MIB})
            self.assertEqual(r.status, 201, r)
            opened.append(r.json["upload"]["id"])
        r = self.org("w", "POST", "/api/v1/reports/uploads/sessions", {"name": "a.csv", "size": 1})
        self.assertEqual((r.status, r.error_code()), (429, "quota_exceeded"), r)
        self.assertIn("128 MB", r.json["error"]["message"])
        for up in opened:
            self.assertEqual(self.org("w", "DELETE", "/api/v1/reports/uploads/%d" % up).status,
                             200)


class OffTheLoop(unittest.TestCase):
    """A large preview is checked on the uploads' own thread: a server with
    one event loop goes on answering while it is checked."""

    def test_loop_answers_while_a_large_file_is_checked(self):
        s = Server(people=5, extra_args=["--threads", "1"])
        try:
            grid = s.grids_a[0]
            r = s.as_("clerk_a", "POST", "/api/v1/organisations", {
                "kind": "employer", "name": "大文件单位", "grid": grid,
                "credit_code": "91370100MA3C200001"})
            org = r.json["organisation"]["id"]
            key = s.as_("clerk_a", "POST", "/api/v1/organisations/%d/keys" % org, {}).json["key"]
            auth = {"Authorization": "ApiKey " + key}
            data = hire_file(grid, 300000, people=200, address_len=10)
            r = s.call("POST", "/api/v1/reports/uploads/sessions",
                       {"name": "big.csv", "size": len(data)}, headers=auth)
            self.assertEqual(r.status, 201, r)
            up = r.json["upload"]
            for n in range(1, up["parts"] + 1):
                r = s.call("PUT", "/api/v1/reports/uploads/%d/parts/%d" % (up["id"], n),
                           raw=data[(n - 1) * MIB:n * MIB],
                           headers=dict(auth, **{"Content-Type": "application/octet-stream"}))
                self.assertEqual(r.status, 200, r)
            order = []
            lock = threading.Lock()

            def note(what, response):
                with lock:
                    order.append((what, response.status))

            def complete():
                note("preview", s.call("POST", "/api/v1/reports/uploads/%d/complete" % up["id"],
                                       {}, headers=auth))

            t = threading.Thread(target=complete)
            t.start()
            time.sleep(0.2)   # let the check begin (an order, not a time, is asserted)
            note("healthz", s.call("GET", "/healthz"))
            user, pw = s.accounts["auditor"]
            note("login", s.call("POST", "/api/v1/auth/login",
                                 {"username": user, "password": pw}))
            t.join(120)
            self.assertEqual([w for w, _ in order], ["healthz", "login", "preview"], order)
            self.assertEqual([st for _, st in order], [200, 200, 200], order)
        finally:
            s.close()


class Expiry(unittest.TestCase):
    """Unconfirmed uploads expire (here after one second): their files are
    deleted, they no longer count against the quota, and confirming one
    answers 410."""

    @classmethod
    def setUpClass(cls):
        cls.s = Server(people=5, extra_args=["--upload-expiry", "1"])
        grid = cls.s.grids_a[0]
        r = cls.s.as_("clerk_a", "POST", "/api/v1/organisations", {
            "kind": "employer", "name": "过期测试单位", "grid": grid,
            "credit_code": "91370100MA3C300001"})
        cls.org = r.json["organisation"]["id"]
        cls.key = cls.s.as_("clerk_a", "POST", "/api/v1/organisations/%d/keys" % cls.org,
                            {}).json["key"]
        cls.data = hire_file(grid, 3)

    @classmethod
    def tearDownClass(cls):
        cls.s.close()

    def call(self, method, path, body=None, raw=None, ctype=None):
        h = {"Authorization": "ApiKey " + self.key}
        if ctype:
            h["Content-Type"] = ctype
        return self.s.call(method, path, body=body, raw=raw, headers=h)

    def row(self, up):
        db = sqlite3.connect("file:%s?mode=ro" % os.path.join(self.s.data, "liudong.db"),
                             uri=True)
        try:
            status = db.execute("SELECT status FROM uploads WHERE id = ?", (up,)).fetchone()[0]
            parts = db.execute("SELECT count(*) FROM upload_parts WHERE upload_id = ?",
                               (up,)).fetchone()[0]
            return status, parts
        finally:
            db.close()

    def swept(self, up):
        """The upload as the sweep leaves it (it runs every second here)."""
        for _ in range(200):
            got = self.row(up)
            if got[0] == "expired":
                return got
            time.sleep(0.05)
        return self.row(up)

    def test_expired_preview_is_deleted_and_gone(self):
        ids = []
        for _ in range(3):
            r = self.call("POST", "/api/v1/reports/uploads", raw=self.data, ctype="text/csv")
            self.assertEqual(r.status, 200, r)
            ids.append(r.json["upload"]["id"])
        r = self.call("POST", "/api/v1/reports/uploads/sessions",
                      {"name": "a.csv", "size": len(self.data)})
        self.assertEqual(r.status, 429, r)   # three pending: the quota
        self.assertEqual(self.swept(ids[0]), ("expired", 0))
        for up in ids:
            self.assertEqual(self.swept(up), ("expired", 0))
            r = self.call("POST", "/api/v1/reports/uploads/%d/confirm" % up, {})
            self.assertEqual((r.status, r.error_code()), (410, "gone"), r)
            self.assertIn("已过期", r.json["error"]["message"])
        # Expired uploads no longer count against the quota.
        r = self.call("POST", "/api/v1/reports/uploads", raw=self.data, ctype="text/csv")
        self.assertEqual(r.status, 200, r)
        # The sweep is audited as the system's doing.
        items = self.s.as_("admin", "GET", "/api/v1/audit",
                           query={"target": "upload:%d" % ids[0]}).json["items"]
        self.assertIn(("upload:expire", "system"), [(a["action"], a["username"]) for a in items])

    def test_expired_upload_in_parts_takes_no_more_parts(self):
        r = self.call("POST", "/api/v1/reports/uploads/sessions",
                      {"name": "a.csv", "size": len(self.data)})
        self.assertEqual(r.status, 201, r)
        up = r.json["upload"]["id"]
        self.assertEqual(self.swept(up)[0], "expired")
        r = self.call("PUT", "/api/v1/reports/uploads/%d/parts/1" % up, raw=self.data,
                      ctype="application/octet-stream")
        self.assertEqual((r.status, r.error_code()), (410, "gone"), r)
        r = self.call("POST", "/api/v1/reports/uploads/%d/complete" % up, {})
        self.assertEqual(r.status, 410, r)
        self.assertEqual(self.call("GET", "/api/v1/reports/uploads/%d" % up)
                         .json["upload"]["status"], "expired")

    def test_expired_while_the_server_was_down(self):
        # Expired uploads are dropped at start too.
        self.s.stop()
        self.s.extra_args = ["--upload-expiry", "86400"]
        self.s.start()
        try:
            r = self.call("POST", "/api/v1/reports/uploads", raw=self.data, ctype="text/csv")
            self.assertEqual(r.status, 200, r)
            up = r.json["upload"]["id"]
            self.s.stop()
            db = sqlite3.connect(os.path.join(self.s.data, "liudong.db"))
            db.execute("UPDATE uploads SET expires_at = 1 WHERE id = ?", (up,))
            db.commit()
            db.close()
            self.s.start()
            self.assertEqual(self.swept(up), ("expired", 0))
        finally:
            self.s.stop()
            self.s.extra_args = ["--upload-expiry", "1"]
            self.s.start()


if __name__ == "__main__":
    unittest.main()
