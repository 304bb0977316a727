"""End-to-end tests of who sees a person (issue 12, README "Who sees what"):

- visibility follows the active registration: a station that registered a
  person who has moved away keeps only the registration it recorded;
- masking is the server's: a grid worker receives no full ID number from
  any route it can call, while a clerk does;
- every list (work lists, tasks, reports, organisations, houses, the grid's
  work list, print pages) is audited with its route's purpose and names the
  records it carried;
- an organisation's report answers say what its duty needs and nothing of
  what the registry knows of the person."""
import datetime
import json
import re
import time
import unittest

from harness import DATE_REASON, Server, declaration, id_number, masked, run, take_photo

R = {"reason": "核对居住登记"}
TODAY = datetime.date.today().isoformat()

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
# 18 characters standing alone: not inside a certificate or permit number
# (DJ…, JZ…, which share the check of ID numbers), the serial part of a
# licence identifier (….370102202500000011.001.…) or a masked number.
ID_LIKE = re.compile(rb"(?<![0-9A-Za-z*.])([1-9]\d{16}[\dXx])(?![0-9A-Za-z*.])")


def full_id_numbers(body):
    """Every valid 18-digit ID number (GB 11643 check) in a raw body."""
    found = []
    for m in ID_LIKE.findall(body):
        s = m.decode().upper()
        if "10X98765432"[sum(int(c) * w for c, w in zip(s, WEIGHTS)) % 11] == s[17]:
            found.append(s)
    return found


class Fixture(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = Server(people=20)
        cls.grid = cls.s.grids_a[0]

    @classmethod
    def tearDownClass(cls):
        cls.s.close()

    def register(self, who, grid, idn, phone="13800000000", road="经十路", **kw):
        body = declaration(grid, idn=idn, **kw)
        body["person"]["phone"] = phone
        body["address"]["road"] = road
        r = self.s.as_(who, "POST", "/api/v1/registrations", body)
        self.assertEqual(r.status, 201, r)
        return r.json["person"]["id"], r.json["registration"]["id"]

    def audit_entries(self, target):
        r = self.s.as_("admin", "GET", "/api/v1/audit",
                       query={"target": target, "per_page": 100})
        self.assertEqual(r.status, 200, r)
        return r.json["items"]

    def wait_audit(self, target, match):
        """The audit entry of target that matches: reads are committed with
        the next group commit (milliseconds; up to 5 s on a loaded
        machine)."""
        for _ in range(250):
            for e in self.audit_entries(target):
                if match(e):
                    return e
            time.sleep(0.02)
        return None


class MovedAway(Fixture):
    """Visibility follows the active registration."""

    def test_registered_again_at_another_station(self):
        idn = id_number("130102", "19900315")
        pid, old = self.register("clerk_a", self.grid, idn, phone="13811110001")
        r = self.s.as_("clerk_a", "POST", "/api/v1/registrations/%d/cancel" % old, {
            "left_date": "2025-09-29", "reporter": "self", "reason": "迁往市中区"})
        self.assertEqual(r.status, 200, r)
        # Before anyone else registers them, the person stays with station A.
        self.assertEqual(self.s.as_("clerk_a", "GET", "/api/v1/persons/%d" % pid,
                                    query=R).status, 200)
        pid2, new = self.register("clerk_b", self.s.grids_b[0], idn, phone="13922220002",
                                  road="泉城路", arrival="2025-09-30", declared="2025-10-09")
        self.assertEqual(pid2, pid)

        # Station A: the person is no longer in its area.
        for path in ("/api/v1/persons/%d", "/api/v1/persons/%d/history",
                     "/api/v1/persons/%d/entitlements", "/api/v1/persons/%d/permits"):
            with self.subTest(path=path):
                r = self.s.as_("clerk_a", "GET", path % pid, query=R)
                self.assertEqual((r.status, r.error_code()), (403, "out_of_area"), r)
        r = self.s.as_("grid_a", "GET", "/api/v1/persons/%d" % pid, query=R)
        self.assertEqual((r.status, r.error_code()), (403, "out_of_area"), r)
        for who in ("clerk_a", "grid_a"):
            r = self.s.as_(who, "GET", "/api/v1/persons", query=dict(R, id_number=idn))
            self.assertEqual((r.status, r.json["total"]), (200, 0), r)
        # It keeps the registration it recorded, as it recorded it: not the
        # new address, the new phone or the new registration.
        r = self.s.as_("clerk_a", "GET", "/api/v1/registrations/%d" % old, query=R)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["registration"]["id"], old)
        self.assertEqual(r.json["registration"]["status"], "cancelled")
        self.assertEqual(r.json["registration"]["address"]["road"], "经十路")
        self.assertIs(r.json["person_in_area"], False)
        for leak in ("13922220002", "泉城路", "13811110001"):
            self.assertNotIn(leak.encode(), r.raw)
        r = self.s.as_("clerk_a", "GET", "/api/v1/registrations/%d" % new, query=R)
        self.assertEqual((r.status, r.error_code()), (403, "out_of_area"), r)

        # Station B sees everything, the old registration included.
        r = self.s.as_("clerk_b", "GET", "/api/v1/persons/%d" % pid, query=R)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["person"]["phone"], "13922220002")
        self.assertEqual(r.json["active_registration"]["id"], new)
        self.assertEqual(sorted(x["id"] for x in r.json["registrations"]), sorted([old, new]))
        r = self.s.as_("clerk_b", "GET", "/api/v1/persons", query=dict(R, id_number=idn))
        self.assertEqual([p["id"] for p in r.json["items"]], [pid])
        r = self.s.as_("clerk_b", "GET", "/api/v1/registrations/%d" % old, query=R)
        self.assertEqual(r.status, 200, r)
        self.assertIs(r.json["person_in_area"], True)
        self.assertEqual(self.s.as_("clerk_b", "GET", "/api/v1/persons/%d/history" % pid,
                                    query=R).status, 200)

    def test_address_change_to_another_station_of_the_district(self):
        # A third clerk, of the station of another 历下区 grid.
        db = self.s.db()
        station_c = db.execute(
            "SELECT c.station FROM areas g JOIN areas c ON c.code = g.parent WHERE g.code = ?",
            (self.s.grid_lixia_other,)).fetchone()[0]
        db.close()
        if "clerk_c" not in self.s.accounts:
            out = json.loads(run("user", "add", "t_clerk_c", "--role", "clerk", "--area",
                                 station_c, "--data", self.s.data).stdout)
            self.s.accounts["clerk_c"] = ("t_clerk_c", out["password"])
        idn = id_number("130102", "19910416")
        pid, reg = self.register("clerk_a", self.grid, idn, phone="13811110003")
        # The move crosses stations, so the desk of neither can record it
        # alone; an administrator does.
        r = self.s.as_("admin", "POST", "/api/v1/registrations/%d/address-change" % reg, {
            "address": {"grid": self.s.grid_lixia_other, "road": "文化东路", "house_number": "7号"},
            "moved_date": "2025-10-01", "declared_date": "2025-10-09",
            "date_reason": DATE_REASON})
        self.assertEqual(r.status, 200, r)
        r = self.s.as_("clerk_a", "GET", "/api/v1/persons/%d" % pid, query=R)
        self.assertEqual((r.status, r.error_code()), (403, "out_of_area"), r)
        r = self.s.as_("clerk_a", "GET", "/api/v1/persons", query=dict(R, id_number=idn))
        self.assertEqual(r.json["total"], 0, r)
        # The registration itself moved: station A has nothing of the new
        # address.
        r = self.s.as_("clerk_a", "GET", "/api/v1/registrations/%d" % reg, query=R)
        self.assertEqual((r.status, r.error_code()), (403, "out_of_area"), r)
        self.assertNotIn("文化东路".encode(), r.raw)
        r = self.s.as_("clerk_c", "GET", "/api/v1/persons/%d" % pid, query=R)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["active_registration"]["address"]["road"], "文化东路")
        self.assertEqual(r.json["person"]["phone"], "13811110003")

    def test_left_jinan_stays_with_the_last_station(self):
        idn = id_number("130102", "19920517")
        pid, reg = self.register("clerk_a", self.grid, idn)
        self.s.as_("clerk_a", "POST", "/api/v1/registrations/%d/cancel" % reg, {
            "left_date": "2025-09-29", "reporter": "self", "reason": "离开本市"})
        self.assertEqual(self.s.as_("clerk_a", "GET", "/api/v1/persons/%d" % pid,
                                    query=R).status, 200)
        r = self.s.as_("clerk_a", "GET", "/api/v1/persons", query=dict(R, id_number=idn))
        self.assertEqual(r.json["total"], 1, r)
        self.assertEqual(self.s.as_("clerk_b", "GET", "/api/v1/persons/%d" % pid,
                                    query=R).status, 403)


class People(Fixture):
    """A grid with what every list shows: registrations (one late), an
    application past its issue deadline, a child's permit with a guardian,
    an individual landlord, a house and its tenant's task."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s, grid = cls.s, cls.grid
        cls.adult = id_number("320102", "19880506", 31)
        cls.child = id_number("320102", "20120301", 41)
        cls.guardian = id_number("320102", "19850101", 51)
        cls.late = id_number("320102", "19890909", 61)
        cls.landlord_idn = id_number("370102", "19700101", 71)
        cls.tenant = id_number("110105", "19930303", 81)
        cls.visitor = id_number("110105", "19940404", 91)
        cls.applicant = id_number("320102", "19870707", 33)
        cls.known = [cls.adult, cls.child, cls.guardian, cls.late, cls.landlord_idn,
                     cls.tenant, cls.visitor, cls.applicant]

        def post(path, body, who="clerk_a"):
            r = s.as_(who, "POST", path, body)
            assert r.status in (200, 201), r
            return r.json

        a = post("/api/v1/registrations", declaration(grid, idn=cls.adult,
                                                     arrival="2023-01-10", declared="2023-01-12"))
        cls.adult_pid, cls.adult_reg = a["person"]["id"], a["registration"]["id"]
        # An application accepted long ago and never issued: on the permit
        # work list.
        p = post("/api/v1/persons/%d/permits" % cls.adult_pid, {
            "basis": "employment", "date_reason": DATE_REASON, "applied_date": "2023-08-01",
            "materials": {"id_card": True, "photo": True, "residence_proof": True,
                          "basis_proof": True}})
        post("/api/v1/permits/%d/accept" % p["permit"]["id"], {"date_reason": DATE_REASON, "accepted_date": "2023-08-01"})
        # A child's permit, applied for by a guardian, issued.
        c = post("/api/v1/registrations", declaration(grid, idn=cls.child,
                                                     arrival="2022-01-10", declared="2022-01-12"))
        cls.child_pid, cls.child_reg = c["person"]["id"], c["registration"]["id"]
        p = post("/api/v1/persons/%d/permits" % cls.child_pid, {
            "basis": "study", "date_reason": DATE_REASON, "applied_date": "2022-08-01",
            "guardian": {"name": "家长", "id_number": cls.guardian, "relation": "父亲"},
            "materials": {"id_card": True, "photo": True, "residence_proof": True,
                          "basis_proof": True, "guardian_id": True}})
        cls.permit = p["permit"]["id"]
        post("/api/v1/permits/%d/accept" % cls.permit, {"date_reason": DATE_REASON, "accepted_date": "2022-08-01"})
        take_photo(s, "clerk_a", cls.child_pid)
        cls.permit_no = post("/api/v1/permits/%d/issue" % cls.permit,
                             {"date_reason": DATE_REASON, "issued_date": "2022-08-05"})["permit"]["permit_no"]
        # A late declaration.
        post("/api/v1/registrations", declaration(grid, idn=cls.late, arrival="2025-09-01",
                                                  declared="2025-09-29"))
        # An application waiting for acceptance (待受理), its materials short.
        a = post("/api/v1/registrations", declaration(grid, idn=cls.applicant,
                                                     arrival="2024-01-10", declared="2024-01-12"))
        cls.applicant_pid = a["person"]["id"]
        post("/api/v1/persons/%d/permits" % cls.applicant_pid,
             {"basis": "housing", "materials": {"id_card": True}})
        # An individual landlord, a house, a tenant not registered (a task).
        cls.landlord = post("/api/v1/organisations", {
            "kind": "landlord", "name": "个人房东", "grid": grid,
            "id_number": cls.landlord_idn, "phone": "13700000000"})["organisation"]["id"]
        cls.house = post("/api/v1/houses", {
            "address": {"grid": grid, "road": "经十路", "house_number": "66号", "room": "1"},
            "landlord": cls.landlord, "rooms": 2, "capacity": 4})["house"]["id"]
        rep = post("/api/v1/reports", {
            "organisation": cls.landlord, "kind": "tenant_move_in",
            "person": {"id_number": cls.tenant, "name": "租客"}, "event_date": TODAY,
            "house": cls.house})
        cls.report, cls.task = rep["report"]["id"], rep["task"]["id"]
        cls.org_key = post("/api/v1/organisations/%d/keys" % cls.landlord, {})["key"]
        cls.operations = s.call("GET", "/api/v1/openapi.json").json["paths"]

    def path_ids(self, path):
        ids = {"/api/v1/registrations/{id}": self.child_reg,
               "/api/v1/permits/{id}": self.permit,
               "/api/v1/houses/{id}": self.house,
               "/api/v1/reports/{id}": self.report}
        if path in ids:
            return path.replace("{id}", str(ids[path]))
        if path.startswith("/api/v1/persons/{id}"):
            return path.replace("{id}", str(self.child_pid))
        return path.replace("{no}", self.permit_no)


class Masking(People):
    """Grid workers never receive a full ID number; clerks do."""

    def get_everything(self, who):
        """The raw answer of every GET operation `who` may call."""
        role = {"grid_a": "grid", "clerk_a": "clerk"}[who]
        answers = {}
        for path, ops in self.operations.items():
            op = ops.get("get")
            if not op or (op.get("x-roles") and role not in op["x-roles"]):
                continue
            query = {}
            names = [p["name"] for p in op.get("parameters", [])]
            if "reason" in names:
                query.update(R)
            if path == "/api/v1/persons":
                query["id_number"] = self.child
            r = self.s.as_(who, "GET", self.path_ids(path), query=query)
            self.assertLess(r.status, 500, (path, r))
            answers[path] = r
        return answers

    def test_grid_worker_gets_no_full_id_number(self):
        answers = self.get_everything("grid_a")
        # The grid worker's routes did answer with the people.
        for path in ("/api/v1/persons/{id}", "/api/v1/persons", "/api/v1/tasks",
                     "/api/v1/grid/worklist", "/api/v1/houses/{id}", "/api/v1/reports",
                     "/api/v1/permits/{id}", "/api/v1/registrations",
                     "/api/v1/worklists/late"):
            self.assertEqual(answers[path].status, 200, (path, answers[path]))
        self.assertIn(masked(self.child).encode(), answers["/api/v1/persons/{id}"].raw)
        self.assertIn(masked(self.guardian).encode(), answers["/api/v1/permits/{id}"].raw)
        self.assertIn(masked(self.tenant).encode(), answers["/api/v1/houses/{id}"].raw)
        # A visit and a task closed: the answers echo people, masked.
        r = self.s.as_("grid_a", "POST", "/api/v1/visits", {
            "house": self.house, "occupants": [{"id_number": self.visitor, "name": "访客"}]})
        self.assertEqual(r.status, 201, r)
        answers["POST /api/v1/visits"] = r
        r = self.s.as_("grid_a", "POST", "/api/v1/tasks/%d/close" % self.task,
                       {"outcome": "visited", "note": "已告知申报"})
        self.assertEqual(r.status, 200, r)
        answers["POST /api/v1/tasks/{id}/close"] = r
        # Errors too (a search refused names no one).
        answers["error"] = self.s.as_("grid_a", "GET", "/api/v1/persons/%d" % self.adult_pid,
                                      query={"reason": ""})
        for path, r in answers.items():
            with self.subTest(path=path):
                self.assertEqual(full_id_numbers(r.raw), [], r)
                for idn in self.known:
                    self.assertNotIn(idn.encode(), r.raw)

    def test_clerk_gets_full_id_numbers(self):
        answers = self.get_everything("clerk_a")
        seen = set()
        for r in answers.values():
            seen.update(full_id_numbers(r.raw))
        for idn in (self.child, self.guardian, self.tenant, self.landlord_idn):
            self.assertIn(idn, seen)
        self.assertIn(self.child.encode(), answers["/api/v1/persons/{id}"].raw)
        self.assertIn(self.child.encode(), answers["/api/v1/permits/{no}/print"].raw)

    def test_grid_worker_prints_no_certificate(self):
        # Printing is a station act: refused, not masked.
        for path in ("/api/v1/permits/%s/print", "/api/v1/permits/%s/qr.svg"):
            r = self.s.as_("grid_a", "GET", path % self.permit_no)
            self.assertEqual((r.status, r.error_code()), (403, "forbidden"), r)


class ListsAudited(People):
    """Every list is audited with its purpose and the records it carried."""

    def carried(self, entry):
        return json.loads(entry["detail"]) if entry["detail"] else {}

    def expect(self, who, path, query, target, kind, record, purpose, action=None):
        r = self.s.as_(who, "GET", path, query=query)
        self.assertEqual(r.status, 200, r)
        e = self.wait_audit(target, lambda e: e["username"] == "t_" + who and
                            e["reason"] == purpose and
                            (action is None or e["action"] == action) and
                            record in self.carried(e).get(kind, []))
        self.assertIsNotNone(e, "%s: no audit entry with %r and %s %d: %r" % (
            path, purpose, kind, record, self.audit_entries(target)[:3]))
        self.assertEqual(e["result"], "ok")
        return e

    def test_every_list_is_audited_with_its_purpose(self):
        purposes = {path: ops["get"]["x-purpose"] for path, ops in self.operations.items()
                    if "get" in ops and "x-purpose" in ops["get"]}
        lists = {
            "/api/v1/worklists/late": ("clerk_a", {"from": "2025-09-29", "to": "2025-09-29"},
                                       "persons", None),
            "/api/v1/worklists/permits": ("clerk_a", {}, "persons", self.adult_pid),
            "/api/v1/worklists/applications": ("clerk_a", {"channel": "counter"}, "persons",
                                               self.applicant_pid),
            "/api/v1/organisations": ("clerk_a", {"per_page": 100}, "organisations",
                                      self.landlord),
            "/api/v1/houses": ("clerk_a", {"per_page": 100}, "organisations", self.landlord),
            "/api/v1/reports": ("clerk_a", {"per_page": 100}, "reports", self.report),
            "/api/v1/reports/{id}": ("clerk_a", {}, "reports", self.report),
            "/api/v1/tasks": ("clerk_a", {"per_page": 100, "grid": self.grid}, "tasks",
                              self.task),
            "/api/v1/grid/worklist": ("grid_a", {}, "tasks", None),
            "/api/v1/permits/{no}/print": ("clerk_a", {}, "persons", self.child_pid),
            "/api/v1/permits/{no}/qr.svg": ("clerk_a", {}, "persons", self.child_pid),
        }
        # Every route with a purpose is covered here, and has one.
        self.assertEqual(set(purposes), set(lists))
        late = self.s.as_("clerk_a", "GET", "/api/v1/worklists/late",
                          query={"from": "2025-09-29", "to": "2025-09-29"}).json["items"]
        late_pid = [i["person_id"] for i in late][0]
        grid = self.s.as_("grid_a", "GET", "/api/v1/grid/worklist").json
        grid_task = grid["tasks"][0]["id"]
        for path, (who, query, kind, record) in lists.items():
            with self.subTest(path=path):
                self.assertTrue(purposes[path])
                record = record or (late_pid if kind == "persons" else grid_task)
                target = ("report:%d" % self.report if path == "/api/v1/reports/{id}" else
                          "person:%d" % self.child_pid if "{no}" in path else
                          "route:GET " + path)
                action = ("permit:print" if path.endswith("/print") else
                          "permit:qr_view" if path.endswith("qr.svg") else None)
                self.expect(who, self.path_ids(path), query, target, kind, record,
                            purposes[path], action)

    def test_a_stated_reason_is_recorded_instead(self):
        self.expect("clerk_a", "/api/v1/tasks",
                    {"per_page": 100, "grid": self.grid, "reason": "复核群众来信"},
                    "route:GET /api/v1/tasks", "tasks", self.task, "复核群众来信")

    def test_an_organisation_reading_its_reports_is_audited(self):
        r = self.s.call("GET", "/api/v1/reports",
                        headers={"Authorization": "ApiKey " + self.org_key})
        self.assertEqual(r.status, 200, r)
        e = self.wait_audit("route:GET /api/v1/reports",
                            lambda e: e["username"] == "org:%d" % self.landlord and
                            self.report in self.carried(e).get("reports", []))
        self.assertIsNotNone(e)
        self.assertEqual(e["reason"], "报告核查")

    def test_the_purpose_is_in_the_openapi_document(self):
        op = self.operations["/api/v1/tasks"]["get"]
        self.assertEqual(op["x-purpose"], "网格任务办理")
        reason = [p for p in op["parameters"] if p["name"] == "reason"]
        self.assertEqual(len(reason), 1)
        self.assertFalse(reason[0]["required"])


class ReporterLearnsOnlyItsDuty(Fixture):
    """An organisation is told that its report was received, on time or late
    and why: not whether the person is registered, nor any task."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.s
        r = s.as_("clerk_a", "POST", "/api/v1/organisations", {
            "kind": "employer", "name": "某某物流有限公司", "grid": cls.grid,
            "credit_code": "91370100MA3C000077"})
        assert r.status == 201, r
        cls.org = r.json["organisation"]["id"]
        cls.key = s.as_("clerk_a", "POST", "/api/v1/organisations/%d/keys" % cls.org,
                        {}).json["key"]
        cls.registered = id_number("110105", "19900101", 11)
        cls.unregistered = id_number("110105", "19900101", 13)
        r = s.as_("clerk_a", "POST", "/api/v1/registrations",
                  declaration(cls.grid, idn=cls.registered))
        assert r.status == 201, r

    def as_org(self, method, path, body=None, raw=None, ctype=None):
        headers = {"Authorization": "ApiKey " + self.key}
        if ctype:
            headers["Content-Type"] = ctype
        return self.s.call(method, path, body=body, raw=raw, headers=headers)

    @staticmethod
    def without_ids(x, keys=("id", "id_number", "created_at", "line", "upload_id")):
        if isinstance(x, dict):
            return {k: ReporterLearnsOnlyItsDuty.without_ids(v) for k, v in x.items()
                    if k not in keys}
        if isinstance(x, list):
            return [ReporterLearnsOnlyItsDuty.without_ids(v) for v in x]
        return x

    def report(self, idn):
        r = self.as_org("POST", "/api/v1/reports", {
            "kind": "hire", "person": {"id_number": idn, "name": "同名"},
            "event_date": TODAY, "address": {"grid": self.grid, "road": "经十路"}})
        self.assertEqual(r.status, 201, r)
        return r

    def test_answers_alike_for_registered_and_not(self):
        a, b = self.report(self.registered), self.report(self.unregistered)
        self.assertEqual(self.without_ids(a.json), self.without_ids(b.json))
        for key in ("registered", "in_scope"):
            self.assertNotIn(key, a.json["report"])
        self.assertNotIn("task", a.json)
        # What its duty needs is there: on time, the deadline and why.
        self.assertIs(a.json["report"]["late"], False)
        self.assertTrue(a.json["report"]["deadline"])
        self.assertTrue(a.json["report"]["checks"][0]["basis"])
        # Read back, alike too; the station, reading the same reports,
        # sees the difference.
        ra, rb = (self.as_org("GET", "/api/v1/reports/%d" % x.json["report"]["id"])
                  for x in (a, b))
        self.assertEqual(self.without_ids(ra.json), self.without_ids(rb.json))
        sa, sb = (self.s.as_("clerk_a", "GET", "/api/v1/reports/%d" % x.json["report"]["id"])
                  for x in (a, b))
        self.assertEqual((sa.json["report"]["registered"], sb.json["report"]["registered"]),
                         (True, False))
        listed = self.as_org("GET", "/api/v1/reports").json["items"]
        mine = [x for x in listed if x["id"] in (a.json["report"]["id"], b.json["report"]["id"])]
        self.assertEqual(len(mine), 2)
        self.assertEqual(self.without_ids(mine[0]), self.without_ids(mine[1]))

    def test_upload_answers_alike_for_registered_and_not(self):
        def upload(idn):
            data = ("kind,id_number,name,event_date,grid\nhire,%s,同名,%s,%s\n" %
                    (idn, TODAY, self.grid)).encode()
            r = self.as_org("POST", "/api/v1/reports/uploads", raw=data, ctype="text/csv")
            self.assertEqual(r.status, 200, r)
            c = self.as_org("POST", "/api/v1/reports/uploads/%d/confirm" % r.json["upload"]["id"],
                            {})
            self.assertEqual(c.status, 200, c)
            return r.json, c.json

        (pa, ca), (pb, cb) = upload(self.registered), upload(self.unregistered)
        self.assertEqual(self.without_ids(pa), self.without_ids(pb))
        self.assertEqual(self.without_ids(ca), self.without_ids(cb))
        self.assertNotIn("tasks", pa["upload"])
        self.assertNotIn("task", pa["rows"][0])
        self.assertNotIn("tasks", ca)
        self.assertEqual((pa["upload"]["rows"], ca["written"]), (1, 1))


if __name__ == "__main__":
    unittest.main()
