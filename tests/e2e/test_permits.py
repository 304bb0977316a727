"""End-to-end tests of residence permits (居住证), with fixed dates: the
whole life of a permit, and verification of the electronic permit through
the public endpoint and the offline command."""
import base64
import datetime
import json
import os
import subprocess
import tempfile
import unittest
import urllib.parse

from harness import DATE_REASON, Server, declaration, id_number, run, take_photo

R = {"reason": "办理居住证"}


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class PermitLife(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = Server(people=30)

    @classmethod
    def tearDownClass(cls):
        cls.s.close()

    def post(self, path, body):
        return self.s.as_("clerk_a", "POST", path, body)

    def get(self, path, **query):
        return self.s.as_("clerk_a", "GET", path, query=dict(R, **query))

    def state_on(self, pid, day):
        r = self.get("/api/v1/permits/%d" % pid, on=day)
        self.assertEqual(r.status, 200, r)
        return r.json["state"]

    def entitlements_on(self, person, day):
        r = self.get("/api/v1/persons/%d/entitlements" % person, on=day)
        self.assertEqual(r.status, 200, r)
        return [e["code"] for e in r.json["entitlements"]]

    def test_whole_life(self):
        reg = self.post("/api/v1/registrations", declaration(
            self.s.grids_a[0], idn=id_number("320102", "19880506", 31),
            arrival="2023-01-10", declared="2023-01-12"))
        self.assertEqual(reg.status, 201, reg)
        person = reg.json["person"]["id"]
        apply = "/api/v1/persons/%d/permits" % person

        # Too early: half a year from 2023-01-12 is 2023-07-12 (民法典 第二百零二条).
        r = self.post(apply, {"basis": "employment", "date_reason": DATE_REASON, "applied_date": "2023-06-01"})
        self.assertEqual(r.status, 422, r)
        self.assertEqual(r.json["error"]["code"], "not_eligible")
        self.assertEqual(r.json["decision"]["eligible_from"], "2023-07-12")
        self.assertIn("《居住证暂行条例》第二条", r.json["decision"]["basis"])

        # Application with two materials missing: both named at once.
        r = self.post(apply, {"basis": "employment", "date_reason": DATE_REASON, "applied_date": "2023-08-01",
                              "materials": {"id_card": True, "photo": True}})
        self.assertEqual(r.status, 201, r)
        pid = r.json["permit"]["id"]
        self.assertEqual(r.json["permit"]["status"], "applied")
        self.assertEqual(r.json["permit"]["fee"], 0)
        self.assertEqual([m["code"] for m in r.json["missing_materials"]],
                         ["residence_proof", "basis_proof"])
        # One person, one permit.
        r = self.post(apply, {"basis": "housing", "date_reason": DATE_REASON, "applied_date": "2023-08-02"})
        self.assertEqual(r.status, 409, r)

        r = self.post("/api/v1/permits/%d/accept" % pid, {"date_reason": DATE_REASON, "accepted_date": "2023-08-01"})
        self.assertEqual(r.status, 422, r)
        self.assertEqual(r.json["error"]["code"], "missing_materials")
        self.assertEqual(len(r.json["missing_materials"]), 2)
        r = self.post("/api/v1/permits/%d/accept" % pid, {
            "accepted_date": "2023-08-01", "date_reason": DATE_REASON,
            "materials": {"residence_proof": True, "basis_proof": True}})
        self.assertEqual(r.status, 200, r)
        # 10 working days from Tue 2023-08-01 (no 2023 arrangement is
        # loaded: weekends only).
        self.assertEqual(r.json["permit"]["issue_deadline"], "2023-08-15")
        self.assertEqual(self.state_on(pid, "2023-08-05")["code"], "accepted")

        # The card carries the holder's photo (条例 第四条): none yet, no card.
        r = self.post("/api/v1/permits/%d/issue" % pid, {"date_reason": DATE_REASON, "issued_date": "2023-08-07"})
        self.assertEqual(r.status, 422, r)
        self.assertEqual(r.json["error"]["field"], "photo")
        take_photo(self.s, "clerk_a", person)
        r = self.post("/api/v1/permits/%d/issue" % pid, {"date_reason": DATE_REASON, "issued_date": "2023-08-07"})
        self.assertEqual(r.status, 200, r)
        permit_no = r.json["permit"]["permit_no"]
        self.assertRegex(permit_no, r"^JZ3701022023\d{7}[0-9X]$")
        payload_v1 = r.json["electronic"]["payload"]
        self.assertTrue(r.json["electronic"]["licence_id"].endswith(".001." +
                        r.json["electronic"]["licence_id"][-1]))
        st = self.state_on(pid, "2023-08-10")
        self.assertEqual(st["code"], "valid")
        self.assertEqual(st["next_anniversary"], "2024-08-07")
        self.assertEqual(st["continuous_since"], "2023-01-12")
        self.assertIn("hukou_settlement", self.entitlements_on(person, "2023-08-10"))

        # Endorsement before its window (opens 2024-07-07) is refused.
        r = self.post("/api/v1/permits/%d/endorse" % pid, {"date_reason": DATE_REASON, "date": "2024-07-01"})
        self.assertEqual((r.status, r.error_field()), (422, "date"), r)
        self.assertEqual(self.state_on(pid, "2024-07-10")["code"], "window_open")
        r = self.post("/api/v1/permits/%d/endorse" % pid, {"date_reason": DATE_REASON, "date": "2024-07-20"})
        self.assertEqual(r.status, 200, r)
        self.assertFalse(r.json["endorsement"]["late"])
        st = self.state_on(pid, "2024-07-21")
        self.assertEqual((st["code"], st["next_anniversary"]), ("valid", "2025-08-07"))
        self.assertEqual(st["residence_years"], 1)

        # The 2025 anniversary passes unendorsed: suspended from that day.
        self.assertEqual(self.state_on(pid, "2025-07-10")["code"], "window_open")
        wl = self.s.as_("clerk_a", "GET", "/api/v1/worklists/permits",
                        query={"on": "2025-07-10"})
        self.assertIn(("endorsement_due", pid),
                      [(i["kind"], i["permit_id"]) for i in wl.json["items"]])
        st = self.state_on(pid, "2025-08-07")
        self.assertEqual(st["code"], "suspended")
        self.assertIsNone(st["continuous_since"])
        self.assertEqual(st["residence_years"], 0)
        ent = self.entitlements_on(person, "2025-08-10")
        self.assertNotIn("hukou_settlement", ent)   # 条例 第十五条: needs a usable permit
        self.assertIn("legal_aid", ent)             # the certificate still gives the rest

        # A late endorsement restores it and restarts the clock (条例 第十条).
        r = self.post("/api/v1/permits/%d/endorse" % pid, {"date_reason": DATE_REASON, "date": "2025-10-15"})
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.json["endorsement"]["late"])
        st = self.state_on(pid, "2025-10-16")
        self.assertEqual((st["code"], st["continuous_since"], st["next_anniversary"]),
                         ("valid", "2025-10-15", "2026-10-15"))
        self.assertEqual([e["event"] for e in st["ledger"]],
                         ["residence_start", "issued", "endorsed", "suspended",
                          "late_endorsement"])
        self.assertIn("hukou_settlement", self.entitlements_on(person, "2025-10-16"))

        # Replacement: same number, version 2, the old card invalid.
        r = self.post("/api/v1/permits/%d/replace" % pid,
                      {"date_reason": DATE_REASON, "date": "2025-11-01", "reason": "lost"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json["permit"]["permit_no"], r.json["permit"]["version"]),
                         (permit_no, 2))
        payload_v2 = r.json["electronic"]["payload"]
        v = self.verify(payload_v1)
        self.assertEqual((v["valid"], v["signature_valid"], v["state"]),
                         (False, True, "replaced"))
        # The new card: suspended today, since 2026-10-15 passed unendorsed.
        self.assertEqual(self.verify(payload_v2)["state"], "suspended")

        r = self.post("/api/v1/permits/%d/cancel" % pid,
                      {"date_reason": DATE_REASON, "date": "2025-12-01", "reason": "离开本市"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.state_on(pid, "2025-12-02")["code"], "cancelled")
        self.assertEqual(self.state_on(pid, "2025-11-20")["code"], "valid")
        self.assertEqual(self.verify(payload_v2)["state"], "cancelled")
        self.assertNotIn("hukou_settlement", self.entitlements_on(person, "2025-12-02"))

    def test_guardian_for_under_16(self):
        reg = self.post("/api/v1/registrations", declaration(
            self.s.grids_a[0], idn=id_number("320102", "20150301", 41),
            arrival="2025-01-10", declared="2025-01-12"))
        person = reg.json["person"]["id"]
        r = self.post("/api/v1/persons/%d/permits" % person,
                      {"basis": "study", "date_reason": DATE_REASON, "applied_date": "2025-08-01"})
        self.assertEqual((r.status, r.error_field()), (422, "guardian"), r)
        r = self.post("/api/v1/persons/%d/permits" % person, {
            "basis": "study", "date_reason": DATE_REASON, "applied_date": "2025-08-01",
            "guardian": {"name": "家长", "id_number": id_number("320102", "19850101", 51),
                         "relation": "父亲"}})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json["permit"]["applicant"], "guardian")
        self.assertIn("guardian_id", [m["code"] for m in r.json["missing_materials"]])

    def test_leaving_cancels_the_permit(self):
        reg = self.post("/api/v1/registrations", declaration(
            self.s.grids_a[0], idn=id_number("320102", "19870707", 81),
            arrival="2024-01-10", declared="2024-01-12"))
        person, rid = reg.json["person"]["id"], reg.json["registration"]["id"]
        pid = self.post("/api/v1/persons/%d/permits" % person, {
            "basis": "housing", "date_reason": DATE_REASON, "applied_date": "2024-08-01",
            "materials": {"id_card": True, "photo": True,
                          "residence_proof": True}}).json["permit"]["id"]
        self.post("/api/v1/permits/%d/accept" % pid, {"date_reason": DATE_REASON, "accepted_date": "2024-08-01"})
        take_photo(self.s, "clerk_a", person)
        payload = self.post("/api/v1/permits/%d/issue" % pid,
                            {"date_reason": DATE_REASON, "issued_date": "2024-08-02"}).json["electronic"]["payload"]
        r = self.post("/api/v1/registrations/%d/cancel" % rid,
                      {"left_date": "2024-09-01", "reporter": "employer",
                       "reason": "离开本市"})
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.json["permit_cancelled"])
        self.assertEqual(self.state_on(pid, "2024-09-02")["code"], "cancelled")
        self.assertEqual(self.verify(payload)["state"], "cancelled")
        self.assertEqual(self.entitlements_on(person, "2024-09-02"), [])

    def test_other_station_cannot_touch_a_permit(self):
        reg = self.post("/api/v1/registrations", declaration(
            self.s.grids_a[0], idn=id_number("320102", "19900101", 61),
            arrival="2024-01-10", declared="2024-01-12"))
        r = self.post("/api/v1/persons/%d/permits" % reg.json["person"]["id"],
                      {"basis": "housing", "date_reason": DATE_REASON, "applied_date": "2024-08-01"})
        pid = r.json["permit"]["id"]
        r = self.s.as_("clerk_b", "POST", "/api/v1/permits/%d/accept" % pid, {})
        self.assertEqual(r.status, 403)
        r = self.s.as_("clerk_b", "GET", "/api/v1/permits/%d" % pid, query=R)
        self.assertEqual(r.status, 403)

    def verify(self, payload):
        r = self.s.call("GET", "/verify?c=" + urllib.parse.quote(payload))
        self.assertEqual(r.status, 200, r)
        return r.json


class Verification(unittest.TestCase):
    """Valid, tampered, another key, replaced and cancelled: over HTTP and
    with the offline command."""

    @classmethod
    def setUpClass(cls):
        cls.s = Server(people=20)
        s = cls.s
        # Dates relative to today, so the permits are valid whenever this
        # runs: registered ~300 days ago, issued ~60 days ago.
        today = datetime.date.today()
        day = lambda n: (today - datetime.timedelta(days=n)).isoformat()
        cls.replace_day, cls.cancel_day = day(10), day(5)
        out = []
        for k in range(2):
            reg = s.as_("clerk_a", "POST", "/api/v1/registrations", declaration(
                s.grids_a[0], idn=id_number("110105", "19910203", 71 + 2 * k),
                arrival=day(302), declared=day(300)))
            person = reg.json["person"]["id"]
            r = s.as_("clerk_a", "POST", "/api/v1/persons/%d/permits" % person, {
                "basis": "housing", "date_reason": DATE_REASON, "applied_date": day(70),
                "materials": {"id_card": True, "photo": True, "residence_proof": True}})
            pid = r.json["permit"]["id"]
            s.as_("clerk_a", "POST", "/api/v1/permits/%d/accept" % pid,
                  {"date_reason": DATE_REASON, "accepted_date": day(70)})
            take_photo(s, "clerk_a", person)
            r = s.as_("clerk_a", "POST", "/api/v1/permits/%d/issue" % pid,
                      {"date_reason": DATE_REASON, "issued_date": day(60)})
            out.append((pid, r.json["electronic"]["payload"]))
        cls.pid, cls.payload = out[0]
        cls.pid2, cls.payload2 = out[1]
        cls.keys = os.path.join(s.data, "keys")

    @classmethod
    def tearDownClass(cls):
        cls.s.close()

    def http(self, payload):
        r = self.s.call("GET", "/verify?c=" + urllib.parse.quote(payload))
        self.assertEqual(r.status, 200, r)
        return r.json

    def offline(self, payload, key=None):
        p = run("verify", payload, "--public-key", key or self.keys, check=False)
        self.assertEqual(p.returncode, 0, p.stderr)
        return json.loads(p.stdout)

    def test_valid(self):
        v = self.http(self.payload)
        self.assertEqual((v["valid"], v["signature_valid"], v["state"]), (True, True, "valid"))
        self.assertRegex(v["content"]["masked_id_number"], r"^110105\*{8}\d{3}[0-9X]$")
        self.assertEqual(v["content"]["district_name"], "历下区")
        self.assertNotIn("19910203", json.dumps(v))   # the birth date is masked away
        self.assertTrue(self.offline(self.payload)["signature_valid"])

    def test_tampered(self):
        parts = self.payload.split("|")
        parts[4] = "370103"   # another district
        bad = "|".join(parts)
        v = self.http(bad)
        self.assertEqual((v["valid"], v["reason"]), (False, "tampered"))
        o = self.offline(bad)
        self.assertEqual((o["signature_valid"], o["reason"]), (False, "tampered"))
        v = self.http(self.payload[:-3] + "AAA")   # a damaged signature
        self.assertFalse(v["valid"])

    def forge(self, key_id, private_key):
        """The valid payload re-signed by private_key under key_id."""
        parts = self.payload.split("|")
        parts[8] = key_id
        signed = "|".join(parts[:9]).encode()
        sig = subprocess.run(
            ["openssl", "pkeyutl", "-sign", "-inkey", private_key, "-rawin",
             "-digest", "sm3", "-pkeyopt", "distid:1234567812345678"],
            input=signed, capture_output=True, check=True).stdout
        return signed.decode() + "|" + b64url(sig)

    def test_another_key(self):
        d = tempfile.mkdtemp()
        try:
            foreign = json.loads(run("keys", "generate", "--data", d).stdout)
            # Signed by a key this platform does not know.
            forged = self.forge(foreign["key_id"], foreign["private_key"])
            v = self.http(forged)
            self.assertEqual((v["valid"], v["reason"]), (False, "unknown_key"))
            self.assertEqual(self.offline(forged)["reason"], "unknown_key")
            # ...which is a good signature for whoever holds that key.
            self.assertTrue(self.offline(forged, key=foreign["public_key"])
                            ["signature_valid"])
            # Claiming our key id with another key's signature.
            forged = self.forge(self.s.key_id, foreign["private_key"])
            v = self.http(forged)
            self.assertEqual((v["valid"], v["reason"]), (False, "tampered"))
            self.assertEqual(self.offline(forged)["reason"], "tampered")
        finally:
            subprocess.run(["rm", "-rf", d])

    def test_replaced_and_cancelled(self):
        r = self.s.as_("clerk_a", "POST", "/api/v1/permits/%d/replace" % self.pid2,
                       {"date_reason": DATE_REASON, "date": self.replace_day, "reason": "damaged"})
        self.assertEqual(r.status, 200, r)
        new = r.json["electronic"]["payload"]
        self.assertEqual(self.http(self.payload2)["state"], "replaced")
        self.assertTrue(self.offline(self.payload2)["signature_valid"])  # signature still holds
        self.assertEqual(self.http(new)["state"], "valid")
        self.s.as_("clerk_a", "POST", "/api/v1/permits/%d/cancel" % self.pid2,
                   {"date_reason": DATE_REASON, "date": self.cancel_day, "reason": "离开本市"})
        v = self.http(new)
        self.assertEqual((v["valid"], v["state"]), (False, "cancelled"))

    def test_malformed(self):
        for bad in ("", "LDP1|x", "hello", "LDP1|" + "|" * 9):
            v = self.http(bad)
            self.assertEqual((v["valid"], v["reason"]), (False, "malformed"), bad)

    def test_qr_and_print(self):
        r = self.s.as_("clerk_a", "GET", "/api/v1/permits/%d" % self.pid, query=R)
        no = r.json["permit"]["permit_no"]
        r = self.s.as_("clerk_a", "GET", "/api/v1/permits/%s/qr.svg" % no)
        self.assertEqual(r.status, 200)
        self.assertTrue(r.raw.startswith(b"<svg"))
        self.assertIn("image/svg+xml", r.headers.get("content-type", ""))
        r = self.s.as_("clerk_a", "GET", "/api/v1/permits/%s/print" % no)
        self.assertEqual(r.status, 200)
        html = r.raw.decode()
        self.assertIn("山东省居住证", html)
        self.assertIn(no, html)
        self.assertIn("<svg", html)
        self.assertEqual(self.s.as_("clerk_b", "GET",
                                    "/api/v1/permits/%s/qr.svg" % no).status, 403)
        self.assertEqual(self.s.call("GET", "/api/v1/permits/%s/qr.svg" % no).status, 401)


if __name__ == "__main__":
    unittest.main()
