"""Calendar and reference data (issue 13): deadlines over a year with no
State Council arrangement are counted by the statutory holidays, stored as
provisional and decided again when the year's arrangement is loaded; the
server warns when this year's or (from 1 December) next year's arrangement
is missing; division codes to the end of 2024, and codes an operator adds
without a rebuild.

"Today" is fixed with LIUDONG_TEST_TODAY (a test-only variable), so the
dates declared are today's and no back-dating is involved.
"""
import json
import os
import shutil
import tempfile
import time
import unittest

from harness import ROOT, Server, declaration, id_number

REASON = {"reason": "核对暂定期限"}

# 国务院办公厅关于2023年部分节假日安排的通知 (国办发明电〔2022〕16号): the
# test's own file; nothing here depends on data/holidays.
ARRANGEMENT_2023 = """date\tkind\tname
2023-01-01\toff\t元旦
2023-01-02\toff\t元旦
2023-01-21\toff\t春节
2023-01-22\toff\t春节
2023-01-23\toff\t春节
2023-01-24\toff\t春节
2023-01-25\toff\t春节
2023-01-26\toff\t春节
2023-01-27\toff\t春节
2023-01-28\tworkday\t春节 调休上班
2023-01-29\tworkday\t春节 调休上班
2023-04-05\toff\t清明节
2023-04-23\tworkday\t劳动节 调休上班
2023-04-29\toff\t劳动节
2023-04-30\toff\t劳动节
2023-05-01\toff\t劳动节
2023-05-02\toff\t劳动节
2023-05-03\toff\t劳动节
2023-05-06\tworkday\t劳动节 调休上班
2023-06-22\toff\t端午节
2023-06-23\toff\t端午节
2023-06-24\toff\t端午节
2023-06-25\tworkday\t端午节 调休上班
2023-09-29\toff\t中秋节、国庆节
2023-09-30\toff\t中秋节、国庆节
2023-10-01\toff\t中秋节、国庆节
2023-10-02\toff\t中秋节、国庆节
2023-10-03\toff\t中秋节、国庆节
2023-10-04\toff\t中秋节、国庆节
2023-10-05\toff\t中秋节、国庆节
2023-10-06\toff\t中秋节、国庆节
2023-10-07\tworkday\t国庆节 调休上班
2023-10-08\tworkday\t国庆节 调休上班
"""

# The 2027 arrangement as a fixture for the warning (a file's presence is
# what matters; it is the one the rule cases use).
FIXTURE_2027 = os.path.join(ROOT, "tests", "cases", "fixtures", "holidays-2027")


def wait_for(pred, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pred():
            return True
        time.sleep(0.05)
    return pred()


class Redecision(unittest.TestCase):
    """Issue 13's example, a year earlier: 2023's arrangement is not
    shipped. Arrival Wed 2023-09-27, declared Sat 2023-10-07 (a 调休
    working day). By the statutory holidays alone (2013 revision: 中秋
    09-29, 国庆 10-01..03) the third working day is Thu 10-05: late,
    provisional. By the arrangement (09-29..10-06 off, 10-07 and 10-08
    working days) it is Sun 10-08: on time."""

    @classmethod
    def setUpClass(cls):
        cls.s = Server(people=30, env={"LIUDONG_TEST_TODAY": "2023-10-07"})

    @classmethod
    def tearDownClass(cls):
        cls.s.close()

    def test_provisional_then_redecided(self):
        s = self.s
        body = declaration(s.grids_a[0], idn=id_number(birth="19900101"),
                           arrival="2023-09-27", declared="2023-10-07")
        # The precheck: the deadline by the law's holidays, provisional,
        # with the command line's warning.
        r = s.as_("clerk_a", "POST", "/api/v1/registrations/check", body)
        self.assertEqual(r.status, 200, r)
        dl = r.json["deadline"]
        self.assertEqual(dl["deadline"], "2023-10-05")
        self.assertTrue(dl["late"])
        self.assertTrue(dl["provisional"])
        self.assertFalse(dl["calendar_complete"])
        self.assertIn("未载入2023年国务院节假日安排", dl["warning"])
        self.assertIn("《全国年节及纪念日放假办法》（2013年修订）第二条", dl["basis"])

        r = s.as_("clerk_a", "POST", "/api/v1/registrations", body)
        self.assertEqual(r.status, 201, r)
        reg = r.json["registration"]
        rid, pid = reg["id"], reg["person_id"]
        self.assertEqual(reg["deadline"], "2023-10-05")
        self.assertTrue(reg["late"])
        self.assertTrue(reg["provisional"])
        self.assertIn("2023年", r.json["deadline"]["warning"])

        # A move on 09-28, declared the same day: statutory deadline
        # 10-06 (late), by the arrangement 10-09 (10-07 and 10-08 are
        # working days; on time).
        r = s.as_("clerk_a", "POST", "/api/v1/registrations/%d/address-change" % rid,
                  {"address": {"grid": s.grids_a[-1], "road": "泉城路"},
                   "moved_date": "2023-09-28"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["event"]["deadline"], "2023-10-06")
        self.assertTrue(r.json["event"]["late"])
        self.assertTrue(r.json["event"]["provisional"])
        self.assertTrue(r.json["provisional"])
        self.assertIn("2023年", r.json["warning"])

        late = s.as_("clerk_a", "GET", "/api/v1/worklists/late",
                     query={"per_page": "100"}).json["items"]
        mine = [i for i in late if i["registration_id"] == rid]
        self.assertEqual(sorted(i["kind"] for i in mine),
                         ["late_address_change", "late_declaration"])
        self.assertTrue(all(i["provisional"] for i in mine))
        cal = s.as_("clerk_a", "GET", "/api/v1/calendar").json
        self.assertGreaterEqual(cal["provisional"]["registrations"], 1)
        self.assertGreaterEqual(cal["provisional"]["late"], 1)
        self.assertEqual(cal["today"], "2023-10-07")
        self.assertFalse(cal["year_loaded"])
        self.assertTrue(any("2023年" in w for w in cal["warnings"]))
        late_before = self.late_figure()

        # The arrangement arrives: a holidays directory named by
        # LIUDONG_HOLIDAYS (as --holidays does), and the server restarts.
        holidays = tempfile.mkdtemp(prefix="liudong-holidays-")
        self.addCleanup(shutil.rmtree, holidays)
        with open(os.path.join(holidays, "2023.tsv"), "w", encoding="utf-8") as f:
            f.write(ARRANGEMENT_2023)
        s.stop()
        s.env["LIUDONG_HOLIDAYS"] = holidays
        s.start()
        s.tokens.clear()

        r = s.as_("clerk_a", "GET", "/api/v1/registrations/%d" % rid, query=REASON)
        self.assertEqual(r.status, 200, r)
        reg = r.json["registration"]
        self.assertEqual(reg["deadline"], "2023-10-08")
        self.assertFalse(reg["late"])
        self.assertFalse(reg["provisional"])
        self.assertTrue(reg["calendar_complete"])
        late = s.as_("clerk_a", "GET", "/api/v1/worklists/late",
                     query={"per_page": "100"}).json["items"]
        self.assertNotIn(rid, [i["registration_id"] for i in late])
        hist = s.as_("clerk_a", "GET", "/api/v1/persons/%d/history" % pid,
                     query=REASON)
        self.assertEqual(hist.status, 200, hist)
        events = {e["kind"]: e for e in hist.json["events"]}
        self.assertEqual(events["address_changed"]["deadline"], "2023-10-09")
        self.assertFalse(events["address_changed"]["late"])
        self.assertFalse(events["address_changed"]["provisional"])
        self.assertEqual(events["declared"]["deadline"], "2023-10-08")
        self.assertFalse(events["declared"]["late"])
        # Statistics follow: one late registration fewer.
        self.assertEqual(self.late_figure(), late_before - 1)
        cal = s.as_("clerk_a", "GET", "/api/v1/calendar").json
        self.assertEqual(cal["provisional"], {"registrations": 0, "late": 0})
        self.assertTrue(cal["year_loaded"])
        self.assertEqual(cal["warnings"], [])

        # The re-decision is in the audit trail: one entry, by the system,
        # with the counts and the records changed.
        entries = s.as_("auditor", "GET", "/api/v1/audit",
                        query={"target": "calendar"}).json["items"]
        runs = [e for e in entries if e["action"] == "calendar:redecide"]
        self.assertEqual(len(runs), 1, entries)
        detail = json.loads(runs[0]["detail"])
        self.assertEqual(runs[0]["username"], "system")
        self.assertEqual(detail["late_cleared"], 2)
        self.assertEqual(detail["still_provisional"], 0)
        self.assertIn(2023, detail["years"])
        self.assertEqual([x["id"] for x in detail["registrations"]], [rid])
        self.assertEqual(detail["registrations"][0]["deadline"],
                         ["2023-10-05", "2023-10-08"])
        self.assertEqual(detail["registrations"][0]["late"], [True, False])
        self.assertEqual(len(detail["address_changes"]), 1)
        self.assertIn("暂定期限重新判定", s.log())

        # A second start has nothing left to decide: no second entry.
        s.stop()
        s.start()
        s.tokens.clear()
        entries = s.as_("auditor", "GET", "/api/v1/audit",
                        query={"target": "calendar"}).json["items"]
        self.assertEqual(len([e for e in entries
                              if e["action"] == "calendar:redecide"]), 1)
        s.stop()
        del s.env["LIUDONG_HOLIDAYS"]
        s.start()
        s.tokens.clear()

    def late_figure(self):
        r = self.s.as_("admin", "GET", "/api/v1/stats/overview",
                       query={"late": "1"})
        self.assertEqual(r.status, 200, r)
        return r.json["total"]


class Fallback(unittest.TestCase):
    """Issue 13's first examples over HTTP: 2027 has no arrangement."""

    @classmethod
    def setUpClass(cls):
        cls.s = Server(people=20, env={"LIUDONG_TEST_TODAY": "2027-02-04"})

    @classmethod
    def tearDownClass(cls):
        cls.s.close()

    def test_new_year_and_spring_festival(self):
        # Arrival 2026-12-30: 12-31, 元旦 off by law, Mon 01-04, Tue 01-05.
        body = declaration(self.s.grids_a[0], arrival="2026-12-30",
                           declared="2027-01-05")
        r = self.s.as_("clerk_a", "POST", "/api/v1/registrations/check", body)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["deadline"]["deadline"], "2027-01-05")
        self.assertFalse(r.json["deadline"]["late"])
        self.assertTrue(r.json["deadline"]["provisional"])
        self.assertIn("未载入2027年国务院节假日安排", r.json["deadline"]["warning"])
        self.assertIn("《全国年节及纪念日放假办法》（2024年修订）第二条",
                      r.json["deadline"]["basis"])
        # Arrival Thu 2027-02-04: 除夕 02-05 to 初三 02-08 off -> 02-11.
        body = declaration(self.s.grids_a[0], arrival="2027-02-04",
                           declared="2027-02-04")
        r = self.s.as_("clerk_a", "POST", "/api/v1/registrations/check", body)
        self.assertEqual(r.json["deadline"]["deadline"], "2027-02-11")

    def test_report_and_its_task(self):
        # An employer's hire of Thu 2027-02-04, entered by the station: the
        # report's deadline and the grid's task are provisional.
        s = self.s
        r = s.as_("clerk_a", "POST", "/api/v1/organisations",
                  {"kind": "employer", "name": "济南某暂定有限公司",
                   "grid": s.grids_a[0], "phone": "13900000000",
                   "credit_code": "91370100MA3C000009"})
        self.assertEqual(r.status, 201, r)
        org = r.json["organisation"]["id"]
        idn = id_number("110105", "19920202")
        r = s.as_("clerk_a", "POST", "/api/v1/reports",
                  {"organisation": org, "kind": "hire", "event_date": "2027-02-04",
                   "person": {"id_number": idn, "name": "孙暂定"}})
        self.assertEqual(r.status, 201, r)
        rep = r.json["report"]
        self.assertEqual(rep["deadline"], "2027-02-11")
        self.assertFalse(rep["late"])
        self.assertTrue(rep["provisional"])
        self.assertIn("未载入2027年国务院节假日安排", rep["warning"])
        tasks = s.as_("grid_a", "GET", "/api/v1/tasks",
                      query={"status": "open", "per_page": "100"}).json["items"]
        mine = [t for t in tasks if t.get("report_id") == rep["id"]]
        self.assertEqual(len(mine), 1, tasks)
        self.assertEqual(mine[0]["due_date"], "2027-02-11")
        self.assertTrue(mine[0]["due_date_provisional"])


class YearEndWarning(unittest.TestCase):
    """From 1 December, a missing next year's arrangement is said at start
    (the log) and to the dashboard (GET /api/v1/calendar)."""

    def test_warning_from_december(self):
        s = Server(people=10, env={"LIUDONG_TEST_TODAY": "2026-12-01"})
        try:
            cal = s.as_("clerk_a", "GET", "/api/v1/calendar").json
            self.assertEqual(cal["today"], "2026-12-01")
            self.assertEqual(cal["next_year"], 2027)
            self.assertFalse(cal["next_year_loaded"])
            self.assertEqual(len(cal["warnings"]), 1)
            self.assertIn("尚未载入2027年国务院节假日安排", cal["warnings"][0])
            self.assertIn("2026", [str(y) for y in cal["years"]])
            self.assertIn("尚未载入2027年国务院节假日安排", s.log())
            self.assertIn("LIUDONG_TEST_TODAY", s.log())
            # Before December: nothing to say.
            s.stop()
            s.env["LIUDONG_TEST_TODAY"] = "2026-11-30"
            s.start()
            s.tokens.clear()
            cal = s.as_("grid_a", "GET", "/api/v1/calendar").json
            self.assertEqual(cal["warnings"], [])
            self.assertFalse(cal["next_year_loaded"])
            # December, with the file in the data directory's holidays/.
            s.stop()
            os.makedirs(os.path.join(s.data, "holidays"))
            shutil.copy(os.path.join(FIXTURE_2027, "2027.tsv"),
                        os.path.join(s.data, "holidays", "2027.tsv"))
            s.env["LIUDONG_TEST_TODAY"] = "2026-12-20"
            s.start()
            s.tokens.clear()
            cal = s.as_("admin", "GET", "/api/v1/calendar").json
            self.assertTrue(cal["next_year_loaded"])
            self.assertEqual(cal["warnings"], [])
            self.assertIn(2027, cal["years"])
        finally:
            s.close()


class Divisions(unittest.TestCase):
    """Division codes to the end of 2024, and an operator's own file."""

    @classmethod
    def setUpClass(cls):
        cls.s = Server(people=10)

    @classmethod
    def tearDownClass(cls):
        cls.s.close()

    def test_codes_since_2019(self):
        # 330113 临平区 (2021): the hukou and the ID number.
        idn = id_number("330113", "20210315")
        r = self.s.as_("clerk_a", "POST", "/api/v1/registrations",
                       declaration(self.s.grids_a[0], idn=idn, hukou="330113"))
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json["scope"]["hukou"], "330113")
        self.assertEqual(r.json["person"]["hukou_code"], "330113")
        # 330103 下城区, withdrawn in 2021, in an old ID number.
        r = self.s.as_("clerk_a", "POST", "/api/v1/registrations/check",
                       declaration(self.s.grids_a[0],
                                   idn=id_number("330103", "19850505"),
                                   hukou="330114"))
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["scope"]["hukou"], "330114")

    def test_operator_file(self):
        s = self.s
        body = declaration(s.grids_a[0], idn=id_number("110105", "19900101"),
                           hukou="659013")
        r = s.as_("clerk_a", "POST", "/api/v1/registrations/check", body)
        self.assertEqual((r.status, r.error_field()), (422, "person.hukou_code"))
        divisions = os.path.join(s.data, "divisions")
        os.makedirs(divisions, exist_ok=True)
        with open(os.path.join(divisions, "2025.tsv"), "w", encoding="utf-8") as f:
            f.write("code\tname\tfirst_seen\tlast_seen\n659013\t示例新设市\t202512\tcurrent\n")
        s.stop()
        s.start()
        s.tokens.clear()
        r = s.as_("clerk_a", "POST", "/api/v1/registrations/check", body)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["scope"]["hukou"], "659013")
        cal = s.as_("clerk_a", "GET", "/api/v1/calendar").json
        self.assertEqual(cal["divisions_added"], 1)
        # A bad line: the server refuses to start, naming file and line.
        with open(os.path.join(divisions, "2026.tsv"), "w", encoding="utf-8") as f:
            f.write("659014\t示例\t2026-01\tcurrent\n")
        s.stop()
        with self.assertRaises(RuntimeError) as e:
            s.start()
        self.assertIn("2026.tsv 第1行", str(e.exception))
        os.remove(os.path.join(divisions, "2026.tsv"))
        s.start()
        s.tokens.clear()


if __name__ == "__main__":
    unittest.main()
