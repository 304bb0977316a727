"""End-to-end tests of the registry server: every workflow, every role
boundary and every kind of bad input, over HTTP against the real binary."""
import json
import os
import re
import time
import unittest

from harness import DATE_REASON, ROOT, Server, declaration, id_number, run

REASON = {"reason": "窗口办理居住登记核对"}


class Registry(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = Server(people=150)

    @classmethod
    def tearDownClass(cls):
        cls.s.close()

    def declare(self, label="clerk_a", grid=None, **kw):
        return self.s.as_(label, "POST", "/api/v1/registrations",
                          declaration(grid or self.s.grids_a[0], **kw))

    def count(self, table):
        db = self.s.db()
        n = db.execute("SELECT count(*) FROM %s" % table).fetchone()[0]
        db.close()
        return n

    # ---- meta -----------------------------------------------------------

    def test_healthz_and_metrics(self):
        r = self.s.call("GET", "/healthz")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json["status"], "ok")
        # Migrations are numbered 0001..N without a gap.
        numbers = sorted(int(m[:4]) for m in os.listdir(os.path.join(ROOT, "sql", "sqlite")))
        self.assertEqual(numbers, list(range(1, len(numbers) + 1)))
        self.assertEqual(r.json["schema_version"], len(numbers))
        self.s.call("GET", "/api/v1/codes")
        m = self.s.call("GET", "/metrics")
        self.assertEqual(m.status, 200)
        text = m.raw.decode()
        self.assertIn('liudong_http_requests_total{method="GET",route="/api/v1/codes",'
                      'status="2xx"}', text)
        self.assertIn("liudong_http_request_duration_seconds_bucket", text)
        self.assertIn("liudong_writer_batches_total", text)
        self.assertIn("liudong_writer_queue_jobs", text)

    def test_openapi_matches_live_routes(self):
        doc = self.s.call("GET", "/api/v1/openapi.json").json
        self.assertEqual(doc["openapi"], "3.0.3")
        ops = [(m.upper(), p, o) for p, item in doc["paths"].items()
               for m, o in item.items()]
        self.assertGreaterEqual(len(ops), 20)
        for method, path, op in ops:
            live = path.replace("{id}", "1").replace("{no}", "JZ1")
            # Every path parameter is declared.
            for name in ("id", "no"):
                if "{%s}" % name in path:
                    self.assertIn(name, [p["name"] for p in op["parameters"]
                                         if p["in"] == "path"], (method, path))
            r = self.s.call(method, live, raw=b"{}" if method == "POST" else None)
            # Every documented operation exists: never 404 for the path
            # itself nor 405, and secured ones refuse anonymous callers.
            self.assertNotEqual(r.status, 405, (method, path))
            if op.get("security"):
                self.assertEqual(r.status, 401, (method, path, r))
            else:
                self.assertNotEqual(r.error_code(), "not_found", (method, path))
        self.assertEqual(self.s.call("GET", "/api/v1/nothing").status, 404)
        self.assertEqual(self.s.call("DELETE", "/healthz").status, 405)

    # ---- accounts -------------------------------------------------------

    def test_login_logout_and_me(self):
        user, pw = self.s.accounts["clerk_b"]
        r = self.s.call("POST", "/api/v1/auth/login", {"username": user, "password": pw})
        self.assertEqual(r.status, 200)
        token = r.json["token"]
        self.assertRegex(token, "^[0-9a-f]{64}$")
        self.assertEqual(r.json["user"]["role"], "clerk")
        self.assertIn("registration:create", r.json["user"]["permissions"])
        self.assertNotIn("audit:read", r.json["user"]["permissions"])
        me = self.s.call("GET", "/api/v1/auth/me", token=token)
        self.assertEqual(me.json["user"]["username"], user)
        self.assertEqual(self.s.call("POST", "/api/v1/auth/logout", token=token).status, 200)
        self.assertEqual(self.s.call("GET", "/api/v1/auth/me", token=token).status, 401)
        # The token is stored only as a digest.
        db = self.s.db()
        self.assertEqual(db.execute("SELECT count(*) FROM sessions WHERE token_hash = ?",
                                    (token,)).fetchone()[0], 0)
        db.close()

    def test_bad_password_and_throttle(self):
        r = self.s.call("POST", "/api/v1/auth/login",
                        {"username": "t_auditor", "password": "wrong"})
        self.assertEqual(r.status, 401)
        self.assertEqual(r.error_code(), "unauthenticated")
        for _ in range(5):
            r = self.s.call("POST", "/api/v1/auth/login",
                            {"username": "nobody_here", "password": "x"})
        self.assertEqual(r.status, 401)
        r = self.s.call("POST", "/api/v1/auth/login",
                        {"username": "nobody_here", "password": "x"})
        self.assertEqual(r.status, 429)
        self.assertIn("retry-after", {k.lower() for k in r.headers})
        # Other accounts are not locked by it.
        self.s.tokens.pop("auditor", None)
        self.s.login("auditor")

    def test_unauthenticated(self):
        self.assertEqual(self.s.call("GET", "/api/v1/persons", query=REASON).status, 401)
        r = self.s.call("GET", "/api/v1/persons", query=REASON,
                        headers={"Authorization": "Bearer " + "0" * 64})
        self.assertEqual(r.status, 401)
        self.assertEqual(r.json["error"]["message"], "请先登录")

    # ---- declaration ----------------------------------------------------

    def test_declare_in_scope_on_time(self):
        idn = id_number(seq=101)
        r = self.declare(idn=idn)
        self.assertEqual(r.status, 201, r)
        reg = r.json["registration"]
        self.assertRegex(reg["certificate_no"], r"^DJ3701022025\d{7}[0-9X]$")
        self.assertEqual(reg["deadline"], "2025-09-30")   # spec worked example
        self.assertFalse(reg["late"])
        self.assertEqual(r.json["scope"]["reason"], "non_local_hukou")
        self.assertIn("《山东省流动人口服务管理暂行办法》第八条第二款",
                      r.json["scope"]["basis"])
        self.assertEqual(r.json["person"]["sex"], "male")
        # A second active registration for the same person is refused.
        r2 = self.declare(idn=idn)
        self.assertEqual(r2.status, 409)
        self.assertEqual(r2.error_field(), "person.id_number")

    def test_declare_late(self):
        r = self.declare(declared="2025-10-09")
        self.assertEqual(r.status, 201, r)
        self.assertTrue(r.json["registration"]["late"])
        self.assertTrue(r.json["deadline"]["late"])

    def test_out_of_scope_is_told_and_not_stored(self):
        before = self.count("persons")
        # 历下区 hukou living in 历下区 (same unit).
        r = self.declare(hukou="370102")
        self.assertEqual(r.status, 422)
        self.assertEqual(r.error_code(), "not_required")
        self.assertEqual(r.json["scope"]["reason"], "same_unit")
        self.assertIn("《山东省流动人口服务管理暂行办法》第三条第一款", r.json["scope"]["basis"])
        self.assertEqual(self.count("persons"), before)
        # Recorded anyway, with a reason.
        r = self.declare(hukou="370102", override_reason="本人申请开具居住证明")
        self.assertEqual(r.status, 201, r)
        self.assertFalse(r.json["registration"]["in_scope"])
        self.assertEqual(r.json["registration"]["override_reason"], "本人申请开具居住证明")

    def test_exempt_lodging(self):
        r = self.declare(lodging="hotel")
        self.assertEqual(r.status, 422)
        self.assertEqual(r.json["scope"]["exemption"], "hotel")
        self.assertTrue(r.json["scope"]["in_scope"])

    def test_check_stores_nothing(self):
        before = self.count("registrations")
        r = self.s.as_("clerk_a", "POST", "/api/v1/registrations/check",
                       declaration(self.s.grids_a[0], hukou="370124"))
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json["scope"]["reason"], "county_hukou_elsewhere")
        self.assertTrue(r.json["would_store"])
        self.assertEqual(self.count("registrations"), before)

    # ---- lookup, history, changes ---------------------------------------

    def test_lookup_read_change_cancel_history(self):
        idn = id_number("320102", "19850315", 202)
        r = self.declare(idn=idn)
        self.assertEqual(r.status, 201, r)
        pid = r.json["person"]["id"]
        rid = r.json["registration"]["id"]
        # A read needs a reason.
        r = self.s.as_("clerk_a", "GET", "/api/v1/persons", query={"id_number": idn})
        self.assertEqual(r.status, 400)
        self.assertEqual(r.error_code(), "reason_required")
        r = self.s.as_("clerk_a", "GET", "/api/v1/persons",
                       query=dict(REASON, id_number=idn))
        self.assertEqual(r.json["total"], 1)
        self.assertEqual(r.json["items"][0]["id"], pid)
        r = self.s.as_("clerk_a", "GET", "/api/v1/persons",
                       query=dict(REASON, name="测试", per_page="2"))
        self.assertLessEqual(len(r.json["items"]), 2)
        self.assertGreaterEqual(r.json["total"], 1)
        r = self.s.as_("clerk_a", "GET", "/api/v1/persons/%d" % pid, query=REASON)
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json["person"]["id_number"], idn)
        self.assertEqual(r.json["active_registration"]["id"], rid)
        # The read is in the audit trail with its reason. Read audits are
        # queued for the next group commit (milliseconds), so wait for it.
        row = None
        for _ in range(100):
            db = self.s.db()
            row = db.execute("SELECT username, reason, result FROM audit WHERE "
                             "action = 'person:read' AND target = ? "
                             "ORDER BY seq DESC LIMIT 1", ("person:%d" % pid,)).fetchone()
            db.close()
            if row:
                break
            time.sleep(0.01)
        self.assertEqual(row, ("t_clerk_a", REASON["reason"], "ok"))
        # Change of address within 历下区, declared late (moved 09-26,
        # deadline 09-30, declared 10-10).
        r = self.s.as_("clerk_a", "POST", "/api/v1/registrations/%d/address-change" % rid,
                       {"address": {"grid": self.s.grids_a[-1], "road": "泉城路"},
                        "moved_date": "2025-09-26", "declared_date": "2025-10-10",
                        "date_reason": DATE_REASON})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["registration"]["address"]["grid"], self.s.grids_a[-1])
        self.assertTrue(r.json["event"]["late"])
        # Moving to another district is not a change.
        r = self.s.as_("clerk_a", "POST", "/api/v1/registrations/%d/address-change" % rid,
                       {"address": {"grid": self.s.grids_b[0], "road": "纬二路"},
                        "moved_date": "2025-10-01"})
        self.assertEqual(r.status, 422)
        self.assertEqual(r.error_field(), "address.grid")
        # The late change is on clerk A's work list, not on clerk B's.
        wl = self.s.as_("clerk_a", "GET", "/api/v1/worklists/late", query={"per_page": "100"})
        self.assertIn(rid, [i["registration_id"] for i in wl.json["items"]
                            if i["kind"] == "late_address_change"])
        wl = self.s.as_("clerk_b", "GET", "/api/v1/worklists/late", query={"per_page": "100"})
        self.assertNotIn(rid, [i["registration_id"] for i in wl.json["items"]])
        # Cancellation, reported by the landlord.
        r = self.s.as_("clerk_a", "POST", "/api/v1/registrations/%d/cancel" % rid,
                       {"left_date": "2025-11-01", "reporter": "landlord",
                        "reason": "离开本市", "destination": "南京市"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["registration"]["status"], "cancelled")
        r = self.s.as_("clerk_a", "POST", "/api/v1/registrations/%d/cancel" % rid,
                       {"left_date": "2025-11-01", "reporter": "self", "reason": "x"})
        self.assertEqual(r.status, 409)
        r = self.s.as_("clerk_a", "GET", "/api/v1/persons/%d/history" % pid, query=REASON)
        self.assertEqual([e["kind"] for e in r.json["events"]],
                         ["declared", "address_changed", "cancelled"])
        self.assertEqual(r.json["events"][2]["detail"]["reporter"], "landlord")
        # After leaving, the person may register again.
        self.assertEqual(self.declare(idn=idn, arrival="2025-12-01",
                                      declared="2025-12-02").status, 201)

    # ---- role and area boundaries ---------------------------------------

    def denied_count(self, target):
        db = self.s.db()
        n = db.execute("SELECT count(*) FROM audit WHERE result = 'denied' AND target = ?",
                       (target,)).fetchone()[0]
        db.close()
        return n

    def test_station_boundary(self):
        r = self.declare(idn=id_number(seq=303))
        pid, rid = r.json["person"]["id"], r.json["registration"]["id"]
        before = self.denied_count("person:%d" % pid)
        r = self.s.as_("clerk_b", "GET", "/api/v1/persons/%d" % pid, query=REASON)
        self.assertEqual(r.status, 403)
        self.assertEqual(r.error_code(), "out_of_area")
        self.assertEqual(self.denied_count("person:%d" % pid), before + 1)
        r = self.s.as_("clerk_b", "GET", "/api/v1/persons/%d/history" % pid, query=REASON)
        self.assertEqual(r.status, 403)
        r = self.s.as_("clerk_b", "POST", "/api/v1/registrations/%d/cancel" % rid,
                       {"left_date": "2025-11-01", "reporter": "self", "reason": "x"})
        self.assertEqual(r.status, 403)
        self.assertEqual(self.denied_count("registration:%d" % rid), 1)
        db = self.s.db()
        self.assertEqual(db.execute("SELECT status FROM registrations WHERE id = ?",
                                    (rid,)).fetchone()[0], "active")
        db.close()
        # Clerk B cannot register someone into station A's area either.
        r = self.declare("clerk_b", grid=self.s.grids_a[0])
        self.assertEqual(r.status, 403)
        # Search results are limited to the clerk's area.
        r = self.s.as_("clerk_b", "GET", "/api/v1/persons",
                       query=dict(REASON, id_number=r.json and "" or "x"))
        r = self.s.as_("clerk_b", "GET", "/api/v1/persons/%d" % pid, query=REASON)
        self.assertEqual(r.status, 403)

    def test_grid_worker_sees_only_their_grid(self):
        mine = self.declare(idn=id_number(seq=404), grid=self.s.grids_a[0])
        other = self.declare(idn=id_number(seq=405), grid=self.s.grids_a[1])
        r = self.s.as_("grid_a", "GET", "/api/v1/persons/%d" % mine.json["person"]["id"],
                       query=REASON)
        self.assertEqual(r.status, 200)
        r = self.s.as_("grid_a", "GET", "/api/v1/persons/%d" % other.json["person"]["id"],
                       query=REASON)
        self.assertEqual(r.status, 403)
        r = self.declare("grid_a", grid=self.s.grids_a[0])
        self.assertEqual(r.status, 403)
        self.assertEqual(r.error_code(), "forbidden")

    def test_auditor_reads_audit_only(self):
        r = self.s.as_("auditor", "GET", "/api/v1/persons", query=dict(REASON, name="王"))
        self.assertEqual(r.status, 403)
        r = self.s.as_("auditor", "GET", "/api/v1/audit", query={"per_page": "5"})
        self.assertEqual(r.status, 200)
        self.assertEqual(len(r.json["items"]), 5)
        seqs = [e["seq"] for e in r.json["items"]]
        self.assertEqual(seqs, sorted(seqs, reverse=True))
        self.assertEqual(self.s.as_("clerk_a", "GET", "/api/v1/audit").status, 403)
        r = self.s.as_("auditor", "GET", "/api/v1/audit/verify")
        self.assertTrue(r.json["intact"], r)

    # ---- bad input changes nothing --------------------------------------

    def assert_rejected(self, status, code, field, *, body=None, raw=None):
        before = (self.count("persons"), self.count("registrations"))
        r = self.s.call("POST", "/api/v1/registrations", body=body, raw=raw,
                        token=self.s.login("clerk_a"))
        self.assertEqual(r.status, status, r)
        self.assertEqual(r.error_code(), code, r)
        if field is not None:
            self.assertEqual(r.error_field(), field, r)
        self.assertTrue(re.search(r"[\u4e00-\u9fff]", r.json["error"]["message"]))
        self.assertEqual((self.count("persons"), self.count("registrations")), before)

    def test_bad_input(self):
        g = self.s.grids_a[0]
        self.assert_rejected(413, "too_large", None, raw=b"{" + b" " * 70000 + b"}")
        self.assert_rejected(400, "bad_json", None, raw=b'{"person": ')
        self.assert_rejected(400, "bad_json", None, raw=b'{"a": "\xff\xfe"}')
        self.assert_rejected(400, "bad_json", None, raw=b'{"a":1,"a":2}')
        self.assert_rejected(400, "bad_request", None, raw=b"[1,2]")
        body = declaration(g)
        body["colour"] = "red"
        self.assert_rejected(400, "unknown_field", "colour", body=body)
        body = declaration(g)
        body["person"]["nickname"] = "x"
        self.assert_rejected(400, "unknown_field", "person.nickname", body=body)
        body = declaration(g)
        body["person"]["id_number"] = "110105199001010000"
        self.assert_rejected(422, "invalid", "person.id_number", body=body)
        self.assert_rejected(422, "invalid", "arrival_date",
                             body=declaration(g, arrival="2025-02-30"))
        self.assert_rejected(422, "invalid", "declared_date",
                             body=declaration(g, declared="2099-01-01"))
        self.assert_rejected(422, "invalid", "arrival_date",
                             body=declaration(g, arrival="2025-10-01", declared="2025-09-01"))
        self.assert_rejected(422, "invalid", "person.hukou_code",
                             body=declaration(g, hukou="370100"))
        self.assert_rejected(422, "invalid", "person.hukou_code",
                             body=declaration(g, hukou="999999"))
        body = declaration(g)
        body["person"]["ethnicity"] = "99"
        self.assert_rejected(422, "invalid", "person.ethnicity", body=body)
        body = declaration(g)
        del body["reason"]
        self.assert_rejected(422, "invalid", "reason", body=body)
        body = declaration(g)
        body["stay_days"] = "ten"
        self.assert_rejected(400, "bad_request", "stay_days", body=body)
        body = declaration(g)
        body["person"]["phone"] = "12345"
        self.assert_rejected(422, "invalid", "person.phone", body=body)
        body = declaration(g, idn=id_number(seq=111))
        body["person"]["sex"] = "female"  # an odd sequence code: male
        self.assert_rejected(422, "invalid", "person.sex", body=body)
        self.assert_rejected(422, "invalid", "address.grid",
                             body=declaration("370102999999999"))
        body = declaration(g)
        body["person"]["name"] = "张\u0001三"
        self.assert_rejected(422, "invalid", "person.name", body=body)
        # Bad query strings and paths.
        r = self.s.as_("clerk_a", "GET", "/api/v1/persons?name=%ZZ&reason=x")
        self.assertEqual(r.status, 400)
        r = self.s.as_("clerk_a", "GET", "/api/v1/persons/abc", query=REASON)
        self.assertEqual(r.status, 404)
        r = self.s.as_("clerk_a", "GET", "/api/v1/persons/999999999", query=REASON)
        self.assertEqual(r.status, 404)
        r = self.s.as_("clerk_a", "GET", "/api/v1/worklists/late", query={"from": "2025-13-01"})
        self.assertEqual((r.status, r.error_field()), (422, "from"))

class AuditChain(unittest.TestCase):
    """Tampering needs a database of its own."""

    @classmethod
    def setUpClass(cls):
        cls.s = Server(people=20)

    @classmethod
    def tearDownClass(cls):
        cls.s.close()

    def declare(self, **kw):
        return self.s.as_("clerk_a", "POST", "/api/v1/registrations",
                          declaration(self.s.grids_a[0], **kw))


    def test_audit_verify_cli_detects_tampering(self):
        self.declare(idn=id_number(seq=505))
        p = run("audit", "verify", "--data", self.s.data)
        self.assertTrue(json.loads(p.stdout)["intact"])
        db = self.s.db()
        seq, reason = db.execute("SELECT seq, reason FROM audit ORDER BY seq LIMIT 1 OFFSET 2"
                                 ).fetchone()
        db.execute("UPDATE audit SET reason = 'tampered' WHERE seq = ?", (seq,))
        db.commit()
        p = run("audit", "verify", "--data", self.s.data, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(json.loads(p.stdout)["first_bad_seq"], seq)
        db.execute("UPDATE audit SET reason = ? WHERE seq = ?", (reason, seq))
        db.commit()
        db.execute("DELETE FROM audit WHERE seq = ?", (seq,))
        db.commit()
        db.close()
        p = run("audit", "verify", "--data", self.s.data, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(json.loads(p.stdout)["first_bad_seq"], seq)




class DurableReadAudit(unittest.TestCase):
    """--read-audit durable: a read is answered only once its audit entry
    is committed, so the entry is there the moment the answer arrives."""

    def test_entry_exists_when_answered(self):
        s = Server(people=10, extra_args=["--read-audit", "durable"])
        try:
            r = s.as_("clerk_a", "POST", "/api/v1/registrations",
                      declaration(s.grids_a[0]))
            pid = r.json["person"]["id"]
            for i in range(20):
                reason = "核对-%d" % i
                r = s.as_("clerk_a", "GET", "/api/v1/persons/%d" % pid,
                          query={"reason": reason})
                self.assertEqual(r.status, 200)
                db = s.db()
                n = db.execute("SELECT count(*) FROM audit WHERE reason = ?",
                               (reason,)).fetchone()[0]
                db.close()
                self.assertEqual(n, 1)
        finally:
            s.close()


if __name__ == "__main__":
    unittest.main()
