"""End-to-end tests of the residents' API: sign-in with a one-time code
(the demo notifier and the real webhook notifier), their own record,
online declaration, permit application and endorsement, and what a
resident must not reach.

And the attacks on the sign-in (issue 12), each reproduced: a code sent to
whatever phone the caller names for a record without a phone; an ID number
not on record claimed by anyone with a phone; demo mode on a real
database; concurrent guesses checked against a stale count; a stored
digest that reveals the code; no way to log out."""
import datetime
import hashlib
import hmac
import http.server
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
import unittest

from harness import BINARY, DATE_REASON, Server, declaration, free_port, id_number, run, take_photo

IDN = id_number("110105", "19900101", 123)
PHONE = "13912345678"
OTP = "/api/v1/resident/otp"
LOGIN = "/api/v1/resident/login"
ME = "/api/v1/resident/me"
DECLARE = "/api/v1/resident/registrations"


class Gateway(http.server.BaseHTTPRequestHandler):
    """A stand-in SMS gateway on loopback: records what it is sent."""
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Gateway.received.append(json.loads(body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def online_body(grid, arrival=None, **extra):
    """A resident's declaration body (no ID number, phone or date)."""
    arrival = arrival or (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
    body = declaration(grid, arrival=arrival, **extra)
    del body["person"]["id_number"], body["person"]["phone"], body["declared_date"]
    body.pop("date_reason", None)
    return body


def masked(idn):
    return idn[:6] + "********" + idn[-4:]


class ResidentCase(unittest.TestCase):
    """A server of its own per class: the code requests of one address are
    limited (20 in 15 minutes), so each class keeps within that."""
    people = 20

    @classmethod
    def setUpClass(cls):
        cls.s = Server(people=cls.people, extra_args=["--sms", "demo"])

    @classmethod
    def tearDownClass(cls):
        cls.s.close()

    def otp(self, idn, phone):
        r = self.s.call("POST", OTP, {"id_number": idn, "phone": phone})
        self.assertEqual(r.status, 200, r)
        return r.json

    def sign_in(self, idn=IDN, phone=PHONE):
        code = self.otp(idn, phone)["demo_code"]
        r = self.s.call("POST", LOGIN, {"id_number": idn, "phone": phone, "code": code})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["resident"]["phone_masked"], phone[:3] + "****" + phone[7:])
        return r.json["token"]

    def register(self, idn, phone="13800000000", grid=None, **extra):
        """A person on record, registered at clerk_a's counter."""
        body = declaration(grid or self.s.grids_a[0], idn=idn, **extra)
        if phone is None:
            del body["person"]["phone"]
        else:
            body["person"]["phone"] = phone
        r = self.s.as_("clerk_a", "POST", "/api/v1/registrations", body)
        self.assertEqual(r.status, 201, r)
        return r.json

    def pending(self, label="clerk_a", **query):
        r = self.s.as_(label, "GET", "/api/v1/declarations",
                       query=dict({"status": "pending"}, **query))
        self.assertEqual(r.status, 200, r)
        return r.json


class Resident(ResidentCase):
    def test_sign_in_declare_apply(self):
        # A wrong code first, then the right one.
        r = self.s.call("POST", OTP, {"id_number": IDN, "phone": PHONE})
        code = r.json["demo_code"]
        # The notifier writes the log line on its own thread, after answering.
        for _ in range(100):
            if code in self.s.log():
                break
            time.sleep(0.01)
        self.assertIn("【演示】", self.s.log())
        self.assertIn(code, self.s.log())
        r = self.s.call("POST", LOGIN,
                        {"id_number": IDN, "phone": PHONE,
                         "code": "%06d" % ((int(code) + 1) % 1000000)})
        self.assertEqual((r.status, r.error_field()), (401, "code"))
        r = self.s.call("POST", LOGIN, {"id_number": IDN, "phone": PHONE, "code": code})
        self.assertEqual(r.status, 200, r)
        token = r.json["token"]
        # The code works once.
        r = self.s.call("POST", LOGIN, {"id_number": IDN, "phone": PHONE, "code": code})
        self.assertEqual(r.status, 401)

        # The ID number is not on record: an unverified session.
        me = self.s.call("GET", ME, token=token)
        self.assertEqual(me.status, 200, me)
        self.assertIsNone(me.json["person"])
        self.assertFalse(me.json["verified"])
        self.assertEqual(me.json["declarations"], [])
        self.assertEqual(me.json["entitlements"], [])

        # Online declaration (today's date), anywhere in Jinan: it waits for
        # the station to check who this is; nothing is on record yet.
        body = online_body(self.s.grids_b[0])
        r = self.s.call("POST", DECLARE, body, token=token)
        self.assertEqual(r.status, 202, r)
        decl = r.json["declaration"]
        self.assertEqual((decl["status"], decl["id_number"], decl["phone"]),
                         ("pending", IDN, PHONE))
        self.assertEqual(decl["submitted_date"], datetime.date.today().isoformat())
        self.assertFalse(decl["late"])
        self.assertIn("派出所", r.json["notice"])
        db = self.s.db()
        self.assertEqual(db.execute("SELECT count(*) FROM persons WHERE id_number = ?",
                                    (IDN,)).fetchone()[0], 0)
        db.close()
        me = self.s.call("GET", ME, token=token).json
        self.assertEqual([d["status"] for d in me["declarations"]], ["pending"])
        self.assertEqual(me["registrations"], [])
        # One pending declaration at a time.
        r = self.s.call("POST", DECLARE, body, token=token)
        self.assertEqual(r.status, 409, r)
        # An unverified session applies and endorses nothing.
        r = self.s.call("POST", "/api/v1/resident/permits", {"basis": "employment"},
                        token=token)
        self.assertEqual(r.status, 403, r)
        r = self.s.call("POST", "/api/v1/resident/permits/endorse", {}, token=token)
        self.assertEqual(r.status, 403, r)

        # The station of that grid confirms it at the counter.
        items = self.pending("clerk_b")["items"]
        mine = [d for d in items if d["id"] == decl["id"]]
        self.assertEqual(len(mine), 1)
        self.assertEqual(mine[0]["person"]["name"], "测试人员")
        r = self.s.as_("clerk_b", "POST", "/api/v1/declarations/%d/confirm" % decl["id"],
                       {"verified_by": "counter"})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json["person"]["id_number"], IDN)
        self.assertEqual(r.json["person"]["phone"], PHONE)
        self.assertFalse(r.json["registration"]["late"])
        self.assertEqual(r.json["registration"]["declared_date"], decl["submitted_date"])
        self.assertEqual(r.json["declaration"]["status"], "confirmed")

        # The session is verified now: the record, and what it entitles to.
        me = self.s.call("GET", ME, token=token)
        self.assertEqual(me.status, 200, me)
        self.assertTrue(me.json["verified"])
        self.assertEqual(len(me.json["registrations"]), 1)
        self.assertEqual(me.json["declarations"][0]["status"], "confirmed")
        self.assertEqual(me.json["declarations"][0]["certificate_no"],
                         r.json["registration"]["certificate_no"])
        self.assertIn("legal_aid", [e["code"] for e in me.json["entitlements"]])

        # Too early for a permit: told when.
        r = self.s.call("POST", "/api/v1/resident/permits", {"basis": "employment"},
                        token=token)
        self.assertEqual(r.status, 422, r)
        self.assertEqual(r.json["error"]["code"], "not_eligible")
        r = self.s.call("POST", "/api/v1/resident/permits/endorse", {}, token=token)
        self.assertEqual(r.status, 422)

        # A resident reaches nothing of the staff's.
        self.assertEqual(self.s.call("GET", "/api/v1/persons", token=token,
                                     query={"name": "王", "reason": "x"}).status, 401)
        self.assertEqual(self.s.call("GET", "/api/v1/stats/overview",
                                     token=token).status, 401)
        self.assertEqual(self.s.call("GET", "/api/v1/declarations",
                                     token=token).status, 401)
        # Nor can a staff token act as a resident.
        self.assertEqual(self.s.as_("clerk_a", "GET", ME).status, 401)

    def test_resident_on_record_declares_at_once(self):
        # A person on record whose registration was cancelled signs in with
        # the phone on record: their declaration is active at once.
        idn = id_number("130102", "19860606", 131)
        reg = self.register(idn, phone="13800000131")
        r = self.s.as_("clerk_a", "POST", "/api/v1/registrations/%d/cancel"
                       % reg["registration"]["id"],
                       {"left_date": datetime.date.today().isoformat(),
                        "reporter": "self", "reason": "离开"})
        self.assertEqual(r.status, 200, r)
        token = self.sign_in(idn, "13800000131")
        self.assertTrue(self.s.call("GET", ME, token=token).json["verified"])
        r = self.s.call("POST", DECLARE, online_body(self.s.grids_b[0], hukou="130102"),
                        token=token)
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json["registration"]["status"], "active")

    def test_resident_with_a_permit_sees_it(self):
        idn = id_number("320102", "19850505", 125)
        reg = self.s.as_("clerk_a", "POST", "/api/v1/registrations", declaration(
            self.s.grids_a[0], idn=idn, arrival="2024-01-01", declared="2024-01-02"))
        person = reg.json["person"]["id"]
        today = datetime.date.today()
        day = lambda n: (today - datetime.timedelta(days=n)).isoformat()
        pid = self.s.as_("clerk_a", "POST", "/api/v1/persons/%d/permits" % person, {
            "basis": "housing", "date_reason": DATE_REASON, "applied_date": day(40),
            "materials": {"id_card": True, "photo": True, "residence_proof": True}
        }).json["permit"]["id"]
        self.s.as_("clerk_a", "POST", "/api/v1/permits/%d/accept" % pid,
                   {"date_reason": DATE_REASON, "accepted_date": day(40)})
        take_photo(self.s, "clerk_a", person)
        self.s.as_("clerk_a", "POST", "/api/v1/permits/%d/issue" % pid,
                   {"date_reason": DATE_REASON, "issued_date": day(35)})
        token = self.sign_in(idn, "13800000000")   # the phone on record
        me = self.s.call("GET", ME, token=token).json
        self.assertEqual(me["permit_state"]["state"]["code"], "valid")
        self.assertTrue(me["electronic"]["payload"].startswith("LDP1|"))
        v = self.s.call("GET", "/verify", query={"c": me["electronic"]["payload"]}).json
        self.assertTrue(v["valid"])
        # Someone else's phone gets no code for this person (and is not told).
        r = self.s.call("POST", OTP, {"id_number": idn, "phone": "13700000000"})
        self.assertEqual(r.status, 200)
        self.assertNotIn("demo_code", r.json)

    def test_bad_input_and_flooding(self):
        for body, field in (({"id_number": "123", "phone": PHONE}, "id_number"),
                            ({"id_number": IDN, "phone": "12345"}, "phone")):
            r = self.s.call("POST", OTP, body)
            self.assertEqual((r.status, r.error_field()), (422, field), r)
        idn = id_number("110105", "19800101", 127)
        r1 = self.s.call("POST", OTP, {"id_number": idn, "phone": "13600000001"})
        r2 = self.s.call("POST", OTP, {"id_number": idn, "phone": "13600000001"})
        self.assertEqual((r1.status, r2.status), (200, 429))

    def test_logout(self):
        token = self.sign_in(id_number("110105", "19910303", 141), "13600000141")
        self.assertEqual(self.s.call("GET", ME, token=token).status, 200)
        r = self.s.call("POST", "/api/v1/resident/logout", token=token)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.s.call("GET", ME, token=token).status, 401)
        self.assertEqual(self.s.call("POST", "/api/v1/resident/logout",
                                     token=token).status, 401)
        # A staff token is no resident's.
        self.assertEqual(self.s.as_("clerk_a", "POST", "/api/v1/resident/logout").status,
                         401)


class TakeOver(ResidentCase):
    """A code only ever goes to the phone on record."""

    def test_record_without_phone_cannot_be_taken_over(self):
        victim = id_number("320102", "19870707", 151)
        self.register(victim, phone=None)
        # The attacker names their own phone: no code is sent to it.
        r = self.otp(victim, "13600000151")
        self.assertNotIn("demo_code", r)
        for _ in range(20):   # the notifier would have written it by now
            time.sleep(0.01)
        self.assertNotIn("to ***0151", self.s.log())
        # No code that was never sent can open a session.
        r = self.s.call("POST", LOGIN, {"id_number": victim, "phone": "13600000151",
                                        "code": "000000"})
        self.assertEqual(r.status, 401)

    def test_answer_does_not_tell_whether_the_id_number_exists(self):
        no_phone = id_number("320102", "19870707", 153)
        other_phone = id_number("320102", "19870707", 155)
        unknown = id_number("320102", "19870707", 157)
        self.register(no_phone, phone=None)
        self.register(other_phone, phone="13800000155")
        answers = [self.s.call("POST", OTP, {"id_number": idn, "phone": "13600000153"})
                   for idn in (no_phone, other_phone, unknown)]
        self.assertEqual([a.status for a in answers], [200, 200, 200])
        # Identical but for the demo's own key, which only a demo database has.
        bodies = [{k: v for k, v in a.json.items() if k != "demo_code"} for a in answers]
        self.assertEqual(bodies[0], bodies[1])
        self.assertEqual(bodies[0], bodies[2])
        self.assertEqual(set(bodies[0]), {"sent", "expires_in", "notice"})
        self.assertIn("派出所", bodies[0]["notice"])
        self.assertIn("手机号码", bodies[0]["notice"])
        self.assertNotIn("demo_code", answers[0].json)
        self.assertNotIn("demo_code", answers[1].json)
        self.assertIn("demo_code", answers[2].json)
        # A second request within the minute is refused alike in all cases.
        again = [self.s.call("POST", OTP, {"id_number": idn, "phone": "13600000153"})
                 for idn in (no_phone, other_phone, unknown)]
        self.assertEqual([a.status for a in again], [429, 429, 429])

    def test_verified_session_ends_when_the_phone_on_record_changes(self):
        idn = id_number("320102", "19880808", 161)
        reg = self.register(idn, phone="13800000161")
        token = self.sign_in(idn, "13800000161")
        self.assertEqual(self.s.call("GET", ME, token=token).status, 200)
        # Moved away and registered again with another phone.
        r = self.s.as_("clerk_a", "POST", "/api/v1/registrations/%d/cancel"
                       % reg["registration"]["id"],
                       {"left_date": datetime.date.today().isoformat(),
                        "reporter": "self", "reason": "迁出"})
        self.assertEqual(r.status, 200, r)
        self.register(idn, phone="13800000162")
        self.assertEqual(self.s.call("GET", ME, token=token).status, 401)


class Squatting(ResidentCase):
    """An ID number not on record cannot be claimed by anyone with a phone."""

    def test_unknown_id_number_waits_for_the_station(self):
        owner_idn = id_number("410102", "19920202", 171)
        squatter = self.sign_in(owner_idn, "13600000171")
        r = self.s.call("POST", DECLARE, online_body(self.s.grids_a[0], hukou="410102"),
                        token=squatter)
        self.assertEqual(r.status, 202, r)
        squat = r.json["declaration"]
        # Nothing is on record: no person, no registration, no bound phone.
        db = self.s.db()
        self.assertEqual(db.execute("SELECT count(*) FROM persons WHERE id_number = ?",
                                    (owner_idn,)).fetchone()[0], 0)
        db.close()
        self.assertFalse(self.s.call("GET", ME, token=squatter).json["verified"])

        # The real owner signs in too (the ID number is still not on record).
        owner = self.sign_in(owner_idn, "13600000172")
        body = online_body(self.s.grids_a[0], hukou="410102")
        body["person"]["name"] = "真实本人"
        r = self.s.call("POST", DECLARE, body, token=owner)
        self.assertEqual(r.status, 202, r)
        real = r.json["declaration"]
        # Each sees only their own declaration.
        mine = self.s.call("GET", ME, token=owner).json["declarations"]
        self.assertEqual([d["id"] for d in mine], [real["id"]])
        theirs = self.s.call("GET", ME, token=squatter).json["declarations"]
        self.assertEqual([d["id"] for d in theirs], [squat["id"]])

        # The station sees both, checks the ID card and confirms the owner's.
        ids = [d["id"] for d in self.pending()["items"]]
        self.assertIn(squat["id"], ids)
        self.assertIn(real["id"], ids)
        r = self.s.as_("clerk_a", "POST", "/api/v1/declarations/%d/confirm" % real["id"],
                       {"verified_by": "counter", "note": "核验身份证原件"})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json["declaration"]["superseded"], 1)
        self.assertEqual(r.json["person"]["phone"], "13600000172")
        # The owner's session is verified; the squatter's is over.
        me = self.s.call("GET", ME, token=owner)
        self.assertEqual(me.status, 200)
        self.assertTrue(me.json["verified"])
        self.assertEqual(me.json["person"]["name"], "真实本人")
        self.assertEqual(self.s.call("GET", ME, token=squatter).status, 401)
        db = self.s.db()
        self.assertEqual(db.execute("SELECT status FROM declarations WHERE id = ?",
                                    (squat["id"],)).fetchone()[0], "superseded")
        db.close()
        # And the squatter cannot start again: the code goes to the owner's phone.
        r = self.otp(owner_idn, "13600000173")
        self.assertNotIn("demo_code", r)

    def test_unverified_session_with_another_phone_ends_when_registered(self):
        idn = id_number("410102", "19930303", 175)
        token = self.sign_in(idn, "13600000175")
        r = self.s.call("POST", DECLARE, online_body(self.s.grids_a[0], hukou="410102"),
                        token=token)
        self.assertEqual(r.status, 202, r)
        self.register(idn, phone="13800000175")     # at the counter, another phone
        self.assertEqual(self.s.call("GET", ME, token=token).status, 401)
        # The claim waiting online is answered by that registration.
        db = self.s.db()
        self.assertEqual(db.execute("SELECT status FROM declarations WHERE id = ?",
                                    (r.json["declaration"]["id"],)).fetchone()[0],
                         "superseded")
        db.close()

    def test_unverified_session_with_the_same_phone_becomes_verified(self):
        idn = id_number("410102", "19940404", 177)
        token = self.sign_in(idn, "13600000177")
        self.assertFalse(self.s.call("GET", ME, token=token).json["verified"])
        self.register(idn, phone="13600000177")
        me = self.s.call("GET", ME, token=token)
        self.assertEqual(me.status, 200)
        self.assertTrue(me.json["verified"])
        self.assertEqual(len(me.json["registrations"]), 1)


class Declarations(ResidentCase):
    """The station's work list of pending declarations, confirm and reject."""

    def declare(self, idn, phone, grid, **extra):
        token = self.sign_in(idn, phone)
        r = self.s.call("POST", DECLARE, online_body(grid, **extra), token=token)
        self.assertEqual(r.status, 202, r)
        return token, r.json["declaration"]

    def test_work_list_by_area_audited(self):
        idn = id_number("510102", "19900505", 181)
        _, d = self.declare(idn, "13600000181", self.s.grids_a[0], hukou="510102")
        in_list = lambda label, **q: d["id"] in [x["id"] for x in self.pending(label, **q)["items"]]
        self.assertTrue(in_list("clerk_a"))
        self.assertTrue(in_list("admin"))
        self.assertTrue(in_list("grid_a"))
        self.assertFalse(in_list("clerk_b"))
        # Grid workers see the ID number and phone masked.
        item = [x for x in self.pending("grid_a")["items"] if x["id"] == d["id"]][0]
        self.assertEqual(item["id_number"], masked(idn))
        self.assertNotIn("13600000181", json.dumps(item))
        full = [x for x in self.pending("clerk_a")["items"] if x["id"] == d["id"]][0]
        self.assertEqual(full["id_number"], idn)
        # Paged like the other lists; unknown filters are refused.
        page = self.pending("clerk_a", per_page=1)
        self.assertEqual((page["page"], page["per_page"], len(page["items"])), (1, 1, 1))
        r = self.s.as_("clerk_a", "GET", "/api/v1/declarations", query={"status": "open"})
        self.assertEqual((r.status, r.error_field()), (422, "status"))
        self.assertEqual(self.s.as_("auditor", "GET", "/api/v1/declarations").status, 403)
        # Audited with its purpose: the route's own, or the one given.
        self.pending("clerk_a", reason="核对申报人信息")
        # The entry of a read is committed with the writer's next batch.
        for _ in range(200):
            db = self.s.db()
            reasons = [row[0] for row in db.execute(
                "SELECT reason FROM audit WHERE action = 'declaration:list' AND "
                "username = ?", (self.s.accounts["clerk_a"][0],))]
            db.close()
            if "核对申报人信息" in reasons:
                break
            time.sleep(0.05)
        self.assertIn("核验网上申报", reasons)
        self.assertIn("核对申报人信息", reasons)

    def test_confirm_and_reject_rules(self):
        idn = id_number("510102", "19910606", 183)
        token, d = self.declare(idn, "13600000183", self.s.grids_a[0], hukou="510102")
        path = "/api/v1/declarations/%d/" % d["id"]
        # Out of area: refused and audited.
        r = self.s.as_("clerk_b", "POST", path + "confirm", {"verified_by": "counter"})
        self.assertEqual((r.status, r.error_code()), (403, "out_of_area"), r)
        r = self.s.as_("clerk_b", "POST", path + "reject", {"reason": "x"})
        self.assertEqual(r.status, 403, r)
        db = self.s.db()
        self.assertGreaterEqual(db.execute(
            "SELECT count(*) FROM audit WHERE target = ? AND result = 'denied'",
            ("declaration:%d" % d["id"],)).fetchone()[0], 2)
        db.close()
        # A grid worker confirms after a visit, not at a counter.
        r = self.s.as_("grid_a", "POST", path + "confirm", {"verified_by": "counter"})
        self.assertEqual((r.status, r.error_field()), (422, "verified_by"))
        r = self.s.as_("clerk_a", "POST", path + "confirm", {"verified_by": "phone"})
        self.assertEqual((r.status, r.error_field()), (422, "verified_by"))
        r = self.s.as_("clerk_a", "POST", path + "reject", {"reason": "  "})
        self.assertEqual((r.status, r.error_field()), (422, "reason"))
        # Rejected, with the reason the resident reads.
        r = self.s.as_("clerk_a", "POST", path + "reject",
                       {"reason": "身份证件与申报信息不符"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["declaration"]["status"], "rejected")
        me = self.s.call("GET", ME, token=token).json
        self.assertEqual(me["declarations"][0]["status"], "rejected")
        self.assertEqual(me["declarations"][0]["reject_reason"], "身份证件与申报信息不符")
        self.assertFalse(me["verified"])
        # No longer pending: both refuse.
        self.assertEqual(self.s.as_("clerk_a", "POST", path + "confirm",
                                    {"verified_by": "counter"}).status, 409)
        self.assertEqual(self.s.as_("clerk_a", "POST", path + "reject",
                                    {"reason": "again"}).status, 409)
        self.assertEqual(self.s.as_("clerk_a", "POST", "/api/v1/declarations/999999/reject",
                                    {"reason": "x"}).status, 404)
        # After a rejection the resident may declare again; the grid worker
        # confirms this one on a visit.
        r = self.s.call("POST", DECLARE, online_body(self.s.grids_a[0], hukou="510102"),
                        token=token)
        self.assertEqual(r.status, 202, r)
        again = r.json["declaration"]["id"]
        r = self.s.as_("grid_a", "POST", "/api/v1/declarations/%d/confirm" % again,
                       {"verified_by": "visit"})
        self.assertEqual(r.status, 201, r)
        db = self.s.db()
        row = db.execute("SELECT status, verified_by, registration_id, decided_by FROM "
                         "declarations WHERE id = ?", (again,)).fetchone()
        self.assertEqual(row[:2], ("confirmed", "visit"))
        self.assertEqual(row[2], r.json["registration"]["id"])
        actions = [a for (a,) in db.execute(
            "SELECT action FROM audit WHERE target = ?", ("declaration:%d" % again,))]
        db.close()
        self.assertIn("declaration:confirm", actions)
        self.assertIn("declaration:submit", actions)

    def test_lateness_is_judged_on_the_day_declared_online(self):
        idn = id_number("510102", "19920707", 185)
        _, d = self.declare(idn, "13600000185", self.s.grids_a[0], hukou="510102")
        # As if it had been declared online on 2025-09-29, three days after
        # arriving (the deadline is 2025-09-30), and confirmed only today.
        db = self.s.db()
        db.execute("UPDATE declarations SET arrival_date = '2025-09-26', "
                   "submitted_date = '2025-09-29' WHERE id = ?", (d["id"],))
        db.commit()
        db.close()
        r = self.s.as_("clerk_a", "POST", "/api/v1/declarations/%d/confirm" % d["id"],
                       {"verified_by": "counter"})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json["registration"]["declared_date"], "2025-09-29")
        self.assertEqual(r.json["registration"]["deadline"], "2025-09-30")
        self.assertFalse(r.json["registration"]["late"])


class Guessing(ResidentCase):
    """Five wrong codes mean five, whatever the concurrency."""

    def test_concurrent_guesses_are_counted_before_they_are_checked(self):
        idn = id_number("610102", "19900909", 191)
        code = self.otp(idn, PHONE)["demo_code"]
        wrong = ["%06d" % ((int(code) + k) % 1000000) for k in range(1, 61)]
        start = threading.Barrier(len(wrong))
        answers = []

        def guess(c):
            start.wait()
            # Each guess on its own connection (Server.call opens one).
            answers.append(self.s.call("POST", LOGIN, {"id_number": idn, "phone": PHONE,
                                                       "code": c}).status)

        threads = [threading.Thread(target=guess, args=(c,)) for c in wrong]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(sorted(set(answers)), [401])
        # The right code now: the code is void.
        r = self.s.call("POST", LOGIN, {"id_number": idn, "phone": PHONE, "code": code})
        self.assertEqual(r.status, 401, r)
        # At most five guesses were compared with the code.
        db = self.s.db()
        attempts = db.execute("SELECT attempts FROM resident_codes WHERE id_number = ?",
                              (idn,)).fetchone()[0]
        details = [d for (d,) in db.execute(
            "SELECT detail FROM audit WHERE action = 'resident:login' AND target = ?",
            ("resident:" + masked(idn),))]
        db.close()
        self.assertLessEqual(attempts, 5)
        self.assertEqual(len(details), 61)
        checked = [d for d in details if '"checked":true' in d]
        self.assertLessEqual(len(checked), 5)
        self.assertEqual(len(checked), attempts)


class StoredDigest(ResidentCase):
    """The database alone does not reveal a live code."""

    def test_no_unkeyed_digest_matches(self):
        idn = id_number("610102", "19911010", 193)
        code = self.otp(idn, PHONE)["demo_code"]
        db = self.s.db()
        stored = db.execute("SELECT code_hash FROM resident_codes WHERE id_number = ? "
                            "AND phone = ?", (idn, PHONE)).fetchone()[0]
        db.close()
        # Every one of the 10^6 codes under the old construction, SM3 of
        # "code|ID number|phone": none gives the stored digest.
        target = bytes.fromhex(stored)
        suffix = ("|%s|%s" % (idn, PHONE)).encode()
        matches = [c for c in range(1000000)
                   if hashlib.new("sm3", b"%06d" % c + suffix).digest() == target]
        self.assertEqual(matches, [])
        # It is HMAC-SM3 under the secret kept outside the database.
        path = os.path.join(self.s.data, "keys", "otp.secret")
        self.assertEqual(os.stat(path).st_mode & 0o777, 0o600)
        with open(path, "rb") as f:
            secret = f.read()
        self.assertEqual(len(secret), 32)
        self.assertEqual(stored, hmac.new(secret, ("%s|%s|%s" % (code, idn, PHONE)).encode(),
                                          "sm3").hexdigest())
        # And it works as a code should.
        r = self.s.call("POST", LOGIN, {"id_number": idn, "phone": PHONE, "code": code})
        self.assertEqual(r.status, 200, r)


class DemoMode(unittest.TestCase):
    """Demo mode (codes on the page) only for a database made by `liudong demo`."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="liudong-e2e-real-")
        self.data = os.path.join(self.dir, "data")
        # Not a demo: an account added to an empty directory makes the database.
        run("user", "add", "admin1", "--role", "admin", "--data", self.data)
        self.procs = []

    def tearDown(self):
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
                p.wait(timeout=20)
        shutil.rmtree(self.dir, ignore_errors=True)

    def serve(self, *args):
        port = free_port()
        log = open(os.path.join(self.dir, "server-%d.log" % port), "w+b")
        p = subprocess.Popen([BINARY, "serve", "--listen", "127.0.0.1:%d" % port,
                              "--data", self.data, "--access-log", "off", "--web", "off",
                              *args], stdout=log, stderr=log)
        self.procs.append(p)
        return p, port, log

    def test_real_database_needs_a_gateway(self):
        for args in ((), ("--sms", "demo")):
            p, port, log = self.serve(*args)
            try:
                code = p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.fail("serve %s started on a real database" % (args,))
            log.seek(0)
            text = log.read().decode("utf-8", "replace")
            self.assertNotEqual(code, 0, text)
            self.assertNotIn("Sanitizer", text)
            self.assertIn("--sms", text)
            self.assertIn("未配置短信网关", text)
        # With a gateway it starts.
        p, port, log = self.serve("--sms", "http://127.0.0.1:9/sms")
        import http.client
        for _ in range(200):
            self.assertIsNone(p.poll(), "server exited")
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                c.request("GET", "/healthz")
                if c.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.05)
        else:
            self.fail("server did not start")
        p.terminate()
        self.assertEqual(p.wait(timeout=20), 0)

    def test_demo_database_is_marked(self):
        data = os.path.join(self.dir, "demo")
        run("demo", "--data", data, "--people", "5")
        import sqlite3
        db = sqlite3.connect(os.path.join(data, "liudong.db"))
        self.assertEqual(db.execute("SELECT value FROM settings WHERE key = 'demo'")
                         .fetchone(), ("1",))
        db.close()
        db = sqlite3.connect(os.path.join(self.data, "liudong.db"))
        self.assertIsNone(db.execute("SELECT value FROM settings WHERE key = 'demo'")
                          .fetchone())
        db.close()


class Webhook(unittest.TestCase):
    def test_codes_go_to_the_gateway(self):
        port = free_port()
        gw = http.server.HTTPServer(("127.0.0.1", port), Gateway)
        threading.Thread(target=gw.serve_forever, daemon=True).start()
        s = Server(people=5, extra_args=["--sms", "http://127.0.0.1:%d/sms" % port])
        try:
            r = s.call("POST", OTP, {"id_number": IDN, "phone": PHONE})
            self.assertEqual(r.status, 200, r)
            self.assertNotIn("demo_code", r.json)   # never outside the demo
            for _ in range(100):
                if Gateway.received:
                    break
                threading.Event().wait(0.05)
            self.assertEqual(Gateway.received[0]["phone"], PHONE)
            code = Gateway.received[0]["text"].split("验证码为 ")[1][:6]
            r = s.call("POST", LOGIN, {"id_number": IDN, "phone": PHONE, "code": code})
            self.assertEqual(r.status, 200, r)
            # A record with another phone: the gateway is sent nothing.
            idn = id_number("320102", "19890909", 197)
            reg = s.as_("clerk_a", "POST", "/api/v1/registrations",
                        declaration(s.grids_a[0], idn=idn))
            self.assertEqual(reg.status, 201, reg)
            before = len(Gateway.received)
            r = s.call("POST", OTP, {"id_number": idn, "phone": "13600000197"})
            self.assertEqual(r.status, 200, r)
            r = s.call("POST", OTP, {"id_number": idn, "phone": "13800000000"})
            self.assertEqual(r.status, 200, r)
            for _ in range(100):
                if len(Gateway.received) > before:
                    break
                threading.Event().wait(0.05)
            self.assertEqual([m["phone"] for m in Gateway.received[before:]],
                             ["13800000000"])
        finally:
            s.close()
            gw.shutdown()


if __name__ == "__main__":
    unittest.main()
