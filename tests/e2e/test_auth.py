"""End-to-end tests of staff sign-in: the per-account lockout under
concurrent guesses, table pressure (colliding keys) and many addresses; the
bounded password-hashing queue; residents' code requests kept apart from
staff sign-in; trusted proxies; changing, resetting and disabling
passwords and accounts, and the first sign-in with a generated password.

Clients are told apart by their source address: Linux routes all of 127/8
to the loopback interface, so a socket bound to 127.0.10.1 is another
client than one bound to 127.0.0.1. Each test uses addresses of its own.
Assertions compare counts (answers, /metrics counters), never times.
"""
import http.client
import itertools
import json
import re
import socket
import threading
import time
import unittest

from harness import Server, id_number, run

LOGIN = "/api/v1/auth/login"
PASSWORD = "/api/v1/auth/password"
QUEUE_MAX = 16  # LD_HASH_QUEUE_MAX (src/http/hasher.h)


def fnv1a(text):
    """32-bit FNV-1a, as the old throttle hashed its keys."""
    h = 2166136261
    for b in text.encode():
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h


def old_slot(key):
    """The slot of the old 4,096-entry throttle table."""
    return fnv1a(key) % 4096


def request_bytes(port, body, xff=None, path=LOGIN, token=None):
    data = json.dumps(body).encode()
    head = ("POST %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
            "Content-Type: application/json\r\nContent-Length: %d\r\n" %
            (path, port, len(data)))
    if xff:
        head += "X-Forwarded-For: %s\r\n" % xff
    if token:
        head += "Authorization: Bearer %s\r\n" % token
    return head.encode() + b"\r\n" + data


def burst(port, items):
    """Send every request of items [(bytes, source address)] at once: each
    on its own connection, all but the last byte first, then the last bytes
    one after another, so the server sees them together. Returns
    [(status, headers, json)] in the same order."""
    socks = []
    for data, source in items:
        s = socket.create_connection(("127.0.0.1", port), timeout=60,
                                     source_address=(source, 0))
        s.sendall(data[:-1])
        socks.append(s)
    for s, (data, _) in zip(socks, items):
        s.sendall(data[-1:])
    out = []
    for s in socks:
        r = http.client.HTTPResponse(s)
        r.begin()
        body = r.read()
        out.append((r.status, {k.lower(): v for k, v in r.getheaders()},
                    json.loads(body) if body else None))
        s.close()
    return out


def metrics(s):
    """/metrics as {name or name{labels}: value}."""
    text = s.call("GET", "/metrics").raw.decode()
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            out[name] = float(value)
    return out


def add_user(s, name, role="auditor"):
    """A new account made with `liudong user add` (a generated password)."""
    return json.loads(run("user", "add", name, "--role", role,
                          "--data", s.data).stdout)["password"]


class StaffSignIn(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = Server(people=20)

    @classmethod
    def tearDownClass(cls):
        cls.s.close()

    def login(self, user, pw, source=None, **kw):
        return self.s.call("POST", LOGIN, {"username": user, "password": pw},
                           source=source, **kw)

    # ---- the per-account lockout -----------------------------------------

    def test_concurrent_guesses_get_five_tries(self):
        """40 wrong passwords at once for one account: at most five are
        checked (401), the rest refused (429) without a check; then the
        right password is refused too, the account being locked."""
        pw = add_user(self.s, "victim_burst")
        body = {"username": "victim_burst", "password": "wrong-guess"}
        answers = burst(self.s.port, [(request_bytes(self.s.port, body),
                                       "127.0.10.1")] * 40)
        statuses = [a[0] for a in answers]
        self.assertLessEqual(statuses.count(401), 5, statuses)
        self.assertEqual(statuses.count(401) + statuses.count(429), 40, statuses)
        refused = [a for a in answers if a[0] == 429]
        self.assertTrue(all("retry-after" in a[1] for a in refused))
        r = self.login("victim_burst", pw, source="127.0.10.2")
        self.assertEqual(r.status, 429, r)
        self.assertEqual(r.error_code(), "throttled")

    def test_guesses_from_ten_addresses_lock_after_five(self):
        """Spreading concurrent guesses over ten addresses does not help:
        the account's counter does not depend on the address."""
        pw = add_user(self.s, "victim_spread")
        body = {"username": "victim_spread", "password": "wrong-guess"}
        items = [(request_bytes(self.s.port, body), "127.0.11.%d" % (1 + i % 10))
                 for i in range(30)]
        statuses = [a[0] for a in burst(self.s.port, items)]
        self.assertLessEqual(statuses.count(401), 5, statuses)
        # One more wrong guess from each address, one after another: all
        # refused.
        for i in range(10):
            r = self.login("victim_spread", "wrong-again", source="127.0.11.%d" % (i + 1))
            self.assertEqual(r.status, 429, r)
        r = self.login("victim_spread", pw, source="127.0.11.11")
        self.assertEqual(r.status, 429, r)

    def test_lock_survives_a_colliding_account_key(self):
        """The old table (4,096 slots, FNV-1a) let a colliding user name take
        over a locked account's slot, unlocking it."""
        pw = add_user(self.s, "victim_collide")
        slot = old_slot("user:victim_collide")
        collider = next(n for n in ("c%d" % i for i in itertools.count())
                        if old_slot("user:" + n) == slot)
        for _ in range(5):
            self.assertEqual(self.login("victim_collide", "wrong", source="127.0.12.1").status, 401)
        self.assertEqual(self.login("victim_collide", pw, source="127.0.12.3").status, 429)
        self.assertEqual(self.login(collider, "x", source="127.0.12.2").status, 401)
        r = self.login("victim_collide", pw, source="127.0.12.3")
        self.assertEqual(r.status, 429, "the lock must survive a colliding key: %r" % r)

    def test_lock_survives_a_colliding_address_key(self):
        """The same for an address: twenty failures lock 127.0.13.1, and a
        failure from an address whose old key collides does not free it."""
        locked = "127.0.13.1"
        slot = old_slot("addr:" + locked)
        collider = next(a for a in ("127.14.%d.%d" % (i // 250, 1 + i % 250)
                                    for i in itertools.count())
                        if old_slot("addr:" + a) == slot)
        for i in range(20):
            self.assertEqual(self.login("nobody_a%d" % i, "x", source=locked).status, 401)
        self.assertEqual(self.login("nobody_b", "x", source=locked).status, 429)
        self.assertEqual(self.login("nobody_c", "x", source=collider).status, 401)
        r = self.login("nobody_d", "x", source=locked)
        self.assertEqual(r.status, 429, "the lock must survive a colliding key: %r" % r)

    def test_unknown_names_lock_like_accounts(self):
        """A name that is no account is locked after five failures too, so
        the answers do not tell which names exist."""
        for name in ("victim_exists", "no_such_user"):
            if name == "victim_exists":
                add_user(self.s, name)
            got = [self.login(name, "wrong", source="127.0.15.%d" % (1 + i)).status
                   for i in range(6)]
            self.assertEqual(got, [401] * 5 + [429], name)

    def test_success_clears_the_account_counter(self):
        pw = add_user(self.s, "victim_clear")
        for _ in range(4):
            self.assertEqual(self.login("victim_clear", "wrong", source="127.0.16.1").status, 401)
        self.assertEqual(self.login("victim_clear", pw, source="127.0.16.1").status, 200)
        for _ in range(4):
            self.assertEqual(self.login("victim_clear", "wrong", source="127.0.16.1").status, 401)
        self.assertEqual(self.login("victim_clear", pw, source="127.0.16.1").status, 200)

    # ---- the hashing queue -----------------------------------------------

    def test_flood_is_refused_when_the_queue_is_full(self):
        """100 wrong logins at once (100 names, 100 addresses): the queue
        holds at most 16; the rest are refused at once with 503 and never
        hashed."""
        before = metrics(self.s)
        items = [(request_bytes(self.s.port, {"username": "flood_%d" % i,
                                              "password": "x"}),
                  "127.0.20.%d" % (i + 1)) for i in range(100)]
        answers = burst(self.s.port, items)
        after = metrics(self.s)
        statuses = [a[0] for a in answers]
        busy = [a for a in answers if a[0] == 503]
        self.assertEqual(statuses.count(401) + len(busy), 100, statuses)
        self.assertGreater(len(busy), 0, statuses)
        for status, headers, body in busy:
            self.assertEqual(body["error"]["message"], "登录请求过多，请稍后再试")
            self.assertEqual(headers.get("retry-after"), "1")
        hashed = after["liudong_password_hashes_total"] - before["liudong_password_hashes_total"]
        self.assertEqual(hashed, statuses.count(401))
        self.assertEqual(after["liudong_password_busy_total"] - before["liudong_password_busy_total"],
                         len(busy))
        self.assertLessEqual(after["liudong_password_queue_peak"], QUEUE_MAX)

    def test_clients_that_leave_cost_no_hash(self):
        """Logins whose clients close the connection before their turn are
        dropped without hashing."""
        before = metrics(self.s)
        keepers = []
        for i in range(6):
            k = socket.create_connection(("127.0.0.1", self.s.port), timeout=60,
                                         source_address=("127.0.21.%d" % (i + 1), 0))
            k.sendall(request_bytes(self.s.port, {"username": "keep_%d" % i, "password": "x"}))
            keepers.append(k)
        # The hashing thread is busy with them before the others come.
        for _ in range(500):
            m = metrics(self.s)
            if m["liudong_password_queue"] >= 1:
                break
        for i in range(10):
            c = socket.create_connection(("127.0.0.1", self.s.port), timeout=60,
                                         source_address=("127.0.22.%d" % (i + 1), 0))
            c.sendall(request_bytes(self.s.port, {"username": "gone_%d" % i, "password": "x"}))
            c.close()
        for k in keepers:
            r = http.client.HTTPResponse(k)
            r.begin()
            self.assertEqual(r.status, 401)
            k.close()
        for _ in range(500):
            after = metrics(self.s)
            done = sum(after[k] - before[k] for k in (
                "liudong_password_hashes_total", "liudong_password_dropped_total"))
            if done >= 16:
                break
            time.sleep(0.02)
        self.assertEqual(after["liudong_password_dropped_total"]
                         - before["liudong_password_dropped_total"], 10)
        self.assertEqual(after["liudong_password_hashes_total"]
                         - before["liudong_password_hashes_total"], 6)

    # ---- residents' code requests ----------------------------------------

    def test_code_requests_do_not_count_against_staff_sign_in(self):
        source = "127.0.30.1"
        for i in range(20):
            self.s.call("POST", "/api/v1/resident/otp",
                        {"id_number": id_number("110105", "19900101", 500 + i),
                         "phone": "1391234%04d" % i}, source=source)
        user, pw = self.s.accounts["auditor"]
        r = self.login(user, pw, source=source)
        self.assertEqual(r.status, 200, r)

    # ---- X-Forwarded-For without a trusted proxy -------------------------

    def test_forwarded_header_is_ignored_without_trusted_proxies(self):
        """Inventing X-Forwarded-For values does not dodge the address
        limit when no proxy is trusted."""
        source = "127.0.40.1"
        for i in range(20):
            r = self.login("nobody_x%d" % i, "x", source=source,
                           headers={"X-Forwarded-For": "10.9.0.%d" % (i + 1)})
            self.assertEqual(r.status, 401, r)
        r = self.login("nobody_y", "x", source=source,
                       headers={"X-Forwarded-For": "10.9.1.1"})
        self.assertEqual(r.status, 429, r)

    # ---- passwords -------------------------------------------------------

    def test_first_sign_in_must_change_the_generated_password(self):
        pw = add_user(self.s, "new_clerk", role="admin")
        r = self.login("new_clerk", pw, source="127.0.50.1")
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.json["must_change_password"])
        self.assertTrue(r.json["user"]["must_change_password"])
        token = r.json["token"]
        # Everything but me, password and logout is refused by the server.
        for method, path in [("GET", "/api/v1/stations"), ("GET", "/api/v1/users"),
                             ("GET", "/api/v1/persons?reason=x&name=x")]:
            d = self.s.call(method, path, token=token)
            self.assertEqual(d.status, 403, (path, d))
            self.assertEqual(d.error_code(), "password_change_required")
        me = self.s.call("GET", "/api/v1/auth/me", token=token)
        self.assertEqual(me.status, 200)
        self.assertTrue(me.json["user"]["must_change_password"])
        # The policy, each refusal naming new_password in Chinese.
        for bad in ["short1A!", "lowercase12", "aaaaaaaaaaaaaaaaaaaa",
                    "Xnew_clerk-2025!", pw]:
            c = self.s.call("POST", PASSWORD, {"current_password": pw, "new_password": bad},
                            token=token)
            self.assertEqual(c.status, 422, (bad, c))
            self.assertEqual(c.error_field(), "new_password")
            self.assertRegex(c.json["error"]["message"], "[\u4e00-\u9fff]")
        c = self.s.call("POST", PASSWORD, {"current_password": pw,
                                           "new_password": "Quan-Cheng-2025"}, token=token)
        self.assertEqual(c.status, 200, c)
        self.assertEqual(self.s.call("GET", "/api/v1/stations", token=token).status, 200)
        self.assertFalse(self.s.call("GET", "/api/v1/auth/me", token=token)
                         .json["user"]["must_change_password"])
        self.assertEqual(self.login("new_clerk", pw, source="127.0.50.1").status, 401)
        r = self.login("new_clerk", "Quan-Cheng-2025", source="127.0.50.1")
        self.assertEqual(r.status, 200)
        self.assertFalse(r.json["must_change_password"])

    def test_openapi_names_what_is_open_before_a_change(self):
        doc = self.s.call("GET", "/api/v1/openapi.json").json
        open_ops = sorted("%s %s" % (m.upper(), p) for p, item in doc["paths"].items()
                          for m, op in item.items() if op.get("x-open-before-password-change"))
        self.assertEqual(open_ops, ["GET /api/v1/auth/me", "POST /api/v1/auth/logout",
                                    "POST /api/v1/auth/password"])

    def test_demo_accounts_need_no_change(self):
        self.assertIn("clerk_lixia", self.s.demo_accounts)
        r = self.login("clerk_lixia", self.s.demo_accounts["clerk_lixia"], source="127.0.51.1")
        self.assertEqual(r.status, 200, r)
        self.assertFalse(r.json["must_change_password"])
        self.assertEqual(self.s.call("GET", "/api/v1/stations", token=r.json["token"]).status, 200)

    def test_change_ends_other_sessions_and_counts_failures(self):
        pw = add_user(self.s, "changer", role="auditor")
        first = self.login("changer", pw, source="127.0.52.1").json["token"]
        second = self.login("changer", pw, source="127.0.52.1").json["token"]
        new = "Spring-Water-77"
        self.assertEqual(self.s.call("POST", PASSWORD, {"current_password": pw,
                                                        "new_password": new},
                                     token=second).status, 200)
        self.assertEqual(self.s.call("GET", "/api/v1/auth/me", token=first).status, 401)
        self.assertEqual(self.s.call("GET", "/api/v1/audit", token=second).status, 200)
        # Wrong current passwords count like failed sign-ins: five, then
        # the account is locked for sign-in as well.
        for _ in range(5):
            c = self.s.call("POST", PASSWORD, {"current_password": "not-it",
                                               "new_password": "Another-Pass-88"},
                            token=second, source="127.0.52.2")
            self.assertEqual(c.status, 422, c)
            self.assertEqual(c.error_field(), "current_password")
        c = self.s.call("POST", PASSWORD, {"current_password": new,
                                           "new_password": "Another-Pass-88"},
                        token=second, source="127.0.52.3")
        self.assertEqual(c.status, 429, c)
        self.assertEqual(self.login("changer", new, source="127.0.52.4").status, 429)
        self.assertIn(("auth:password", "denied"), self.audit("user:changer"))
        self.assertIn(("auth:password", "ok"), self.audit("user:changer"))

    def audit(self, target):
        db = self.s.db()
        rows = db.execute("SELECT action, result FROM audit WHERE target = ?",
                          (target,)).fetchall()
        db.close()
        return rows

    # ---- admin: list, reset, disable, enable -----------------------------

    def test_admin_manages_accounts(self):
        pw = add_user(self.s, "managed", role="auditor")
        r = self.login("managed", pw, source="127.0.53.1")
        token = r.json["token"]
        self.assertEqual(self.s.call("POST", PASSWORD, {"current_password": pw,
                                                        "new_password": "Li-Xia-District9"},
                                     token=token).status, 200)
        users = self.s.as_("admin", "GET", "/api/v1/users")
        self.assertEqual(users.status, 200, users)
        row = next(u for u in users.json["items"] if u["username"] == "managed")
        self.assertFalse(row["disabled"])
        self.assertFalse(row["must_change_password"])
        self.assertIsNotNone(row["last_login_at"])
        self.assertNotIn("password_hash", row)
        uid = row["id"]
        # Only admins.
        for label in ("clerk_a", "auditor", "grid_a"):
            self.assertEqual(self.s.as_(label, "GET", "/api/v1/users").status, 403)
            self.assertEqual(self.s.as_(label, "POST", "/api/v1/users/%d/disable" % uid,
                                        {}).status, 403)
        # The session is cached by the loop threads: use it a few times.
        for _ in range(8):
            self.assertEqual(self.s.call("GET", "/api/v1/audit", token=token).status, 200)
        d = self.s.as_("admin", "POST", "/api/v1/users/%d/disable" % uid, {})
        self.assertEqual(d.status, 200, d)
        self.assertTrue(d.json["disabled"])
        for _ in range(8):
            self.assertEqual(self.s.call("GET", "/api/v1/audit", token=token).status, 401)
        self.assertEqual(self.login("managed", "Li-Xia-District9", source="127.0.53.1").status, 401)
        e = self.s.as_("admin", "POST", "/api/v1/users/%d/enable" % uid, {})
        self.assertEqual(e.status, 200, e)
        self.assertEqual(self.login("managed", "Li-Xia-District9", source="127.0.53.1").status, 200)
        # A reset: a new generated password shown once, sessions ended, and
        # it must be changed at the next sign-in.
        token = self.login("managed", "Li-Xia-District9", source="127.0.53.1").json["token"]
        z = self.s.as_("admin", "POST", "/api/v1/users/%d/reset-password" % uid, {})
        self.assertEqual(z.status, 200, z)
        fresh = z.json["password"]
        self.assertRegex(fresh, "^[A-Za-z0-9]{12}$")
        self.assertEqual(self.s.call("GET", "/api/v1/auth/me", token=token).status, 401)
        self.assertEqual(self.login("managed", "Li-Xia-District9", source="127.0.53.1").status, 401)
        r = self.login("managed", fresh, source="127.0.53.1")
        self.assertEqual(r.status, 200)
        self.assertTrue(r.json["must_change_password"])
        self.assertEqual(self.s.call("GET", "/api/v1/audit", token=r.json["token"]).error_code(),
                         "password_change_required")
        actions = [a for a, _ in self.audit("user:managed")]
        for action in ("user:disable", "user:enable", "user:reset-password"):
            self.assertIn(action, actions)
        self.assertIn(("user:list", "ok"), self.audit("users"))

    def test_admin_cannot_disable_or_reset_themself(self):
        me = self.s.as_("admin", "GET", "/api/v1/auth/me").json["user"]["id"]
        d = self.s.as_("admin", "POST", "/api/v1/users/%d/disable" % me, {})
        self.assertEqual(d.status, 409, d)
        d = self.s.as_("admin", "POST", "/api/v1/users/%d/reset-password" % me, {})
        self.assertEqual(d.status, 409, d)
        self.assertEqual(self.s.as_("admin", "POST", "/api/v1/users/999999/disable", {}).status, 404)
        self.assertEqual(self.s.as_("admin", "GET", "/api/v1/auth/me").status, 200)

    def test_cli_passwd_resets(self):
        pw = add_user(self.s, "cli_reset", role="auditor")
        out = json.loads(run("user", "passwd", "cli_reset", "--data", self.s.data).stdout)
        self.assertTrue(out["must_change_password"])
        self.assertEqual(self.login("cli_reset", pw, source="127.0.54.1").status, 401)
        r = self.login("cli_reset", out["password"], source="127.0.54.1")
        self.assertEqual(r.status, 200)
        self.assertTrue(r.json["must_change_password"])
        self.assertEqual(run("user", "passwd", "nobody_here", "--data", self.s.data,
                             check=False).returncode, 2)
        self.assertEqual(run("user", "add", "cli_reset", "--role", "auditor",
                             "--data", self.s.data, check=False).returncode, 2)
        # Even the refused commands' audit entries are anchored, so the
        # running server goes on writing (a sign-in writes a session).
        user, pw = self.s.accounts["auditor"]
        self.assertEqual(self.login(user, pw, source="127.0.54.2").status, 200)


class TrustedProxy(unittest.TestCase):
    """--trusted-proxy 127.0.0.1: requests from it are counted by the client
    its X-Forwarded-For names."""

    @classmethod
    def setUpClass(cls):
        cls.s = Server(people=5, extra_args=["--trusted-proxy", "127.0.0.1,::1"])

    @classmethod
    def tearDownClass(cls):
        cls.s.close()

    def login(self, user, pw, xff):
        return self.s.call("POST", LOGIN, {"username": user, "password": pw},
                           headers={"X-Forwarded-For": xff} if xff else None)

    def test_forwarded_clients_are_counted_apart(self):
        for i in range(20):
            self.assertEqual(self.login("nobody_p%d" % i, "x", "10.0.0.1").status, 401)
        self.assertEqual(self.login("nobody_q", "x", "10.0.0.1").status, 429)
        # Another client behind the same proxy is not locked out, nor is
        # the proxy itself.
        self.assertEqual(self.login("nobody_q", "x", "10.0.0.2").status, 401)
        user, pw = self.s.accounts["clerk_a"]
        r = self.login(user, pw, "192.168.1.1, 10.0.0.3")
        self.assertEqual(r.status, 200, r)
        db = self.s.db()
        n = db.execute("SELECT count(*) FROM sessions WHERE address = '10.0.0.3'").fetchone()[0]
        db.close()
        # The rightmost address that is not a trusted proxy.
        self.assertEqual(n, 1)

    def test_ipv6_clients_are_counted_per_prefix(self):
        for i in range(20):
            self.assertEqual(self.login("nobody_v%d" % i, "x", "2001:db8:1:2::%x" % (i + 1)).status,
                             401)
        self.assertEqual(self.login("nobody_w", "x", "2001:db8:1:2:ffff::1").status, 429)
        self.assertEqual(self.login("nobody_w", "x", "2001:db8:1:3::1").status, 401)

    def logged_logins(self):
        with open(self.s.dir + "/access.log") as f:
            return [json.loads(l) for l in f
                    if '"/api/v1/auth/login"' in l and '"status":200' in l]

    def test_malformed_header_means_the_peer(self):
        user, pw = self.s.accounts["auditor"]
        for _ in range(200):  # what was logged so far is on disk
            before = len(self.logged_logins())
            time.sleep(0.3)
            if len(self.logged_logins()) == before:
                break
        for xff in ("not-an-address", "10.0.0.7:8080", ", ,"):
            r = self.login(user, pw, xff)
            self.assertEqual(r.status, 200, (xff, r))
        # The access log is flushed every 200 ms: wait for the lines.
        for _ in range(200):
            lines = self.logged_logins()
            if len(lines) >= before + 3:
                break
            time.sleep(0.05)
        self.assertEqual([l["remote"] for l in lines[before:]], ["127.0.0.1"] * 3)


if __name__ == "__main__":
    unittest.main()
