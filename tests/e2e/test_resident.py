"""End-to-end tests of the residents' API: sign-in with a one-time code
(the demo notifier and the real webhook notifier), their own record,
online declaration, permit application and endorsement, and what a
resident must not reach."""
import datetime
import http.server
import json
import threading
import time
import unittest

from harness import Server, declaration, free_port, id_number

IDN = id_number("110105", "19900101", 123)
PHONE = "13912345678"


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


class Resident(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = Server(people=20, extra_args=["--sms", "demo"])

    @classmethod
    def tearDownClass(cls):
        cls.s.close()

    def sign_in(self, idn=IDN, phone=PHONE):
        r = self.s.call("POST", "/api/v1/resident/otp", {"id_number": idn, "phone": phone})
        self.assertEqual(r.status, 200, r)
        code = r.json["demo_code"]
        r = self.s.call("POST", "/api/v1/resident/login",
                        {"id_number": idn, "phone": phone, "code": code})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["resident"]["phone_masked"], phone[:3] + "****" + phone[7:])
        return r.json["token"]

    def test_sign_in_declare_apply(self):
        # A wrong code first, then the right one.
        r = self.s.call("POST", "/api/v1/resident/otp",
                        {"id_number": IDN, "phone": PHONE})
        code = r.json["demo_code"]
        # The notifier writes the log line on its own thread, after answering.
        for _ in range(100):
            if code in self.s.log():
                break
            time.sleep(0.01)
        self.assertIn("【演示】", self.s.log())
        self.assertIn(code, self.s.log())
        r = self.s.call("POST", "/api/v1/resident/login",
                        {"id_number": IDN, "phone": PHONE,
                         "code": "%06d" % ((int(code) + 1) % 1000000)})
        self.assertEqual((r.status, r.error_field()), (401, "code"))
        r = self.s.call("POST", "/api/v1/resident/login",
                        {"id_number": IDN, "phone": PHONE, "code": code})
        self.assertEqual(r.status, 200, r)
        token = r.json["token"]
        # The code works once.
        r = self.s.call("POST", "/api/v1/resident/login",
                        {"id_number": IDN, "phone": PHONE, "code": code})
        self.assertEqual(r.status, 401)

        me = self.s.call("GET", "/api/v1/resident/me", token=token)
        self.assertEqual(me.status, 200, me)
        self.assertIsNone(me.json["person"])
        self.assertEqual(me.json["entitlements"], [])

        # Online declaration (today's date), anywhere in Jinan.
        arrival = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
        body = declaration(self.s.grids_b[0], arrival=arrival)
        del body["person"]["id_number"], body["person"]["phone"], body["declared_date"]
        r = self.s.call("POST", "/api/v1/resident/registrations", body, token=token)
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json["person"]["id_number"], IDN)
        self.assertEqual(r.json["person"]["phone"], PHONE)
        self.assertFalse(r.json["registration"]["late"])
        me = self.s.call("GET", "/api/v1/resident/me", token=token)
        self.assertEqual(len(me.json["registrations"]), 1)
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
        # Nor can a staff token act as a resident.
        self.assertEqual(self.s.as_("clerk_a", "GET", "/api/v1/resident/me").status, 401)

    def test_resident_with_a_permit_sees_it(self):
        idn = id_number("320102", "19850505", 125)
        reg = self.s.as_("clerk_a", "POST", "/api/v1/registrations", declaration(
            self.s.grids_a[0], idn=idn, arrival="2024-01-01", declared="2024-01-02"))
        person = reg.json["person"]["id"]
        today = datetime.date.today()
        day = lambda n: (today - datetime.timedelta(days=n)).isoformat()
        pid = self.s.as_("clerk_a", "POST", "/api/v1/persons/%d/permits" % person, {
            "basis": "housing", "applied_date": day(40),
            "materials": {"id_card": True, "photo": True, "residence_proof": True}
        }).json["permit"]["id"]
        self.s.as_("clerk_a", "POST", "/api/v1/permits/%d/accept" % pid,
                   {"accepted_date": day(40)})
        self.s.as_("clerk_a", "POST", "/api/v1/permits/%d/issue" % pid,
                   {"issued_date": day(35)})
        token = self.sign_in(idn, "13800000000")   # the phone on record
        me = self.s.call("GET", "/api/v1/resident/me", token=token).json
        self.assertEqual(me["permit_state"]["state"]["code"], "valid")
        self.assertTrue(me["electronic"]["payload"].startswith("LDP1|"))
        v = self.s.call("GET", "/verify", query={"c": me["electronic"]["payload"]}).json
        self.assertTrue(v["valid"])
        # Someone else's phone gets no code for this person (and is not told).
        r = self.s.call("POST", "/api/v1/resident/otp",
                        {"id_number": idn, "phone": "13700000000"})
        self.assertEqual(r.status, 200)
        self.assertNotIn("demo_code", r.json)

    def test_bad_input_and_flooding(self):
        for body, field in (({"id_number": "123", "phone": PHONE}, "id_number"),
                            ({"id_number": IDN, "phone": "12345"}, "phone")):
            r = self.s.call("POST", "/api/v1/resident/otp", body)
            self.assertEqual((r.status, r.error_field()), (422, field), r)
        idn = id_number("110105", "19800101", 127)
        r1 = self.s.call("POST", "/api/v1/resident/otp", {"id_number": idn, "phone": "13600000001"})
        r2 = self.s.call("POST", "/api/v1/resident/otp", {"id_number": idn, "phone": "13600000001"})
        self.assertEqual((r1.status, r2.status), (200, 429))


class Webhook(unittest.TestCase):
    def test_codes_go_to_the_gateway(self):
        port = free_port()
        gw = http.server.HTTPServer(("127.0.0.1", port), Gateway)
        threading.Thread(target=gw.serve_forever, daemon=True).start()
        s = Server(people=5, extra_args=["--sms", "http://127.0.0.1:%d/sms" % port])
        try:
            r = s.call("POST", "/api/v1/resident/otp", {"id_number": IDN, "phone": PHONE})
            self.assertEqual(r.status, 200, r)
            self.assertNotIn("demo_code", r.json)   # never outside the demo
            for _ in range(100):
                if Gateway.received:
                    break
                threading.Event().wait(0.05)
            self.assertEqual(Gateway.received[0]["phone"], PHONE)
            code = Gateway.received[0]["text"].split("验证码为 ")[1][:6]
            r = s.call("POST", "/api/v1/resident/login",
                       {"id_number": IDN, "phone": PHONE, "code": code})
            self.assertEqual(r.status, 200, r)
        finally:
            s.close()
            gw.shutdown()


if __name__ == "__main__":
    unittest.main()
