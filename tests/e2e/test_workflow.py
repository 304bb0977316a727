"""End-to-end tests of the workflow the law assumes (issue 13, "Workflow
that the law assumes"), each reproducing what went wrong before:

- back-dating: a declaration entered today with a date 35 days back was
  marked on time, and a permit "issued" months ago today earned years of
  residence; now a date other than today needs a reason, lies within
  --backdate-days (30 by default), and the record and the audit say so;
- queues: online permit applications reached no one; now the station has a
  待受理 list with deadlines and a return action, the dashboard counts both
  queues, and the resident reads the outcome;
- lateness in working days, and no deadline for someone who need not
  register;
- an `absent` task closed as moved away left the tenancy open, the house
  flagged and the person's other tasks open.

Most servers here run with the binary's default back-dating limit (no
--backdate-days), so the module also runs against an older binary, where
its tests fail (or, for routes it lacks, answer 404).
"""
import datetime
import json
import time
import unittest

from harness import DATE_REASON, Server, declaration, id_number, run, take_photo

TODAY = datetime.date.today()
R = {"reason": "流程测试"}


def day(n):
    """n days before today."""
    return (TODAY - datetime.timedelta(days=n)).isoformat()


class Workflow(unittest.TestCase):
    """One server with the default back-dating limit (30 days) and the
    default acceptance period (5 working days)."""

    @classmethod
    def setUpClass(cls):
        cls.s = Server(people=200, backdate_days=None)
        cls.grid = cls.s.grids_a[0]
        cls._serial = 100

    @classmethod
    def tearDownClass(cls):
        cls.s.close()

    def idn(self, address="110105", birth="19900101"):
        type(self)._serial += 1
        return id_number(address, birth, self._serial)

    def register(self, who="clerk_a", grid=None, **kw):
        body = declaration(grid or self.grid, idn=kw.pop("idn", None) or self.idn(), **kw)
        return self.s.as_(who, "POST", "/api/v1/registrations", body)

    def audit_of(self, target, match=lambda e: True):
        """The audit entries of target that match, once there is one: a
        read's entry is committed with the next group commit."""
        for _ in range(250):
            r = self.s.as_("auditor", "GET", "/api/v1/audit",
                           query={"target": target, "per_page": 100})
            self.assertEqual(r.status, 200, r)
            found = [e for e in r.json["items"] if match(e)]
            if found:
                return found
            time.sleep(0.02)
        return []

    # ---- back-dating ------------------------------------------------------

    def test_declaration_35_days_back_needs_a_reason_and_lies_beyond_the_limit(self):
        # The example: entered today, dated 35 days back, it was
        # judged on time as of that day. Further back than the default 30
        # days, it is refused with or without a reason.
        body = declaration(self.grid, idn=self.idn(), arrival=day(37), declared=day(35))
        body.pop("date_reason")
        r = self.s.as_("clerk_a", "POST", "/api/v1/registrations", body)
        self.assertEqual(r.status, 422, r)
        self.assertEqual(r.error_field(), "declared_date")
        self.assertIn("超过补录期限30天", r.json["error"]["message"])
        body["date_reason"] = "系统故障期间的纸质申报"
        r = self.s.as_("clerk_a", "POST", "/api/v1/registrations", body)
        self.assertEqual(r.status, 422, r)
        self.assertEqual(r.error_field(), "declared_date")
        # Within the limit, not without a reason, which the message names.
        body.update(arrival_date=day(22), declared_date=day(20))
        del body["date_reason"]
        r = self.s.as_("clerk_a", "POST", "/api/v1/registrations", body)
        self.assertEqual(r.status, 422, r)
        self.assertEqual(r.error_field(), "date_reason")
        self.assertIn("补录事由", r.json["error"]["message"])
        self.assertIn("申报日期", r.json["error"]["message"])
        # The precheck says the same.
        r = self.s.as_("clerk_a", "POST", "/api/v1/registrations/check", body)
        self.assertEqual(r.status, 422, r)
        self.assertEqual(r.error_field(), "date_reason")
        # Nothing was stored.
        r = self.s.as_("clerk_a", "GET", "/api/v1/persons",
                       query=dict(R, id_number=body["person"]["id_number"]))
        self.assertEqual(r.json["total"], 0, r)
        # A date after today is refused as before.
        body.update(declared_date=day(-1))
        r = self.s.as_("clerk_a", "POST", "/api/v1/registrations", body)
        self.assertEqual(r.status, 422, r)
        self.assertEqual(r.error_field(), "declared_date")

    def test_backdated_declaration_within_the_limit_is_shown_as_such(self):
        why = "网格员收回的纸质申报表补录"
        r = self.register(arrival=day(22), declared=day(20), date_reason=why)
        self.assertEqual(r.status, 201, r)
        ev = r.json["event"]
        self.assertEqual(ev["date"], day(20))
        self.assertEqual(ev["entered_date"], TODAY.isoformat())
        self.assertTrue(ev["backdated"])
        self.assertEqual(ev["date_reason"], why)
        pid = r.json["person"]["id"]
        # On the record: the person's history.
        h = self.s.as_("clerk_a", "GET", "/api/v1/persons/%d/history" % pid, query=R)
        self.assertEqual(h.status, 200, h)
        declared = [e for e in json.loads(h.raw)["events"] if e["kind"] == "declared"]
        self.assertEqual([(e["date"], e["date_reason"], e["entered_date"]) for e in declared],
                         [(day(20), why, TODAY.isoformat())])
        # In the audit entry.
        entries = [e for e in self.audit_of("person:%d" % pid)
                   if e["action"] == "registration:create"]
        self.assertEqual(len(entries), 1, entries)
        detail = json.loads(entries[0]["detail"])
        self.assertEqual(detail["backdated"], {"field": "declared_date", "date": day(20),
                                               "entered_date": TODAY.isoformat(),
                                               "reason": why})
        # Dated today, no reason is needed and none is recorded.
        r = self.register(arrival=day(1), declared=TODAY.isoformat())
        self.assertEqual(r.status, 201, r)
        self.assertFalse(r.json["event"]["backdated"])
        self.assertIsNone(r.json["event"]["date_reason"])

    def old_registrations(self, n):
        """n people of the demo database registered more than 200 days ago
        (eligible for a permit), with a phone and no permit, all of one
        station other than clerk_b's; and a clerk of that station."""
        db = self.s.db()
        rows = db.execute(
            "SELECT a.station, p.id, p.id_number, p.phone FROM registrations r "
            "JOIN persons p ON p.id = r.person_id JOIN areas a ON a.code = r.community "
            "WHERE r.status = 'active' AND r.declared_date <= date('now', '-200 days') "
            "AND p.phone IS NOT NULL AND p.phone <> '' AND a.station <> ? AND "
            "NOT EXISTS (SELECT 1 FROM permits x WHERE x.person_id = p.id) "
            "ORDER BY a.station, p.id", (self.s.station_b,)).fetchall()
        db.close()
        by_station = {}
        for st, pid, idn, phone in rows:
            by_station.setdefault(st, []).append((pid, idn, phone))
        station, people = max(by_station.items(), key=lambda kv: len(kv[1]))
        self.assertGreaterEqual(len(people), n, "the demo has too few old registrations")
        label = "clerk_" + station
        if label not in self.s.accounts:
            out = json.loads(run("user", "add", "t_" + label, "--role", "clerk", "--area",
                                 station, "--data", self.s.data).stdout)
            self.s.accounts[label] = ("t_" + label, out["password"])
        taken = getattr(type(self), "_taken", set())
        free = [p for p in people if p[0] not in taken][:n]
        type(self)._taken = taken | {p[0] for p in free}
        self.assertEqual(len(free), n)
        return label, free

    def test_permit_dated_months_back_is_refused(self):
        clerk, [(pid, _, _), (pid2, _, _)] = self.old_registrations(2)
        all_materials = {"id_card": True, "photo": True, "residence_proof": True,
                         "basis_proof": True}
        # Applied, accepted and issued "months ago", entered today: it would
        # count years of residence from then.
        for extra in ({}, {"date_reason": "补录"}):
            r = self.s.as_(clerk, "POST", "/api/v1/persons/%d/permits" % pid, dict(
                extra, basis="employment", applied_date=day(130), materials=all_materials))
            self.assertEqual(r.status, 422, r)
            self.assertEqual(r.error_field(), "applied_date")
        # Within the limit but without a reason: refused too.
        r = self.s.as_(clerk, "POST", "/api/v1/persons/%d/permits" % pid, {
            "basis": "employment", "applied_date": day(10), "materials": all_materials})
        self.assertEqual(r.status, 422, r)
        self.assertEqual(r.error_field(), "date_reason")
        # Applied and accepted today, issued "months ago": refused.
        r = self.s.as_(clerk, "POST", "/api/v1/persons/%d/permits" % pid, {
            "basis": "employment", "materials": all_materials})
        self.assertEqual(r.status, 201, r)
        permit = r.json["permit"]["id"]
        r = self.s.as_(clerk, "POST", "/api/v1/permits/%d/accept" % permit, {})
        self.assertEqual(r.status, 200, r)
        for body in ({"issued_date": day(120)},
                     {"issued_date": day(120), "date_reason": "补录"}):
            r = self.s.as_(clerk, "POST", "/api/v1/permits/%d/issue" % permit, body)
            self.assertEqual(r.status, 422, r)
            self.assertEqual(r.error_field(), "issued_date")
        # Issued today: its residence years count from today.
        take_photo(self.s, clerk, pid)
        r = self.s.as_(clerk, "POST", "/api/v1/permits/%d/issue" % permit, {})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["permit"]["issued_date"], TODAY.isoformat())
        self.assertFalse(r.json["event"]["backdated"])
        # Every later step too: an endorsement, a replacement, a change, a
        # cancellation dated back need a reason.
        for path, body in (("cancel", {"reason": "离开本市", "date": day(3)}),
                           ("replace", {"reason": "lost", "date": day(3)}),
                           ("change", {"name": "改名", "date": day(3)})):
            r = self.s.as_(clerk, "POST", "/api/v1/permits/%d/%s" % (permit, path), body)
            self.assertEqual(r.status, 422, (path, r))
            self.assertEqual(r.error_field(), "date_reason", path)
        # A step dated back within the limit, with a reason: its event and
        # its audit entry say so.
        r = self.s.as_(clerk, "POST", "/api/v1/persons/%d/permits" % pid2, {
            "basis": "employment", "materials": all_materials, "applied_date": day(10),
            "date_reason": "窗口系统停机期间受理"})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json["event"]["date_reason"], "窗口系统停机期间受理")
        detail = json.loads([e for e in self.audit_of("person:%d" % pid2)
                             if e["action"] == "permit:apply"][0]["detail"])
        self.assertEqual(detail["backdated"]["date"], day(10))
        self.assertEqual(detail["backdated"]["reason"], "窗口系统停机期间受理")
        r = self.s.as_(clerk, "GET", "/api/v1/permits/%d" % r.json["permit"]["id"], query=R)
        self.assertEqual([(e["kind"], e["backdated"], e["entered_date"])
                          for e in r.json["events"]],
                         [("applied", True, TODAY.isoformat())])

    def test_other_act_dates_need_a_reason(self):
        r = self.register(arrival=day(5), declared=day(4), date_reason="补录")
        self.assertEqual(r.status, 201, r)
        reg = r.json["registration"]["id"]
        # A change of address declared back.
        body = {"address": {"grid": self.s.grids_a[-1], "road": "泉城路"},
                "moved_date": day(3), "declared_date": day(2)}
        r = self.s.as_("clerk_a", "POST", "/api/v1/registrations/%d/address-change" % reg, body)
        self.assertEqual(r.status, 422, r)
        self.assertEqual(r.error_field(), "date_reason")
        body["date_reason"] = "补录"
        r = self.s.as_("clerk_a", "POST", "/api/v1/registrations/%d/address-change" % reg, body)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["event"]["date_reason"], "补录")
        # A paper report received days ago, entered by the clerk.
        org = self.s.as_("clerk_a", "POST", "/api/v1/organisations", {
            "kind": "employer", "name": "流程测试单位", "credit_code": "91370100MA3C000009",
            "grid": self.grid}).json["organisation"]["id"]
        body = {"organisation": org, "kind": "hire", "event_date": day(6),
                "reported_date": day(4),
                "person": {"id_number": self.idn(), "name": "纸质报告"}}
        r = self.s.as_("clerk_a", "POST", "/api/v1/reports", body)
        self.assertEqual(r.status, 422, r)
        self.assertEqual(r.error_field(), "date_reason")
        body["date_reason"] = "纸质报告补录"
        r = self.s.as_("clerk_a", "POST", "/api/v1/reports", body)
        self.assertEqual(r.status, 201, r)
        self.assertEqual((r.json["report"]["reported_date"], r.json["report"]["date_reason"],
                          r.json["report"]["entered_date"]),
                         (day(4), "纸质报告补录", TODAY.isoformat()))

    # ---- lateness ---------------------------------------------------------

    def test_lateness_in_working_days_and_none_out_of_scope(self):
        arrival, declared = day(25), TODAY.isoformat()
        r = self.register(arrival=arrival, declared=declared)
        self.assertEqual(r.status, 201, r)
        self.assertTrue(r.json["registration"]["late"])
        deadline = r.json["registration"]["deadline"]
        rule = json.loads(run("rules", "deadline", "--event", "arrival", "--date", arrival,
                              "--done", declared).stdout)
        self.assertEqual(r.json["deadline"]["working_days_late"], rule["working_days_late"])
        calendar_days = (datetime.date.fromisoformat(declared) -
                         datetime.date.fromisoformat(deadline)).days
        # Weeks late: fewer working days than calendar days.
        self.assertLess(rule["working_days_late"], calendar_days)
        self.assertGreater(rule["working_days_late"], 0)
        items = self.s.as_("clerk_a", "GET", "/api/v1/worklists/late",
                           query={"from": declared, "to": declared, "per_page": 100}).json["items"]
        mine = [i for i in items if i["registration_id"] == r.json["registration"]["id"]]
        self.assertEqual([i["working_days_late"] for i in mine], [rule["working_days_late"]])

    def test_precheck_of_someone_who_need_not_register_has_no_deadline(self):
        # A Jinan hukou of 历下区 living in 历下区: out of scope.
        body = declaration(self.grid, idn=id_number("370102", "19900101", 7),
                           hukou="370102", arrival=day(30), declared=TODAY.isoformat())
        r = self.s.as_("clerk_a", "POST", "/api/v1/registrations/check", body)
        self.assertEqual(r.status, 200, r)
        self.assertFalse(r.json["scope"]["in_scope"])
        self.assertIsNone(r.json["deadline"])
        self.assertFalse(r.json["would_store"])
        # In scope but exempt (a hotel stay): no deadline either.
        body = declaration(self.grid, idn=self.idn(), arrival=day(30),
                           declared=TODAY.isoformat(), lodging="hotel")
        r = self.s.as_("clerk_a", "POST", "/api/v1/registrations/check", body)
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.json["scope"]["in_scope"])
        self.assertIsNone(r.json["deadline"])
        # Recorded anyway, with a reason: never late, no deadline.
        body["override_reason"] = "本人要求登记"
        r = self.s.as_("clerk_a", "POST", "/api/v1/registrations", body)
        self.assertEqual(r.status, 201, r)
        self.assertIsNone(r.json["deadline"])
        self.assertFalse(r.json["registration"]["late"])
        self.assertIsNone(r.json["registration"]["deadline"])
        self.assertIsNone(r.json["event"]["late"])
        # Someone who must register still gets the deadline.
        r = self.s.as_("clerk_a", "POST", "/api/v1/registrations/check",
                       declaration(self.grid, idn=self.idn(), arrival=day(1),
                                   declared=TODAY.isoformat()))
        self.assertEqual(r.status, 200, r)
        self.assertFalse(r.json["deadline"]["late"])
        self.assertEqual(r.json["deadline"]["working_days_late"], 0)

    # ---- queues ---------------------------------------------------------------

    def resident(self, idn, phone):
        r = self.s.call("POST", "/api/v1/resident/otp", {"id_number": idn, "phone": phone})
        self.assertEqual(r.status, 200, r)
        r = self.s.call("POST", "/api/v1/resident/login",
                        {"id_number": idn, "phone": phone, "code": r.json["demo_code"]})
        self.assertEqual(r.status, 200, r)
        return r.json["token"]

    def queues(self, who):
        r = self.s.as_(who, "GET", "/api/v1/stats/queues")
        self.assertEqual(r.status, 200, r)
        return r.json

    def test_online_applications_reach_the_station_and_the_resident_reads_the_outcome(self):
        clerk, [(p1, idn1, ph1), (p2, idn2, ph2)] = self.old_registrations(2)
        before = self.queues(clerk)
        t1, t2 = self.resident(idn1, ph1), self.resident(idn2, ph2)
        # Applied online with part of the materials: told at once what is
        # missing, and by when the station should act.
        r = self.s.call("POST", "/api/v1/resident/permits",
                        {"basis": "housing", "materials": {"id_card": True, "photo": True}},
                        token=t1)
        self.assertEqual(r.status, 201, r)
        a1 = r.json["permit"]["id"]
        self.assertEqual(r.json["permit"]["channel"], "online")
        self.assertEqual([m["code"] for m in r.json["missing_materials"]], ["residence_proof"])
        accept_by = r.json["permit"]["accept_by"]
        self.assertGreater(accept_by, TODAY.isoformat())
        me = self.s.call("GET", "/api/v1/resident/me", token=t1).json
        self.assertEqual(me["permit"]["status"], "applied")
        self.assertEqual([m["code"] for m in me["missing_materials"]], ["residence_proof"])
        self.assertEqual(me["permit"]["accept_by"], accept_by)
        r = self.s.call("POST", "/api/v1/resident/permits",
                        {"basis": "housing", "materials": {"id_card": True, "photo": True,
                                                           "residence_proof": True}},
                        token=t2)
        self.assertEqual(r.status, 201, r)
        a2 = r.json["permit"]["id"]
        # The station's 待受理 list: applicant, date, what is missing, deadline.
        r = self.s.as_(clerk, "GET", "/api/v1/worklists/applications",
                       query={"per_page": 100})
        self.assertEqual(r.status, 200, r)
        rows = {i["id"]: i for i in r.json["items"]}
        self.assertIn(a1, rows)
        self.assertIn(a2, rows)
        self.assertEqual(rows[a1]["person_id"], p1)
        self.assertEqual(rows[a1]["id_number"], idn1)
        self.assertTrue(rows[a1]["name"])
        self.assertEqual(rows[a1]["applied_date"], TODAY.isoformat())
        self.assertEqual([m["code"] for m in rows[a1]["missing_materials"]], ["residence_proof"])
        self.assertEqual(rows[a1]["accept_by"], accept_by)
        self.assertFalse(rows[a1]["overdue"])
        self.assertEqual(r.json["accept_days"], 5)
        self.assertIn("未规定受理期限", r.json["accept_basis"])
        # Audited with the list's purpose, naming whom it showed.
        entry = self.audit_of("route:GET /api/v1/worklists/applications",
                              lambda e: e["username"] == self.s.accounts[clerk][0])[0]
        self.assertEqual(entry["reason"], "居住证申请受理")
        self.assertIn(p1, json.loads(entry["detail"])["persons"])
        # Another station sees neither; a grid worker may not list them.
        other = self.s.as_("clerk_b", "GET", "/api/v1/worklists/applications",
                           query={"per_page": 100}).json["items"]
        self.assertFalse({a1, a2} & {i["id"] for i in other})
        self.assertEqual(self.s.as_("grid_a", "GET", "/api/v1/worklists/applications").status,
                         403)
        # The dashboard counts them.
        after = self.queues(clerk)
        self.assertEqual(after["applications"]["pending"],
                         before["applications"]["pending"] + 2)
        self.assertEqual(after["applications"]["overdue"], before["applications"]["overdue"])
        # Returned with a reason: the resident reads it and may apply again.
        r = self.s.as_(clerk, "POST", "/api/v1/permits/%d/return" % a1, {"reason": " "})
        self.assertEqual(r.status, 422, r)
        r = self.s.as_(clerk, "POST", "/api/v1/permits/%d/return" % a1,
                       {"reason": "住所证明与登记地址不符，请携带租赁合同到派出所"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["permit"]["status"], "returned")
        self.assertEqual(r.json["event"]["kind"], "returned")
        r = self.s.as_(clerk, "POST", "/api/v1/permits/%d/accept" % a1, {})
        self.assertEqual(r.status, 409, r)
        me = self.s.call("GET", "/api/v1/resident/me", token=t1).json
        self.assertIsNone(me["permit"])
        self.assertEqual(me["returned_application"]["reason"],
                         "住所证明与登记地址不符，请携带租赁合同到派出所")
        self.assertEqual(me["returned_application"]["returned_date"], TODAY.isoformat())
        # Accepted: the resident reads that, and the issue deadline.
        r = self.s.as_(clerk, "POST", "/api/v1/permits/%d/accept" % a2, {})
        self.assertEqual(r.status, 200, r)
        me = self.s.call("GET", "/api/v1/resident/me", token=t2).json
        self.assertEqual(me["permit"]["status"], "accepted")
        self.assertEqual(me["permit"]["issue_deadline"], r.json["permit"]["issue_deadline"])
        self.assertEqual(self.queues(clerk)["applications"]["pending"],
                         before["applications"]["pending"])
        r = self.s.call("POST", "/api/v1/resident/permits",
                        {"basis": "housing", "materials": {"id_card": True, "photo": True,
                                                           "residence_proof": True}},
                        token=t1)
        self.assertEqual(r.status, 201, r)
        me = self.s.call("GET", "/api/v1/resident/me", token=t1).json
        self.assertEqual(me["permit"]["status"], "applied")
        self.assertIsNone(me["returned_application"])

    def test_overdue_applications_and_declarations_are_counted(self):
        clerk, [(pid, _, _)] = self.old_registrations(1)
        before = self.queues(clerk)
        # An online application taken down at the counter 20 days ago (and
        # entered now, with the reason): past its 5 working days.
        r = self.s.as_(clerk, "POST", "/api/v1/persons/%d/permits" % pid, {
            "basis": "housing", "channel": "online", "applied_date": day(20),
            "date_reason": "网上申领系统故障期间的登记"})
        self.assertEqual(r.status, 201, r)
        app = r.json["permit"]["id"]
        after = self.queues(clerk)
        self.assertEqual(after["applications"]["pending"], before["applications"]["pending"] + 1)
        self.assertEqual(after["applications"]["overdue"], before["applications"]["overdue"] + 1)
        r = self.s.as_(clerk, "GET", "/api/v1/worklists/applications",
                       query={"overdue": "1", "per_page": 100})
        row = [i for i in r.json["items"] if i["id"] == app]
        self.assertEqual(len(row), 1, r)
        self.assertTrue(row[0]["overdue"])
        self.assertGreater(row[0]["working_days_overdue"], 0)
        self.assertLess(row[0]["accept_by"], TODAY.isoformat())
        # An online declaration of someone not on record: counted as
        # waiting, with the day by which it should be verified.
        before = self.queues("clerk_a")
        idn, phone = self.idn("510104"), "13912340077"
        token = self.resident(idn, phone)
        body = declaration(self.grid, arrival=day(1))
        for k in ("id_number", "phone"):
            del body["person"][k]
        del body["declared_date"]
        body.pop("date_reason", None)
        r = self.s.call("POST", "/api/v1/resident/registrations", body, token=token)
        self.assertEqual(r.status, 202, r)
        self.assertGreater(r.json["declaration"]["verify_by"], TODAY.isoformat())
        self.assertFalse(r.json["declaration"]["overdue"])
        after = self.queues("clerk_a")
        self.assertEqual(after["declarations"]["pending"], before["declarations"]["pending"] + 1)
        items = self.s.as_("clerk_a", "GET", "/api/v1/declarations",
                           query={"status": "pending", "per_page": 100}).json["items"]
        mine = [d for d in items if d["id"] == r.json["declaration"]["id"]]
        self.assertEqual(mine[0]["verify_by"], r.json["declaration"]["verify_by"])

    # ---- a task closed as moved away ------------------------------------

    def test_absent_tenant_closed_as_moved_away_closes_what_follows(self):
        s = self.s
        landlord = s.as_("clerk_a", "POST", "/api/v1/organisations", {
            "kind": "landlord", "name": "搬离测试房东", "grid": self.grid,
            "id_number": id_number("370102", "19700101", 17),
            "phone": "13700000001"}).json["organisation"]["id"]
        key = s.as_("clerk_a", "POST", "/api/v1/organisations/%d/keys" % landlord, {}).json["key"]
        house = s.as_("clerk_a", "POST", "/api/v1/houses", {
            "address": {"grid": self.grid, "road": "文化东路", "house_number": "9号",
                        "room": "101"},
            "landlord": landlord, "rooms": 1, "capacity": 1}).json["house"]["id"]
        # Two tenants: one registered here, one not. Two in a house for one
        # makes it a suspected group rental.
        reg = self.register(arrival=day(3), declared=TODAY.isoformat())
        self.assertEqual(reg.status, 201, reg)
        t1 = reg.json["person"]["id_number"]
        t2 = self.idn("420102")
        for idn, name in ((t1, "甲"), (t2, "乙")):
            r = s.call("POST", "/api/v1/reports", {
                "kind": "tenant_move_in", "house": house, "event_date": TODAY.isoformat(),
                "person": {"id_number": idn, "name": name}},
                headers={"Authorization": "ApiKey " + key})
            self.assertEqual(r.status, 201, r)
        h = s.as_("clerk_a", "GET", "/api/v1/houses/%d" % house, query=R).json["house"]
        self.assertEqual((h["occupants"], h["flag"]["flagged"]), (2, True))
        # The grid worker visits and finds neither.
        r = s.as_("grid_a", "POST", "/api/v1/visits", {"house": house, "occupants": []})
        self.assertEqual(r.status, 201, r)
        absent = {t["id_number"][-4:]: t["id"] for t in r.json["tasks"] if t["kind"] == "absent"}
        self.assertEqual(sorted(absent), sorted([t1[-4:], t2[-4:]]))
        tasks = s.as_("clerk_a", "GET", "/api/v1/tasks",
                      query={"status": "open", "per_page": 100, "grid": self.grid}).json["items"]
        group = [t["id"] for t in tasks if t["kind"] == "group_rental" and t["house_id"] == house]
        unreg = [t["id"] for t in tasks if t["kind"] == "unregistered" and
                 t["id_number"] == t2]
        self.assertEqual((len(group), len(unreg)), (1, 1), tasks)
        # The first tenant moved away: their tenancy ends today, the house
        # is counted again and no longer flagged, its group-rental task
        # closes, and their registration here is marked for the station.
        r = s.as_("grid_a", "POST", "/api/v1/tasks/%d/close" % absent[t1[-4:]],
                  {"outcome": "moved_away", "note": "房东称已搬走"})
        self.assertEqual(r.status, 200, r)
        follow = r.json["moved_away"]
        self.assertEqual(follow["houses"], [{"id": house, "occupants": 1, "flagged": False,
                                             "was_flagged": True}])
        self.assertEqual(follow["group_rental_tasks_closed"], group)
        self.assertEqual(follow["registration"]["id"], reg.json["registration"]["id"])
        h = s.as_("clerk_a", "GET", "/api/v1/houses/%d" % house, query=R).json
        self.assertEqual((h["house"]["occupants"], h["house"]["flag"]["flagged"]), (1, False))
        ended = [t for t in h["tenants"] if t["id_number"] == t1]
        self.assertEqual([t["move_out"] for t in ended], [TODAY.isoformat()])
        done = s.as_("clerk_a", "GET", "/api/v1/tasks",
                     query={"status": "done", "kind": "group_rental", "per_page": 100,
                            "grid": self.grid}).json["items"]
        self.assertEqual([t["outcome"] for t in done if t["id"] in group], ["moved_away"])
        r = s.as_("clerk_a", "GET", "/api/v1/registrations/%d" % reg.json["registration"]["id"],
                  query=R)
        self.assertEqual(r.json["registration"]["status"], "active")
        self.assertEqual(r.json["registration"]["moved_away"],
                         {"date": TODAY.isoformat(), "task_id": absent[t1[-4:]]})
        listed = s.as_("clerk_a", "GET", "/api/v1/registrations",
                       query=dict(R, moved_away="1", per_page=100)).json["items"]
        self.assertIn(reg.json["registration"]["id"], [x["id"] for x in listed])
        self.assertGreaterEqual(self.queues("clerk_a")["moved_away"], 1)
        # The second moved away too: their other open task of the grid (not
        # registered) closes as moved away, and the house is empty.
        r = s.as_("grid_a", "POST", "/api/v1/tasks/%d/close" % absent[t2[-4:]],
                  {"outcome": "moved_away"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["moved_away"]["tasks_closed"], unreg)
        self.assertIsNone(r.json["moved_away"]["registration"])
        open_now = s.as_("clerk_a", "GET", "/api/v1/tasks",
                         query={"status": "open", "per_page": 100, "grid": self.grid}).json
        self.assertFalse([t for t in open_now["items"] if t["id_number"] in (t1, t2)])
        h = s.as_("clerk_a", "GET", "/api/v1/houses/%d" % house, query=R).json["house"]
        self.assertEqual(h["occupants"], 0)
        # Another outcome changes nothing else.
        r = s.as_("grid_a", "POST", "/api/v1/tasks/%d/close" % absent[t2[-4:]],
                  {"outcome": "visited"})
        self.assertEqual(r.status, 409, r)


class BackdateSetting(unittest.TestCase):
    """--backdate-days sets the limit: the issue's 35-day example is
    accepted under a limit of 40, with its reason, and shown as such."""

    def test_35_days_back_within_a_limit_of_40(self):
        s = Server(people=10, backdate_days=40)
        try:
            body = declaration(s.grids_a[0], idn=id_number("110105", "19900101", 5),
                               arrival=day(37), declared=day(35),
                               date_reason="系统停机期间的纸质申报")
            del body["date_reason"]
            r = s.as_("clerk_a", "POST", "/api/v1/registrations", body)
            self.assertEqual(r.status, 422, r)
            self.assertEqual(r.error_field(), "date_reason")
            body["date_reason"] = "系统停机期间的纸质申报"
            r = s.as_("clerk_a", "POST", "/api/v1/registrations", body)
            self.assertEqual(r.status, 201, r)
            self.assertEqual(r.json["registration"]["declared_date"], day(35))
            self.assertEqual((r.json["event"]["backdated"], r.json["event"]["date_reason"]),
                             (True, "系统停机期间的纸质申报"))
            body = declaration(s.grids_a[0], idn=id_number("110105", "19900101", 6),
                               arrival=day(43), declared=day(41))
            r = s.as_("clerk_a", "POST", "/api/v1/registrations", body)
            self.assertEqual(r.status, 422, r)
            self.assertEqual(r.error_field(), "declared_date")
            self.assertIn("40天", r.json["error"]["message"])
        finally:
            s.close()

    def test_the_setting_is_checked(self):
        for bad in ("-1", "3661", "x"):
            p = run("serve", "--backdate-days", bad, "--data", "/nonexistent", check=False)
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertIn("--backdate-days", p.stderr)
        p = run("serve", "--accept-days", "0", "--data", "/nonexistent", check=False)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("--accept-days", p.stderr)


if __name__ == "__main__":
    unittest.main()
