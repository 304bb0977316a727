"""End-to-end tests of the server's defences against malformed and hostile
input and of its resources (issue 12, "Input and resources";
docs/security/hardening.md): no HTTP/2 over cleartext, requests with an
ambiguous length, bodies that are not JSON, text with bidirectional-control
or invisible characters, query parameters that are unknown or malformed, a
second server on the same address, readiness that follows the writer, and
who may read /metrics.

Each test reproduces the attack first; against a server without the
defence it fails."""
import http.client
import json
import os
import shutil
import socket
import subprocess
import tempfile
import unittest

from harness import BINARY, Server, declaration, id_number

R = {"reason": "安全测试"}


def exchange(port, data, timeout=5):
    """Send raw bytes on a new connection; read until the server closes it
    (or nothing more comes within `timeout`). Returns (bytes, closed)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    chunks, closed = [], False
    try:
        sock.sendall(data)
        while True:
            try:
                b = sock.recv(65536)
            except socket.timeout:
                break
            except ConnectionResetError:
                closed = True
                break
            if not b:
                closed = True
                break
            chunks.append(b)
    finally:
        sock.close()
    return b"".join(chunks), closed


def first_json(raw):
    """The JSON body of the first HTTP/1 response in raw (Content-Length)."""
    head, _, rest = raw.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    return json.loads(rest[:length].decode("utf-8"))


def post(port, path, data, ctype, token=None):
    """POST data with exactly this Content-Type (None: no such header)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {}
    if ctype is not None:
        headers["Content-Type"] = ctype
    if token:
        headers["Authorization"] = "Bearer " + token
    try:
        conn.request("POST", path, body=data, headers=headers)
        r = conn.getresponse()
        body = r.read()
        return r.status, json.loads(body) if body else None
    finally:
        conn.close()


class Input(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = Server(people=30)
        cls.admin = cls.s.login("admin")
        cls.doc = cls.s.call("GET", "/api/v1/openapi.json").json

    @classmethod
    def tearDownClass(cls):
        cls.s.close()

    def operations(self):
        for path, item in self.doc["paths"].items():
            for method, op in item.items():
                yield method.upper(), path, op

    # ---- HTTP/2 over cleartext is off --------------------------------

    def test_http2_prior_knowledge_gets_no_http2(self):
        # The client preface, then an empty SETTINGS frame (RFC 9113 §3.4).
        preface = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
        settings = b"\x00\x00\x00\x04\x00\x00\x00\x00\x00"
        raw, closed = exchange(self.s.port, preface + settings)
        # An HTTP/2 server answers with its own SETTINGS frame (type 4);
        # this one answers 400 in HTTP/1.1 and closes.
        self.assertTrue(raw.startswith(b"HTTP/1.1 400"), raw[:40])
        self.assertTrue(closed)

    def test_h2c_upgrade_is_ignored(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.s.port, timeout=10)
        try:
            conn.request("GET", "/healthz", headers={
                "Connection": "Upgrade, HTTP2-Settings", "Upgrade": "h2c",
                "HTTP2-Settings": "AAMAAABkAAQAAP__"})
            r = conn.getresponse()
            self.assertEqual(r.status, 200)  # not 101 Switching Protocols
            self.assertEqual(json.loads(r.read())["status"], "ok")
        finally:
            conn.close()

    # ---- requests whose length is ambiguous --------------------------

    def framed(self, length_headers, body, then=b""):
        head = (b"POST /api/v1/registrations/check HTTP/1.1\r\nHost: t\r\n"
                b"Content-Type: application/json\r\n"
                b"Authorization: Bearer " + self.admin.encode() + b"\r\n")
        return exchange(self.s.port, head + length_headers + b"\r\n" + body + then)

    def assert_refused_framing(self, raw, closed):
        self.assertTrue(raw.startswith(b"HTTP/1.1 400"), raw[:200])
        err = first_json(raw)["error"]
        self.assertEqual(err["code"], "bad_request")
        self.assertIn("请求", err["message"])
        # Only one answer: what follows the refused request is never read
        # as a request of its own, and the connection is closed.
        self.assertEqual(raw.count(b"HTTP/1.1 "), 1, raw)
        self.assertTrue(closed)

    def test_duplicate_content_length_refused(self):
        smuggled = b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"
        raw, closed = self.framed(b"Content-Length: 2\r\nContent-Length: 40\r\n",
                                  b"{}", smuggled)
        self.assert_refused_framing(raw, closed)
        self.assertIn("Content-Length", first_json(raw)["error"]["message"])
        # Equal values are refused too.
        raw, closed = self.framed(b"Content-Length: 2\r\ncontent-length: 2\r\n", b"{}")
        self.assert_refused_framing(raw, closed)

    def test_length_with_chunked_refused(self):
        raw, closed = self.framed(
            b"Content-Length: 9\r\nTransfer-Encoding: chunked\r\n",
            b"2\r\n{}\r\n0\r\n\r\n")
        self.assert_refused_framing(raw, closed)
        raw, closed = self.framed(
            b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
            b"2\r\n{}\r\n0\r\n\r\n")
        self.assert_refused_framing(raw, closed)

    def test_sound_framing_still_served(self):
        # One Content-Length, or chunked alone, reach the handler (which
        # finds required fields missing).
        raw, _ = self.framed(b"Content-Length: 2\r\nConnection: close\r\n", b"{}")
        self.assertTrue(raw.startswith(b"HTTP/1.1 422"), raw[:200])
        raw, _ = self.framed(b"Transfer-Encoding: chunked\r\nConnection: close\r\n",
                             b"2\r\n{}\r\n0\r\n\r\n")
        self.assertTrue(raw.startswith(b"HTTP/1.1 422"), raw[:200])

    # ---- bodies must be JSON by their Content-Type --------------------

    def test_body_not_json_by_content_type_refused(self):
        body = json.dumps(declaration(self.s.grids_a[0])).encode()
        for ctype in [None, "text/plain", "application/x-www-form-urlencoded",
                      "multipart/form-data; boundary=x", "application/jsonp",
                      "application/json; charset=gbk", "application/json, text/plain",
                      "text/json"]:
            status, answer = post(self.s.port, "/api/v1/registrations/check", body,
                                  ctype, self.admin)
            self.assertEqual(status, 415, ctype)
            self.assertEqual(answer["error"]["code"], "unsupported_media_type")
            self.assertIn("application/json", answer["error"]["message"])
        for ctype in ["application/json", "application/json; charset=utf-8",
                      "Application/JSON;charset=UTF-8", 'application/json; charset="utf-8"']:
            status, answer = post(self.s.port, "/api/v1/registrations/check", body,
                                  ctype, self.admin)
            self.assertEqual(status, 200, (ctype, answer))

    def test_every_json_route_refuses_other_content_types(self):
        checked = 0
        for method, path, op in self.operations():
            if "application/json" not in op.get("requestBody", {}).get("content", {}):
                continue  # no body, or a file taken as it is (an upload)
            live = path.replace("{id}", "1").replace("{no}", "JZ1")
            status, answer = post(self.s.port, live, b"{}", "text/plain", self.admin)
            if status == 401 and path.startswith("/api/v1/resident/"):
                continue  # a resident's session is checked first
            self.assertEqual(status, 415, (method, path, answer))
            checked += 1
        self.assertGreater(checked, 20)

    # ---- text that hides or reorders what a reader sees -------------

    def test_bidi_controls_in_names_refused(self):
        grid = self.s.grids_a[0]
        for cp in [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067,
                   0x2068, 0x2069, 0x200E, 0x200F, 0x061C]:
            body = declaration(grid)
            body["person"]["name"] = "张" + chr(cp) + "三"
            r = self.s.as_("admin", "POST", "/api/v1/registrations/check", body)
            self.assertEqual(r.status, 422, hex(cp))
            self.assertEqual(r.error_field(), "person.name")
            self.assertIn("U+%04X" % cp, r.json["error"]["message"])
        # Any free-text field, at any depth.
        body = declaration(grid)
        body["address"]["road"] = "经十路\u2067北\u2069"
        r = self.s.as_("admin", "POST", "/api/v1/registrations/check", body)
        self.assertEqual((r.status, r.error_field()), (422, "address.road"))
        body = {"occupants": [{"id_number": id_number(), "name": "李\u202e四"}],
                "address": declaration(grid)["address"]}
        r = self.s.as_("grid_a", "POST", "/api/v1/visits", body)
        self.assertEqual((r.status, r.error_field()), (422, "occupants[0].name"))

    def test_invisible_and_control_characters_refused(self):
        for ch in ["\u200b", "\ufeff", "\u2060", "\u0085", "\u007f", "\u2028"]:
            body = declaration(self.s.grids_a[0])
            body["employer"] = "济南" + ch + "公司"
            r = self.s.as_("admin", "POST", "/api/v1/registrations/check", body)
            self.assertEqual((r.status, r.error_field()), (422, "employer"), repr(ch))
        # Joiners that some scripts need stay allowed.
        body = declaration(self.s.grids_a[0])
        body["employer"] = "济南\u200d公司"
        self.assertEqual(self.s.as_("admin", "POST", "/api/v1/registrations/check",
                                    body).status, 200)

    def test_bidi_name_is_not_stored(self):
        idn = id_number("110105", "19880808")
        body = declaration(self.s.grids_a[0], idn=idn)
        body["person"]["name"] = "\u202e三张"
        r = self.s.as_("clerk_a", "POST", "/api/v1/registrations", body)
        self.assertEqual((r.status, r.error_field()), (422, "person.name"))
        db = self.s.db()
        try:
            n = db.execute("SELECT count(*) FROM persons WHERE id_number = ?",
                           (idn,)).fetchone()[0]
        finally:
            db.close()
        self.assertEqual(n, 0)

    def test_bidi_in_query_values_refused(self):
        r = self.s.as_("admin", "GET", "/api/v1/persons",
                       query={"name": "张\u202e", "reason": "核对"})
        self.assertEqual((r.status, r.error_field()), (422, "name"))
        r = self.s.as_("admin", "GET", "/api/v1/persons",
                       query={"name": "张", "reason": "核对\u2066"})
        self.assertEqual((r.status, r.error_field()), (422, "reason"))

    # ---- query parameters ---------------------------------------------

    def test_unknown_enum_values_refused(self):
        cases = [
            ("/api/v1/registrations", {"sort": "evil"}, "sort"),
            ("/api/v1/registrations", {"order": "sideways"}, "order"),
            ("/api/v1/registrations", {"status": "gone"}, "status"),
            ("/api/v1/tasks", {"kind": "nope"}, "kind"),
            ("/api/v1/tasks", {"status": "maybe"}, "status"),
            ("/api/v1/houses", {"flagged": "yes"}, "flagged"),
            ("/api/v1/reports", {"late": "2"}, "late"),
            ("/api/v1/organisations", {"kind": "bank"}, "kind"),
            ("/api/v1/stats/overview", {"group": "planet"}, "group"),
            ("/api/v1/houses", {"grid": "37010"}, "grid"),
            ("/api/v1/audit", {"before": "0"}, "before"),
            ("/api/v1/registrations", {"per_page": "1000"}, "per_page"),
        ]
        for path, query, field in cases:
            q = dict(query, **R) if path == "/api/v1/registrations" else query
            r = self.s.as_("admin", "GET", path, query=q)
            self.assertEqual((r.status, r.error_code(), r.error_field()),
                             (422, "invalid", field), (path, query, r))

    def test_malformed_dates_refused(self):
        cases = [
            ("/api/v1/stats/timeline", {"from": "2025-13"}, "from"),
            ("/api/v1/stats/timeline", {"to": "2025-00"}, "to"),
            ("/api/v1/stats/timeline", {"to": "2025-1"}, "to"),
            ("/api/v1/worklists/late", {"from": "2025-02-30"}, "from"),
            ("/api/v1/worklists/late", {"to": "yesterday"}, "to"),
            ("/api/v1/worklists/permits", {"on": "2025-9-1"}, "on"),
        ]
        for path, query, field in cases:
            r = self.s.as_("admin", "GET", path, query=query)
            self.assertEqual((r.status, r.error_field()), (422, field), (path, query, r))
            self.assertIn("格式", r.json["error"]["message"])

    def test_valid_and_empty_values_accepted(self):
        r = self.s.as_("admin", "GET", "/api/v1/registrations",
                       query=dict(R, sort="name", order="asc", status="active",
                                  late="0", per_page="5"))
        self.assertEqual(r.status, 200, r)
        # An empty value is an absent one (an HTML form's empty field).
        r = self.s.as_("admin", "GET", "/api/v1/registrations",
                       query=dict(R, sort="", order="", grid=""))
        self.assertEqual(r.status, 200, r)
        r = self.s.as_("admin", "GET", "/api/v1/stats/timeline",
                       query={"from": "2025-01", "to": "2025-12"})
        self.assertEqual(r.status, 200, r)

    def test_unknown_and_repeated_parameters_refused(self):
        r = self.s.as_("admin", "GET", "/api/v1/persons",
                       query={"name": "张", "reason": "核对", "cache": "123"})
        self.assertEqual((r.status, r.error_code(), r.error_field()),
                         (400, "unknown_parameter", "cache"))
        for path in ["/api/v1/registrations?reason=x&sort=name&sort=evil",
                     "/api/v1/registrations?reason=x&sort=&late=1&sort=name"]:
            r = self.s.as_("admin", "GET", path)
            self.assertEqual((r.status, r.error_code(), r.error_field()),
                             (400, "bad_request", "sort"), path)

    def test_every_operation_refuses_unknown_parameters(self):
        checked = 0
        for method, path, op in self.operations():
            live = path.replace("{id}", "1").replace("{no}", "JZ1")
            names = [p["name"] for p in op.get("parameters", []) if p["in"] == "query"]
            query = {"reason": "核对"} if "reason" in names else {}
            query["zz_unknown"] = "1"
            r = self.s.as_("admin", method, live, body={} if method == "POST" else None,
                           query=query)
            if r.status == 401 and path.startswith("/api/v1/resident/"):
                continue
            self.assertEqual((r.status, r.error_code(), r.error_field()),
                             (400, "unknown_parameter", "zz_unknown"), (method, path, r))
            checked += 1
        self.assertGreater(checked, 40)

    def test_openapi_shows_parameter_types(self):
        params = {p["name"]: p["schema"] for p in
                  self.doc["paths"]["/api/v1/registrations"]["get"]["parameters"]
                  if p["in"] == "query"}
        self.assertEqual(params["sort"]["enum"], ["declared_date", "arrival_date", "name"])
        self.assertEqual(params["order"]["enum"], ["asc", "desc"])
        self.assertEqual((params["page"]["type"], params["page"]["minimum"]), ("integer", 1))
        self.assertEqual(params["per_page"]["maximum"], 100)
        late = {p["name"]: p["schema"] for p in
                self.doc["paths"]["/api/v1/worklists/late"]["get"]["parameters"]}
        self.assertEqual(late["from"]["format"], "date")
        codes = self.doc["components"]["responses"]["Error"]["x-codes"]
        self.assertEqual(codes["unsupported_media_type"], 415)
        self.assertEqual(codes["unknown_parameter"], 400)

    # ---- one server per address -------------------------------------

    def test_second_server_on_the_same_address_refused(self):
        other = tempfile.mkdtemp(prefix="liudong-e2e-second-")
        # Its own, empty database: where a connection lands on it, the
        # first server's sessions are unknown (401).
        second = subprocess.Popen(
            [BINARY, "serve", "--listen", "127.0.0.1:%d" % self.s.port,
             "--data", os.path.join(other, "data"), "--access-log", "off"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            try:
                second.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass  # still running: it shares the port
            answers = [self.s.call("GET", "/api/v1/auth/me", token=self.admin).status
                       for _ in range(40)]
        finally:
            if second.poll() is None:
                second.kill()
            _, err = second.communicate()
            # It stopped before it touched a database.
            made_db = os.path.exists(os.path.join(other, "data", "liudong.db"))
            shutil.rmtree(other, ignore_errors=True)
        self.assertEqual(answers, [200] * 40)
        self.assertNotEqual(second.returncode, 0)
        self.assertIn("已被占用", err)
        self.assertIn("127.0.0.1:%d" % self.s.port, err)
        self.assertFalse(made_db)

    # ---- /metrics and /readyz -----------------------------------------

    def test_metrics_from_loopback_by_default(self):
        self.assertEqual(self.s.call("GET", "/metrics").status, 200)

    def test_readyz_when_writes_work(self):
        r = self.s.call("GET", "/readyz")
        self.assertEqual((r.status, r.json["status"]), (200, "ready"))
        self.assertEqual(self.s.call("GET", "/healthz").status, 200)


class MetricsAllow(unittest.TestCase):
    """A server whose /metrics is open to 10.0.0.0/8 only, serving a web
    directory (whose static files have the framing check too)."""

    @classmethod
    def setUpClass(cls):
        cls.web = tempfile.mkdtemp(prefix="liudong-e2e-web-")
        with open(os.path.join(cls.web, "index.html"), "w") as f:
            f.write("<!doctype html><title>liudong</title>")
        cls.s = Server(people=10, extra_args=["--metrics-allow", "10.0.0.0/8",
                                              "--web", cls.web])

    @classmethod
    def tearDownClass(cls):
        cls.s.close()
        shutil.rmtree(cls.web, ignore_errors=True)

    def test_loopback_refused_when_not_listed(self):
        r = self.s.call("GET", "/metrics")
        self.assertEqual((r.status, r.error_code()), (403, "forbidden"))
        self.assertIn("--metrics-allow", r.json["error"]["message"])
        self.assertNotIn(b"liudong_store_persons", r.raw)
        # Other public routes are unaffected.
        self.assertEqual(self.s.call("GET", "/healthz").status, 200)

    def test_static_files_refuse_ambiguous_length(self):
        raw, closed = exchange(self.s.port, b"GET /index.html HTTP/1.1\r\nHost: t\r\n"
                               b"Content-Length: 0\r\nContent-Length: 5\r\n\r\n")
        self.assertTrue(raw.startswith(b"HTTP/1.1 400"), raw[:100])
        self.assertTrue(closed)
        conn = http.client.HTTPConnection("127.0.0.1", self.s.port, timeout=10)
        try:
            conn.request("GET", "/index.html")
            self.assertEqual(conn.getresponse().status, 200)
        finally:
            conn.close()

    def test_bad_allow_list_is_a_usage_error(self):
        for value in ["10.0.0.1/8", "10.0.0.0/33", "localhost", "::1/129", ""]:
            p = subprocess.run([BINARY, "serve", "--metrics-allow", value,
                                "--listen", "x", "--data", "/nonexistent"],
                               capture_output=True, text=True, timeout=20)
            self.assertEqual(p.returncode, 2, value)
            self.assertIn("--metrics-allow", p.stderr)


@unittest.skipUnless(os.geteuid() == 0, "needs root (chattr, mount)")
class Readiness(unittest.TestCase):
    """/readyz follows the writer: a store that cannot be written makes it
    503 while /healthz (liveness) stays 200, and it is 200 again once
    writes work, without any other write to bring it back."""

    def setUp(self):
        self.s = Server(people=20)
        self.mnt = None

    def tearDown(self):
        self.s.stop()
        if self.mnt:
            subprocess.run(["umount", self.mnt])
            os.rmdir(self.mnt)
        self.s.close()

    def register(self):
        return self.s.as_("clerk_a", "POST", "/api/v1/registrations",
                          declaration(self.s.grids_a[0]))

    def test_failed_commit_makes_it_not_ready(self):
        self.assertEqual(self.s.call("GET", "/readyz").status, 200)
        self.assertEqual(self.register().status, 201)
        wal = os.path.join(self.s.data, "liudong.db-wal")
        if subprocess.run(["chattr", "+i", wal]).returncode != 0:
            self.skipTest("the file system has no immutable attribute")
        try:
            r = self.register()
            self.assertEqual(r.status, 503, r)
            r = self.s.call("GET", "/readyz")
            self.assertEqual((r.status, r.json["status"], r.json["reason"]),
                             (503, "not_ready", "commit_failed"), r)
            self.assertEqual(r.error_code(), "unavailable")
            self.assertEqual(self.s.call("GET", "/healthz").status, 200)
        finally:
            subprocess.run(["chattr", "-i", wal], check=True)
        # The probe itself finds that writes work again.
        r = self.s.call("GET", "/readyz")
        self.assertEqual((r.status, r.json["status"]), (200, "ready"), r)
        self.assertEqual(self.register().status, 201)

    def test_full_disk_makes_it_not_ready(self):
        self.assertEqual(self.s.call("GET", "/readyz").status, 200)
        self.s.login("clerk_a")
        self.s.stop()
        used = sum(os.path.getsize(os.path.join(d, f))
                   for d, _, fs in os.walk(self.s.data) for f in fs)
        self.mnt = tempfile.mkdtemp(prefix="liudong-e2e-tmpfs-")
        subprocess.run(["mount", "-t", "tmpfs", "-o",
                        "size=%dk" % (used // 1024 + 48 * 1024), "tmpfs", self.mnt],
                       check=True)
        data = os.path.join(self.mnt, "data")
        shutil.copytree(self.s.data, data)
        self.s.data = data
        self.s.start()
        self.assertEqual(self.s.call("GET", "/readyz").status, 200)
        filler = os.path.join(self.mnt, "filler")
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            while True:
                os.write(fd, b"\0" * 65536)
        except OSError:
            pass
        finally:
            os.close(fd)
        statuses = []
        for _ in range(20):
            statuses.append(self.register().status)
            if statuses[-1] == 503:
                break
        self.assertIn(503, statuses)
        r = self.s.call("GET", "/readyz")
        self.assertEqual((r.status, r.json["reason"]), (503, "disk_full"), r)
        self.assertEqual(self.s.call("GET", "/healthz").status, 200)
        os.remove(filler)
        r = self.s.call("GET", "/readyz")
        self.assertEqual((r.status, r.json["status"]), (200, "ready"), r)
        self.assertEqual(self.register().status, 201)


if __name__ == "__main__":
    unittest.main()
