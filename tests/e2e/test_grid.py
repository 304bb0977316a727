"""End-to-end tests of rental housing, the reports of landlords, employers
and agencies, uploads, the grid's tasks and visits (docs/grid.md).

Dates are relative to today (reports are dated by the server's clock):
an event today is reported on time; an event a month ago is late whatever
the holidays."""
import datetime
import os
import sqlite3
import time
import unittest

from harness import DATE_REASON, Server, declaration, id_number, masked

R = {"reason": "网格核查"}
TODAY = datetime.date.today()
LONG_AGO = (TODAY - datetime.timedelta(days=40)).isoformat()


def dangling_references(server):
    """Rows whose references point nowhere (SQLite's foreign_key_check):
    a confirmed upload checks what its rows refer to itself."""
    db = sqlite3.connect("file:%s?mode=ro" % os.path.join(server.data, "liudong.db"), uri=True)
    try:
        return db.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        db.close()


class Grid(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = Server(people=20)
        cls.grid = cls.s.grids_a[0]
        cls.other_grid = cls.s.grids_a[1]
        cls.landlord = cls.org("landlord", "张房东", id_number=id_number("370102", "19700101"))
        cls.employer = cls.org("employer", "济南某制造有限公司", credit_code="91370100MA3C000001")
        cls.agency = cls.org("rental_agency", "某某房产经纪公司", credit_code="91370100MA3C000002")
        cls.jobs = cls.org("job_agency", "某某人力资源公司", credit_code="91370100MA3C000003")
        cls.house = cls.make_house(rooms=2, capacity=4, area_m2=60)
        cls.keys = {}
        for name in ("landlord", "employer", "agency", "jobs"):
            org = getattr(cls, name)
            r = cls.s.as_("clerk_a", "POST", "/api/v1/organisations/%d/keys" % org, {})
            assert r.status == 201, r
            cls.keys[name] = r.json["key"]

    @classmethod
    def tearDownClass(cls):
        cls.s.close()

    @classmethod
    def org(cls, kind, name, **extra):
        body = {"kind": kind, "name": name, "grid": cls.grid, "phone": "13900000000"}
        body.update(extra)
        r = cls.s.as_("clerk_a", "POST", "/api/v1/organisations", body)
        assert r.status == 201, r
        return r.json["organisation"]["id"]

    @classmethod
    def make_house(cls, rooms, capacity, area_m2=None, room=None):
        cls._rooms = getattr(cls, "_rooms", 100) + 1
        body = {"address": {"grid": cls.grid, "road": "经十路", "house_number": "88号",
                            "building": "3", "unit": "1", "room": room or str(cls._rooms)},
                "landlord": cls.landlord, "agent": cls.agency, "filing_no": "JNZL2025000123",
                "rooms": rooms, "capacity": capacity}
        if area_m2:
            body["area_m2"] = area_m2
        r = cls.s.as_("clerk_a", "POST", "/api/v1/houses", body)
        assert r.status == 201, r
        return r.json["house"]["id"]

    def as_org(self, who, method, path, body=None, raw=None, query=None, ctype=None):
        headers = {"Authorization": "ApiKey " + self.keys[who]}
        if ctype:
            headers["Content-Type"] = ctype
        return self.s.call(method, path, body=body, raw=raw, query=query, headers=headers)

    def report(self, who, kind, idn, event, name="王五", **extra):
        body = {"kind": kind, "person": {"id_number": idn, "name": name}, "event_date": event}
        body.update(extra)
        return self.as_org(who, "POST", "/api/v1/reports", body)

    ORGS = {"landlord": "landlord", "employer": "employer", "agency": "agency", "jobs": "jobs"}

    def staff_report(self, who, kind, idn, event, name="王五", **extra):
        """The same report entered by the station for organisation `who`:
        the station's answer says what the report set off (the task, the
        house), which the organisation's own answer does not."""
        body = {"organisation": getattr(self, self.ORGS[who]), "kind": kind,
                "person": {"id_number": idn, "name": name}, "event_date": event}
        body.update(extra)
        return self.s.as_("clerk_a", "POST", "/api/v1/reports", body)

    def audited(self, target, match):
        """Whether an audit entry of target matches (reads are committed
        with the next group commit, within milliseconds; a loaded machine
        gets up to 5 s)."""
        for _ in range(250):
            items = self.s.as_("admin", "GET", "/api/v1/audit",
                               query={"target": target}).json["items"]
            if any(match(a) for a in items):
                return True
            time.sleep(0.02)
        return False

    def open_tasks(self, who="grid_a", **q):
        r = self.s.as_(who, "GET", "/api/v1/tasks", query=dict(status="open", per_page=100, **q))
        self.assertEqual(r.status, 200, r)
        return r.json["items"]

    # ---- each report kind, on time and late ------------------------------

    def test_each_kind_on_time_and_late(self):
        cases = [("landlord", "tenant_move_in", {"house": self.house}, "tenant_report"),
                 ("landlord", "tenant_move_out", {"house": self.house}, "tenant_departure"),
                 ("employer", "hire", {}, "hire"),
                 ("employer", "separation", {}, "separation"),
                 ("jobs", "placement", {"address": {"grid": self.grid, "road": "历山路"}}, "placement"),
                 ("agency", "placement", {}, "placement")]
        for who, kind, extra, duty in cases:
            for event, late in ((TODAY.isoformat(), False), (LONG_AGO, True)):
                with self.subTest(kind=kind, who=who, late=late):
                    r = self.report(who, kind, id_number("110105", "19900101"), event, **extra)
                    self.assertEqual(r.status, 201, r)
                    rep = r.json["report"]
                    self.assertEqual(rep["kind"], kind)
                    self.assertIs(rep["late"], late)
                    self.assertEqual(rep["checks"][-1]["event"], duty)
                    self.assertIs(rep["checks"][-1]["late"], late)
                    self.assertTrue(any(b.startswith("《山东省流动人口服务管理暂行办法》")
                                        for b in rep["checks"][-1]["basis"]), rep)
                    self.assertEqual(rep["reported_date"], TODAY.isoformat())
        # A move-in also carries the 24-hour identity check.
        r = self.report("landlord", "tenant_move_in", id_number("110105", "19900101"),
                        TODAY.isoformat(), house=self.house, event_time="08:00")
        self.assertEqual([c["event"] for c in r.json["report"]["checks"]],
                         ["tenant_move_in", "tenant_report"])
        self.assertEqual(r.json["report"]["checks"][0]["hours"], 24)

    def test_paper_report_dated_by_the_clerk(self):
        # Received on the third working day or later: counted from the paper's date.
        r = self.s.as_("clerk_a", "POST", "/api/v1/reports", {
            "organisation": self.employer, "kind": "hire",
            "person": {"id_number": id_number("110105", "19900101"), "name": "赵六"},
            "event_date": "2025-09-26", "reported_date": "2025-09-30",
            "date_reason": DATE_REASON})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json["report"]["deadline"], "2025-09-30")
        self.assertFalse(r.json["report"]["late"])
        # The record says it was entered later, and why.
        self.assertTrue(r.json["report"]["backdated"])
        self.assertEqual(r.json["report"]["date_reason"], DATE_REASON)
        self.assertEqual(r.json["report"]["entered_date"], TODAY.isoformat())
        r = self.s.as_("clerk_a", "POST", "/api/v1/reports", {
            "organisation": self.employer, "kind": "hire",
            "person": {"id_number": id_number("110105", "19900101"), "name": "赵六"},
            "event_date": "2025-09-26", "reported_date": "2025-10-09",
            "date_reason": DATE_REASON})
        self.assertTrue(r.json["report"]["late"])
        # Nine calendar days after its deadline, the first working day
        # after the National Day holiday: one working day late.
        self.assertEqual(r.json["report"]["working_days_late"], 1)
        # An organisation cannot backdate its own report.
        r = self.report("employer", "hire", id_number(), "2025-09-26", reported_date="2025-09-26")
        self.assertEqual(r.status, 422, r)
        self.assertEqual(r.error_field(), "reported_date")

    def test_bad_reports_change_nothing(self):
        before = self.s.as_("admin", "GET", "/api/v1/reports").json["total"]
        cases = [
            ("landlord", {"kind": "hire"}, "kind"),                 # not a landlord's duty
            ("employer", {"person": {"id_number": "110105199001011231", "name": "x"}},
             "person.id_number"),                                    # bad check digit
            ("landlord", {"kind": "tenant_move_in"}, "house"),       # no house
            ("employer", {"event_date": (TODAY + datetime.timedelta(days=2)).isoformat()},
             "event_date"),                                          # in the future
            ("employer", {"person": {"id_number": id_number(), "name": "x", "hukou_code": "370100"}},
             "person.hukou_code"),                                   # not county level
            ("employer", {"person": {"id_number": id_number(), "name": "x", "phone": "12345"}},
             "person.phone"),                                        # as registrations check it
        ]
        for who, change, field in cases:
            body = {"kind": "hire", "person": {"id_number": id_number(), "name": "钱七"},
                    "event_date": TODAY.isoformat()}
            body.update(change)
            with self.subTest(field=field):
                r = self.as_org(who, "POST", "/api/v1/reports", body)
                self.assertEqual(r.status, 422, r)
                self.assertEqual(r.error_field(), field)
                self.assertTrue(r.json["error"]["message"])
        self.assertEqual(self.s.as_("admin", "GET", "/api/v1/reports").json["total"], before)

    # ---- tasks: opened by a report, closed by a registration --------------

    def test_task_opened_and_closed_by_registration(self):
        idn = id_number("320102", "19920304")
        r = self.staff_report("employer", "hire", idn, TODAY.isoformat(),
                              address={"grid": self.other_grid, "road": "泉城路"})
        self.assertEqual(r.status, 201, r)
        task = r.json["task"]
        self.assertIsNotNone(task, r)
        self.assertEqual(task["kind"], "unregistered")
        self.assertEqual(task["grid"], self.other_grid)
        self.assertFalse(r.json["report"]["registered"])
        self.assertTrue(r.json["report"]["hukou_presumed"])
        # Due on the person's own deadline: 3 working days after arrival.
        self.assertGreater(task["due_date"], TODAY.isoformat())
        # A second report does not open a second task.
        r = self.staff_report("jobs", "placement", idn, TODAY.isoformat(),
                              address={"grid": self.other_grid})
        self.assertIsNone(r.json["task"])
        # The grid worker of the first grid does not see it.
        self.assertNotIn(task["id"], [t["id"] for t in self.open_tasks("grid_a")])
        self.assertIn(task["id"], [t["id"] for t in self.open_tasks("clerk_a")])
        # Registering the person closes it by itself.
        d = declaration(self.other_grid, idn=idn, arrival=TODAY.isoformat(),
                        declared=TODAY.isoformat(), hukou="320102")
        reg = self.s.as_("clerk_a", "POST", "/api/v1/registrations", d)
        self.assertEqual(reg.status, 201, reg)
        done = self.s.as_("clerk_a", "GET", "/api/v1/tasks",
                          query={"status": "done", "per_page": 100}).json["items"]
        closed = [t for t in done if t["id"] == task["id"]]
        self.assertEqual(len(closed), 1)
        self.assertEqual(closed[0]["outcome"], "registered")
        # A registered person is not followed up again.
        r = self.staff_report("employer", "hire", idn, TODAY.isoformat())
        self.assertTrue(r.json["report"]["registered"])
        self.assertIsNone(r.json["task"])

    def test_out_of_scope_person_opens_no_task(self):
        # A 历下区 hukou living in 历下区: same unit, not in scope.
        idn = id_number("370102", "19900101")
        r = self.staff_report("employer", "hire", idn, TODAY.isoformat())
        self.assertEqual(r.status, 201, r)
        self.assertFalse(r.json["report"]["in_scope"])
        self.assertIsNone(r.json["task"])

    def test_close_and_reassign(self):
        idn = id_number("420102", "19930101")
        task = self.staff_report("employer", "hire", idn, LONG_AGO,
                                 address={"grid": self.grid}).json["task"]
        self.assertTrue(task["overdue"])
        self.assertIn(task["id"], [t["id"] for t in self.open_tasks(overdue="1")])
        # A grid worker cannot reassign; the station can.
        r = self.s.as_("grid_a", "POST", "/api/v1/tasks/%d/reassign" % task["id"],
                       {"grid": self.other_grid})
        self.assertEqual(r.status, 403, r)
        r = self.s.as_("clerk_a", "POST", "/api/v1/tasks/%d/reassign" % task["id"],
                       {"grid": self.s.grids_b[0]})
        self.assertEqual(r.status, 403, r)  # another station's grid
        r = self.s.as_("clerk_a", "POST", "/api/v1/tasks/%d/reassign" % task["id"],
                       {"grid": self.other_grid})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["task"]["grid"], self.other_grid)
        # Now out of grid_a's reach.
        r = self.s.as_("grid_a", "POST", "/api/v1/tasks/%d/close" % task["id"],
                       {"outcome": "visited"})
        self.assertEqual(r.status, 403, r)
        r = self.s.as_("clerk_a", "POST", "/api/v1/tasks/%d/close" % task["id"],
                       {"outcome": "moved_away", "note": "已回原籍"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["task"]["status"], "done")
        r = self.s.as_("clerk_a", "POST", "/api/v1/tasks/%d/close" % task["id"],
                       {"outcome": "visited"})
        self.assertEqual(r.status, 409, r)
        r = self.s.as_("clerk_a", "POST", "/api/v1/tasks/%d/close" % task["id"],
                       {"outcome": "gone"})
        self.assertEqual(r.status, 422, r)
        self.assertEqual(r.error_field(), "outcome")

    # ---- group rental ------------------------------------------------------

    def test_group_rental_flag(self):
        house = self.make_house(rooms=1, capacity=3)
        people = [id_number("130102", "19950101") for _ in range(3)]
        for i, idn in enumerate(people[:2]):
            r = self.staff_report("landlord", "tenant_move_in", idn, TODAY.isoformat(),
                                  house=house)
            self.assertEqual(r.status, 201, r)
            self.assertFalse(r.json["house"]["flag"]["flagged"])
            self.assertEqual(r.json["house"]["occupants"], i + 1)
        # A third person in one room: more than 2 per room.
        r = self.staff_report("agency", "tenant_move_in", people[2], TODAY.isoformat(),
                              house=house)
        self.assertEqual(r.status, 201, r)
        flag = r.json["house"]["flag"]
        self.assertTrue(flag["flagged"])
        self.assertEqual([x["code"] for x in flag["reasons"]], ["over_rooms"])
        self.assertIn("《商品房屋租赁管理办法》第八条", flag["basis"])
        flagged = self.s.as_("grid_a", "GET", "/api/v1/houses", query={"flagged": "1"}).json
        self.assertIn(house, [h["id"] for h in flagged["items"]])
        gr = [t for t in self.open_tasks(kind="group_rental") if t["house_id"] == house]
        self.assertEqual(len(gr), 1)
        # Moving out clears the flag; the task stays for the visit.
        r = self.staff_report("landlord", "tenant_move_out", people[0], TODAY.isoformat(),
                              house=house)
        self.assertFalse(r.json["house"]["flag"]["flagged"])
        self.assertEqual(r.json["house"]["occupants"], 2)
        detail = self.s.as_("clerk_a", "GET", "/api/v1/houses/%d" % house, query=R).json
        self.assertEqual(sorted(t["id_number"] for t in detail["tenants"] if not t["move_out"]),
                         sorted(people[1:]))
        self.assertTrue(self.audited("house:%d" % house, lambda a: a["action"] == "house:read"
                                     and a["reason"] == R["reason"]))

    # ---- uploads -------------------------------------------------------------

    def upload(self, who, data, expect=200):
        r = self.as_org(who, "POST", "/api/v1/reports/uploads", raw=data, ctype="text/csv")
        self.assertEqual(r.status, expect, r)
        return r

    def staff_upload(self, who, data):
        """An upload the station makes for organisation `who`: its answer
        counts the tasks the rows open."""
        r = self.s.as_("clerk_a", "POST", "/api/v1/reports/uploads", raw=data,
                       query={"organisation": getattr(self, self.ORGS[who])},
                       headers={"Content-Type": "text/csv"})
        self.assertEqual(r.status, 200, r)
        return r

    def test_gbk_upload_preview_then_confirm(self):
        good = [id_number("510104", "19880808") for _ in range(3)]
        lines = ["报告类型,公民身份号码,姓名,发生日期,房屋编号,联系电话",
                 "入住,%s,李雷,%s,%d,13812345678" % (good[0], TODAY.isoformat(), self.house),
                 "入住,%s,韩梅梅,%s,%d," % (good[1], TODAY.strftime("%Y/%-m/%-d"), self.house),
                 "退租,%s,\"张,三\",%s,%d," % (good[2], LONG_AGO, self.house),
                 "入住,110105199001011231,坏号码,%s,%d," % (TODAY.isoformat(), self.house),
                 "招用,%s,王二,%s,," % (id_number(), TODAY.isoformat())]
        data = ("\r\n".join(lines) + "\r\n").encode("gbk")
        before = self.s.as_("admin", "GET", "/api/v1/reports").json["total"]
        r = self.upload("landlord", data)
        up = r.json["upload"]
        self.assertEqual(up["encoding"], "gbk")
        self.assertEqual((up["rows"], up["good"], up["bad"]), (5, 3, 2))
        self.assertEqual(up["by_kind"], {"tenant_move_in": 2, "tenant_move_out": 1})
        self.assertEqual(up["late"], 1)
        self.assertEqual([(e["line"], e["field"]) for e in r.json["errors"]],
                         [(5, "公民身份号码"), (6, "报告类型")])
        self.assertIn("张,三", [x["name"] for x in r.json["rows"]])
        # Bad rows: confirming writes nothing.
        c = self.as_org("landlord", "POST", "/api/v1/reports/uploads/%d/confirm" % up["id"], {})
        self.assertEqual(c.status, 422, c)
        self.assertEqual(c.json["error"]["code"], "upload_invalid")
        self.assertEqual(len(c.json["errors"]), 2)
        self.assertEqual(self.s.as_("admin", "GET", "/api/v1/reports").json["total"], before)
        # Once fixed, the same rows go in together.
        data = ("\r\n".join(lines[:4]) + "\r\n").encode("gbk")
        up = self.upload("landlord", data).json["upload"]
        self.assertEqual(up["bad"], 0)
        c = self.as_org("landlord", "POST", "/api/v1/reports/uploads/%d/confirm" % up["id"], {})
        self.assertEqual(c.status, 200, c)
        self.assertEqual(c.json["written"], 3)
        self.assertEqual(self.s.as_("admin", "GET", "/api/v1/reports").json["total"], before + 3)
        # Not twice.
        c = self.as_org("landlord", "POST", "/api/v1/reports/uploads/%d/confirm" % up["id"], {})
        self.assertEqual(c.status, 409, c)

    def test_confirm_checks_again(self):
        # A row that was good at preview but not at confirmation: the house
        # was... the report's person is fine, but the file now names a house
        # that the landlord no longer lets through this agency? Simplest
        # change of state: the preview counted a task; a registration in
        # between makes the task unnecessary, and the upload still writes.
        idn = id_number("610102", "19900101")
        data = ("kind,id_number,name,event_date,grid\nhire,%s,测试,%s,%s\n" %
                (idn, TODAY.isoformat(), self.grid)).encode()
        up = self.staff_upload("employer", data).json["upload"]
        self.assertEqual(up["tasks"], 1)
        d = declaration(self.grid, idn=idn, arrival=TODAY.isoformat(), declared=TODAY.isoformat(),
                        hukou="610102")
        self.assertEqual(self.s.as_("clerk_a", "POST", "/api/v1/registrations", d).status, 201)
        c = self.s.as_("clerk_a", "POST", "/api/v1/reports/uploads/%d/confirm" % up["id"], {})
        self.assertEqual(c.status, 200, c)
        self.assertEqual(c.json["tasks"], 0)

    def test_upload_counts_people_and_houses_once(self):
        # One file: three move into a one-room house (flagged once, at the
        # end); three move into another and one of them leaves again (never
        # flagged); a tenant is also reported placed (one task per person).
        full, passing = self.make_house(rooms=1, capacity=5), self.make_house(rooms=1, capacity=5)
        a, b, c, d, e, f = [id_number("320102", "19920202") for _ in range(6)]
        today = TODAY.isoformat()
        rows = ["入住,%s,租户,%s,%d," % (p, today, full) for p in (a, b, c)]
        rows += ["入住,%s,租户,%s,%d," % (p, today, passing) for p in (d, e, f)]
        rows += ["退租,%s,租户,%s,%d," % (f, today, passing),
                 "中介成功,%s,租户,%s,,%s" % (a, today, self.grid)]
        data = ("报告类型,公民身份号码,姓名,发生日期,房屋编号,网格代码\n" + "\n".join(rows)).encode()
        up = self.staff_upload("agency", data).json["upload"]
        self.assertEqual((up["rows"], up["bad"], up["tasks"]), (8, 0, 6))
        c = self.s.as_("clerk_a", "POST", "/api/v1/reports/uploads/%d/confirm" % up["id"], {})
        self.assertEqual(c.status, 200, c)
        self.assertEqual((c.json["written"], c.json["tasks"], c.json["houses_flagged"]), (8, 6, 1))
        self.assertEqual(dangling_references(self.s), [])
        houses = {h: self.s.as_("clerk_a", "GET", "/api/v1/houses/%d" % h, query=R).json["house"]
                  for h in (full, passing)}
        self.assertEqual((houses[full]["occupants"], houses[full]["flag"]["flagged"]), (3, True))
        self.assertEqual((houses[passing]["occupants"], houses[passing]["flag"]["flagged"]),
                         (2, False))
        tasks = self.open_tasks("clerk_a")
        self.assertEqual(len([t for t in tasks if t.get("id_number") == a]), 1)
        self.assertEqual([t["house_id"] for t in tasks if t["kind"] == "group_rental"
                          and t["house_id"] in (full, passing)], [full])

    def test_organisation_answer_matches_the_list(self):
        r = self.s.as_("clerk_a", "POST", "/api/v1/organisations",
                       {"kind": "employer", "name": "某物流有限公司", "grid": self.grid,
                        "credit_code": "91370100MA3C000004"})
        self.assertEqual(r.status, 201, r)
        made = r.json["organisation"]
        self.assertEqual((made["phone"], made["address"]), ("", ""))
        listed = [o for o in self.s.as_("clerk_a", "GET", "/api/v1/organisations",
                                        query={"per_page": 100}).json["items"]
                  if o["id"] == made["id"]]
        self.assertEqual(len(listed), 1)
        self.assertEqual({k: listed[0][k] for k in made}, made)

    def test_upload_file_errors(self):
        for data, msg in [(b"", "请上传"), (b"foo,bar\n1,2\n", "不是可识别的列名"),
                          (b"kind,name\nhire,x\n", "缺少必需的列"),
                          ("报告类型,公民身份号码,姓名,发生日期\n".encode(), "没有数据行"),
                          (b"\xff\xfe\x80k", "无法识别"),
                          (b"kind,id_number,name,event_date\nhire,1\x00,x,2026-01-01\n",
                           "文件第2行含有空字符")]:
            with self.subTest(msg=msg):
                r = self.upload("employer", data, expect=422)
                self.assertIn(msg, r.json["error"]["message"])
        # A clerk uploads for an organisation of the station, and must name it.
        r = self.s.as_("clerk_a", "POST", "/api/v1/reports/uploads",
                       raw=b"kind,id_number,name,event_date\n", headers={"Content-Type": "text/csv"})
        self.assertEqual(r.status, 422, r)
        self.assertEqual(r.error_field(), "organisation")
        r = self.s.as_("clerk_b", "POST", "/api/v1/reports/uploads",
                       raw=b"kind,id_number,name,event_date\n", query={"organisation": self.employer},
                       headers={"Content-Type": "text/csv"})
        self.assertEqual(r.status, 403, r)

    # ---- role limits ---------------------------------------------------------

    def test_agency_reads_only_its_own(self):
        idn = id_number("440103", "19900101")
        mine = self.report("jobs", "placement", idn, TODAY.isoformat()).json["report"]
        other = self.report("employer", "hire", id_number(), TODAY.isoformat()).json["report"]
        self.assertEqual(self.as_org("jobs", "GET", "/api/v1/reports/%d" % mine["id"]).status, 200)
        r = self.as_org("jobs", "GET", "/api/v1/reports/%d" % other["id"])
        self.assertEqual(r.status, 403, r)
        listed = self.as_org("jobs", "GET", "/api/v1/reports", query={"per_page": 100}).json
        self.assertTrue(all(x["organisation"]["id"] == self.jobs for x in listed["items"]))
        # No person records, no registrations, no houses, no tasks.
        reg = self.s.as_("clerk_a", "POST", "/api/v1/registrations",
                         declaration(self.grid, idn=idn, arrival=TODAY.isoformat(),
                                     declared=TODAY.isoformat(), hukou="440103"))
        person = reg.json["person"]["id"]
        for path in ("/api/v1/persons/%d" % person, "/api/v1/persons", "/api/v1/houses",
                     "/api/v1/tasks", "/api/v1/grid/worklist", "/api/v1/organisations"):
            with self.subTest(path=path):
                r = self.as_org("jobs", "GET", path, query=R)
                self.assertEqual(r.status, 403, r)
        self.assertTrue(self.audited("report:%d" % other["id"], lambda a: a["result"] == "denied"
                                     and a["username"] == "org:%d" % self.jobs))
        # A bad or revoked key is refused.
        r = self.s.call("GET", "/api/v1/reports",
                        headers={"Authorization": "ApiKey ldk_" + "0" * 40})
        self.assertEqual(r.status, 401, r)
        old = self.keys["jobs"]
        new = self.s.as_("clerk_a", "POST", "/api/v1/organisations/%d/keys" % self.jobs, {})
        self.keys["jobs"] = new.json["key"]
        r = self.s.call("GET", "/api/v1/reports", headers={"Authorization": "ApiKey " + old})
        self.assertEqual(r.status, 401, r)

    def test_grid_worker_sees_only_their_grid(self):
        idn = id_number("210102", "19900101")
        t = self.staff_report("employer", "hire", idn, TODAY.isoformat(),
                              address={"grid": self.other_grid}).json["task"]
        grid_view = self.s.as_("grid_a", "GET", "/api/v1/grid/worklist").json
        self.assertNotIn(t["id"], [x["id"] for x in grid_view["tasks"]])
        self.assertTrue(all(x["grid"] == self.grid for x in grid_view["tasks"]))
        r = self.s.as_("grid_a", "GET", "/api/v1/grid/worklist", query={"area": self.other_grid})
        self.assertEqual(r.status, 403, r)
        r = self.s.as_("grid_a", "POST", "/api/v1/tasks/%d/close" % t["id"], {"outcome": "visited"})
        self.assertEqual(r.status, 403, r)
        station = self.s.as_("clerk_a", "GET", "/api/v1/grid/worklist",
                             query={"area": self.other_grid}).json
        self.assertIn(t["id"], [x["id"] for x in station["tasks"]])
        for key in ("flagged_houses", "late_registrations", "late_reports", "permits_due"):
            self.assertIn(key, station)
        # Another station sees none of it.
        other = self.s.as_("clerk_b", "GET", "/api/v1/tasks", query={"per_page": 100}).json
        self.assertNotIn(t["id"], [x["id"] for x in other["items"]])
        r = self.s.as_("clerk_b", "GET", "/api/v1/houses/%d" % self.house, query=R)
        self.assertEqual(r.status, 403, r)

    # ---- visits and figures --------------------------------------------------

    def test_visit_differences_become_tasks(self):
        house = self.make_house(rooms=3, capacity=6)
        tenant, stranger = id_number("150102", "19900101"), id_number("150102", "19910101")
        self.assertEqual(self.report("landlord", "tenant_move_in", tenant, TODAY.isoformat(),
                                     house=house).status, 201)
        r = self.s.as_("grid_a", "POST", "/api/v1/visits", {
            "house": house, "occupants": [{"id_number": stranger, "name": "陌生人"}],
            "note": "晚间走访"})
        self.assertEqual(r.status, 201, r)
        # A grid worker's answers show ID numbers masked.
        self.assertEqual([(f["id_number"], f["status"]) for f in r.json["found"]],
                         [(masked(stranger), "unregistered")])
        self.assertEqual([a["id_number"] for a in r.json["absent"]], [masked(tenant)])
        kinds = sorted(t["kind"] for t in r.json["tasks"])
        self.assertEqual(kinds, ["absent", "unregistered"])
        r = self.s.as_("grid_a", "POST", "/api/v1/visits", {
            "house": house, "occupants": [{"id_number": "123", "name": "x"}]})
        self.assertEqual(r.status, 422, r)
        self.assertEqual(r.error_field(), "occupants[0].id_number")
        r = self.s.as_("grid_a", "POST", "/api/v1/visits", {
            "address": {"grid": self.other_grid, "road": "x"}, "occupants": []})
        self.assertEqual(r.status, 403, r)

    def test_report_address_is_the_houses(self):
        # A tenant report takes the house's address, written as the house
        # register writes it (经十路88号3号楼1单元…室).
        r = self.staff_report("landlord", "tenant_move_in", id_number("320102", "19930303"),
                              TODAY.isoformat(), house=self.house)
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json["report"]["address"], r.json["house"]["address_text"])
        self.assertRegex(r.json["report"]["address"], r"^经十路88号3号楼1单元\d+室$")

    def test_lists_answer_pages_alike(self):
        for path in ("/api/v1/organisations", "/api/v1/houses", "/api/v1/reports",
                     "/api/v1/tasks"):
            with self.subTest(path=path):
                r = self.s.as_("clerk_a", "GET", path, query={"page": 1, "per_page": 2})
                self.assertEqual(r.status, 200, r)
                self.assertEqual(set(r.json), {"total", "page", "per_page", "items"})
                self.assertEqual((r.json["page"], r.json["per_page"]), (1, 2))
                self.assertLessEqual(len(r.json["items"]), 2)
                self.assertGreaterEqual(r.json["total"], len(r.json["items"]))
                for bad in ({"per_page": 101}, {"page": 0}, {"page": "x"}):
                    r = self.s.as_("clerk_a", "GET", path, query=bad)
                    self.assertEqual((r.status, r.error_field()), (422, list(bad)[0]), r)

    def test_figures(self):
        r = self.s.as_("clerk_a", "GET", "/api/v1/stats/grid",
                       query={"parent": self.grid[:12]})
        self.assertEqual(r.status, 200, r)
        row = [x for x in r.json["items"] if x["code"] == self.grid][0]
        for key in ("actual_population", "floating_population", "rental_houses",
                    "tasks_open", "tasks_overdue"):
            self.assertIn(key, row)
        self.assertGreaterEqual(row["rental_houses"], 1)
        self.assertGreaterEqual(row["actual_population"], row["floating_population"])
        r = self.s.as_("clerk_a", "GET", "/api/v1/stats/grid", query={"parent": "x"})
        self.assertEqual(r.status, 422, r)


class LargeUpload(unittest.TestCase):
    """An upload big enough to be checked by several threads, on a server
    of its own (its thousands of tasks would crowd the other tests'
    lists)."""

    @classmethod
    def setUpClass(cls):
        cls.s = Server(people=5)
        cls.grid = cls.s.grids_a[0]
        cls.keys = {}
        for kind, name, code in (("rental_agency", "某某房产经纪公司", "91370100MA3C000002"),
                                 ("employer", "济南某制造有限公司", "91370100MA3C000001")):
            r = cls.s.as_("clerk_a", "POST", "/api/v1/organisations",
                          {"kind": kind, "name": name, "grid": cls.grid, "credit_code": code})
            assert r.status == 201, r
            org = r.json["organisation"]["id"]
            r = cls.s.as_("clerk_a", "POST", "/api/v1/organisations/%d/keys" % org, {})
            assert r.status == 201, r
            cls.keys[kind] = r.json["key"]
            cls.org_ids = getattr(cls, "org_ids", {})
            cls.org_ids[kind] = org
        cls.agency, cls.employer = cls.keys["rental_agency"], cls.keys["employer"]
        r = cls.s.as_("clerk_a", "POST", "/api/v1/organisations",
                      {"kind": "landlord", "name": "某房东", "grid": cls.grid,
                       "credit_code": "91370100MA3C000009"})
        assert r.status == 201, r
        r = cls.s.as_("clerk_a", "POST", "/api/v1/houses", {
            "address": {"grid": cls.grid, "road": "经十路", "house_number": "9号"},
            "landlord": r.json["organisation"]["id"],
            "agent": cls.org_ids["rental_agency"], "rooms": 3, "capacity": 6})
        assert r.status == 201, r
        cls.house = r.json["house"]["id"]

    @classmethod
    def tearDownClass(cls):
        cls.s.close()

    def as_org(self, method, path, body=None, raw=None, key=None, ctype=None):
        headers = {"Authorization": "ApiKey " + (key or self.agency)}
        if ctype:
            headers["Content-Type"] = ctype
        return self.s.call(method, path, body=body, raw=raw, headers=headers)

    def upload(self, data):
        """The station uploads for the agency: its answer counts tasks."""
        r = self.s.as_("clerk_a", "POST", "/api/v1/reports/uploads", raw=data,
                       query={"organisation": self.org_ids["rental_agency"]},
                       headers={"Content-Type": "text/csv"})
        self.assertEqual(r.status, 200, r)
        return r

    def confirm(self, upload):
        return self.s.as_("clerk_a", "POST", "/api/v1/reports/uploads/%d/confirm" % upload, {})

    def test_large_upload_checked_in_parallel(self):
        # A file over 256 KB is checked by several threads at once
        # (docs/grid.md); the answer is the one a single thread gives: rows
        # in the file's order, bad rows by line, one task per person
        # however far apart the rows that name them, and a tenant's moves
        # as the file leaves them.
        n, today = 3000, TODAY.isoformat()
        people = [id_number("330106", "19%02d%02d%02d" % (70 + i % 30, 1 + i % 12, 1 + i % 28),
                            i % 997 + 1) for i in range(n)]
        people[2990] = people[0]                   # named again, chunks apart
        q = people[1500]                           # has a task open already
        people[2995] = q
        r = self.s.as_("clerk_a", "POST", "/api/v1/reports", {
            "organisation": self.org_ids["employer"], "kind": "hire",
            "person": {"id_number": q, "name": "王五"}, "event_date": today})
        self.assertEqual(r.status, 201, r)
        self.assertIsNotNone(r.json["task"])
        k = id_number("330106", "19650505", 1)     # a tenant already
        r = self.as_org("POST", "/api/v1/reports", {"kind": "tenant_move_in", "person": {
            "id_number": k, "name": "老租户"}, "event_date": today, "house": self.house})
        self.assertEqual(r.status, 201, r)
        m = people[10]                             # moves in, and out chunks later
        people[2900], people[2950] = m, k
        kinds = {10: "入住", 2900: "退租", 2950: "退租"}
        head = "报告类型,公民身份号码,姓名,发生日期,房屋编号,网格代码,详细地址"
        rows = ["%s,%s,租户%d,%s,%d,," % (kinds[i], p, i, today, self.house) if i in kinds else
                "中介成功,%s,职工%d,%s,,%s,历山路%d号某某花园小区东门" % (p, i, today, self.grid, i)
                for i, p in enumerate(people)]
        bad = {1998: rows[1998].replace(people[1998], people[1998][:17] +
                                        ("0" if people[1998][17] != "0" else "1")),
               2997: rows[2997].replace(today, "2025-02-30")}
        data = "\n".join([head] + [bad.get(i, x) for i, x in enumerate(rows)]).encode()
        self.assertGreater(len(data), 256 << 10)
        good = set(p for i, p in enumerate(people) if i not in bad)
        tasks = len(good - {q, k})

        def open_unregistered():
            return self.s.as_("admin", "GET", "/api/v1/tasks", query={
                "status": "open", "kind": "unregistered", "per_page": 1}).json["total"]

        reports, open_before = self.s.as_("admin", "GET", "/api/v1/reports").json["total"], \
            open_unregistered()
        r = self.upload(data)
        up = r.json["upload"]
        self.assertEqual((up["rows"], up["good"], up["bad"], up["tasks"]), (n, n - 2, 2, tasks))
        self.assertEqual([(e["line"], e["field"]) for e in r.json["errors"]],
                         [(2000, "公民身份号码"), (2999, "发生日期")])
        self.assertEqual([x["line"] for x in r.json["rows"]], list(range(2, 202)))
        c = self.confirm(up["id"])
        self.assertEqual(c.status, 422, c)
        self.assertEqual([e["line"] for e in c.json["errors"]], [2000, 2999])
        self.assertEqual(self.s.as_("admin", "GET", "/api/v1/reports").json["total"], reports)
        # Without the bad rows: written together, the same count of tasks.
        data = "\n".join([head] + [x for i, x in enumerate(rows) if i not in bad]).encode()
        up = self.upload(data).json["upload"]
        self.assertEqual((up["bad"], up["tasks"]), (0, tasks))
        c = self.confirm(up["id"])
        self.assertEqual(c.status, 200, c)
        self.assertEqual((c.json["written"], c.json["tasks"]), (n - 2, tasks))
        self.assertEqual(self.s.as_("admin", "GET", "/api/v1/reports").json["total"],
                         reports + n - 2)
        self.assertEqual(open_unregistered(), open_before + tasks)
        self.assertEqual(dangling_references(self.s), [])
        house = self.s.as_("clerk_a", "GET", "/api/v1/houses/%d" % self.house,
                           query={"reason": "核查"}).json["house"]
        self.assertEqual(house["occupants"], 0)

    def test_clerk_confirms_for_an_organisation(self):
        # A clerk's upload: the reports name the clerk, whom the
        # confirmation reads, as it reads everything its rows refer to.
        idn = id_number("440103", "19911111")
        data = ("kind,id_number,name,event_date\nhire,%s,测试,%s\n" %
                (idn, TODAY.isoformat())).encode()
        org = self.org_ids["employer"]
        r = self.s.as_("clerk_a", "POST", "/api/v1/reports/uploads", raw=data,
                       query={"organisation": org}, headers={"Content-Type": "text/csv"})
        self.assertEqual(r.status, 200, r)
        c = self.s.as_("clerk_a", "POST",
                       "/api/v1/reports/uploads/%d/confirm" % r.json["upload"]["id"], {})
        self.assertEqual(c.status, 200, c)
        self.assertEqual((c.json["written"], c.json["tasks"]), (1, 1))
        self.assertEqual(dangling_references(self.s), [])
        db = sqlite3.connect("file:%s?mode=ro" % os.path.join(self.s.data, "liudong.db"),
                             uri=True)
        try:
            user = db.execute("SELECT u.username FROM reports r JOIN users u ON u.id = r.user_id"
                              " WHERE r.id_number = ?", (idn,)).fetchone()
        finally:
            db.close()
        self.assertEqual(user, ("t_clerk_a",))


if __name__ == "__main__":
    unittest.main()
