"""End-to-end tests of the decisions and citations of issue 13: the permit's
issue deadline (the earlier of 10 working days and 15 days), the
anniversary-day and notice settings of the server, the order of a permit's
steps, and Hong Kong, Macao and Taiwan residents and foreigners registered
with their own documents (national rules apply). Dates are fixed; the
rules they follow are in docs/rules.md."""
import unittest

from harness import Server, backdated, declaration, id_number, take_photo

R = {"reason": "办理居住证"}
BANFA_2_2 = "《山东省流动人口服务管理暂行办法》第二条第二款"
TIAOLI_9 = "《居住证暂行条例》第九条"
NOTICE_2023 = ("《济南市人民政府办公厅关于继续做好〈山东省流动人口服务管理暂行办法〉"
               "贯彻实施工作的通知》（2023年1月14日印发）（条款待核）")
NOTICE_2025_1 = ("《关于继续做好〈山东省流动人口服务管理暂行办法〉贯彻实施工作的通知》"
                 "（2025年修订）一")
ALL_MATERIALS = {"id_card": True, "photo": True, "residence_proof": True,
                 "basis_proof": True}


def hmt_number(code, birth, seq):
    """A 港澳台居民居住证 number: GB 11643 with the region's address code."""
    return id_number(code, birth, seq)


class Base:
    def post(self, path, body):
        return self.s.as_("clerk_a", "POST", path, backdated(body))

    def get(self, path, **query):
        return self.s.as_("clerk_a", "GET", path, query=dict(R, **query))

    def permit(self, seq, arrival="2023-01-10", declared="2023-01-12",
               applied="2023-08-01", accepted="2023-08-01", issued="2023-08-07"):
        """A registered person with a permit accepted (and issued, unless
        issued is None); returns (person id, registration id, permit id)."""
        reg = self.post("/api/v1/registrations", declaration(
            self.s.grids_a[0], idn=id_number("320102", "19880506", seq),
            arrival=arrival, declared=declared))
        self.assertEqual(reg.status, 201, reg)
        person = reg.json["person"]["id"]
        r = self.post("/api/v1/persons/%d/permits" % person, {
            "basis": "employment", "applied_date": applied,
            "materials": ALL_MATERIALS})
        self.assertEqual(r.status, 201, r)
        pid = r.json["permit"]["id"]
        r = self.post("/api/v1/permits/%d/accept" % pid, {"accepted_date": accepted})
        self.assertEqual(r.status, 200, r)
        take_photo(self.s, "clerk_a", person)
        if issued:
            r = self.post("/api/v1/permits/%d/issue" % pid, {"issued_date": issued})
            self.assertEqual(r.status, 200, r)
        return person, reg.json["registration"]["id"], pid

    def state_on(self, pid, day):
        r = self.get("/api/v1/permits/%d" % pid, on=day)
        self.assertEqual(r.status, 200, r)
        return r.json["state"]


class DefaultSettings(Base, unittest.TestCase):
    """A server with the default readings: the anniversary day is not in the
    endorsement window, and the Jinan notice is not in force (a draft)."""

    @classmethod
    def setUpClass(cls):
        cls.s = Server(people=30)

    @classmethod
    def tearDownClass(cls):
        cls.s.close()

    def test_issue_deadline_is_the_earlier_of_two(self):
        # Accepted 2026-02-10: 10 working days end 2026-03-02 (Spring
        # Festival), 15 days (条例 第九条) on 2026-02-25, which decides.
        _, _, pid = self.permit(11, arrival="2025-07-01", declared="2025-07-02",
                                applied="2026-02-09", accepted="2026-02-10",
                                issued=None)
        p = self.get("/api/v1/permits/%d" % pid).json["permit"]
        self.assertEqual(p["issue_deadline"], "2026-02-25")
        rule = p["issue_deadline_rule"]
        self.assertEqual((rule["deadline_by_working_days"], rule["deadline_by_cap"]),
                         ("2026-03-02", "2026-02-25"))
        self.assertEqual(rule["decided_by"], TIAOLI_9)
        self.assertIn(TIAOLI_9, rule["basis"])
        self.assertIn("《山东省流动人口服务管理暂行办法》关于居住证制作发放时限的规定（条款待核）",
                      rule["basis"])
        # Past it the application is on the work list, from 02-26 on.
        for day, listed in (("2026-02-25", False), ("2026-02-26", True)):
            wl = self.s.as_("clerk_a", "GET", "/api/v1/worklists/permits",
                            query={"on": day})
            self.assertEqual(wl.status, 200, wl)
            items = [i for i in wl.json["items"]
                     if (i["kind"], i["permit_id"]) == ("issue_overdue", pid)]
            self.assertEqual(bool(items), listed, (day, wl.json))
        self.assertEqual(items[0]["date"], "2026-02-25")
        # Issued on 03-02, the 10th working day, it was late.
        r = self.post("/api/v1/permits/%d/issue" % pid, {"issued_date": "2026-03-02"})
        self.assertEqual(r.status, 200, r)
        events = self.get("/api/v1/permits/%d" % pid).json["events"]
        self.assertEqual([e["kind"] for e in events][-1], "issued")

    def test_endorsing_on_the_anniversary_resets_the_years(self):
        # Issued 2023-08-07: the first anniversary is 2024-08-07. By default
        # the window ends the day before it, so endorsing on it is late and
        # the residence years count again from it (条例 第十条).
        _, _, pid = self.permit(21)
        r = self.post("/api/v1/permits/%d/endorse" % pid, {"date": "2024-08-07"})
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.json["endorsement"]["late"])
        st = self.state_on(pid, "2025-02-01")
        self.assertEqual((st["code"], st["continuous_since"], st["residence_years"]),
                         ("valid", "2024-08-07", 0))
        self.assertIn("late_endorsement", [e["event"] for e in st["ledger"]])

    def test_cancel_before_issue_is_refused(self):
        person, rid, pid = self.permit(31, arrival="2024-01-10", declared="2024-01-12",
                                       applied="2024-08-01", accepted="2024-08-01",
                                       issued="2024-08-20")
        # The registration's leaving date lies before the permit's issue:
        # cancelling it would cancel the permit before it was issued.
        r = self.post("/api/v1/registrations/%d/cancel" % rid,
                      {"left_date": "2024-08-10", "reporter": "employer",
                       "reason": "离开本市"})
        self.assertEqual((r.status, r.error_field()), (422, "left_date"), r)
        self.assertIn("发证", r.json["error"]["message"])
        self.assertIn("2024-08-20", r.json["error"]["message"])
        # Nothing changed.
        self.assertEqual(self.get("/api/v1/registrations/%d" % rid)
                         .json["registration"]["status"], "active")
        self.assertEqual(self.state_on(pid, "2024-09-01")["code"], "valid")
        # Nor may the permit itself be cancelled, replaced or changed
        # before its issue.
        for step, body in (("cancel", {"date": "2024-08-19", "reason": "离开本市"}),
                           ("replace", {"date": "2024-08-19", "reason": "lost"}),
                           ("change", {"date": "2024-08-19", "name": "新名字"})):
            r = self.post("/api/v1/permits/%d/%s" % (pid, step), body)
            self.assertEqual((r.status, r.error_field()), (422, "date"), (step, r))
        # A leaving date on or after the issue is fine.
        r = self.post("/api/v1/registrations/%d/cancel" % rid,
                      {"left_date": "2024-08-20", "reporter": "employer",
                       "reason": "离开本市"})
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.json["permit_cancelled"])

    def test_a_step_before_the_previous_one_is_refused(self):
        _, _, pid = self.permit(41)
        r = self.post("/api/v1/permits/%d/replace" % pid,
                      {"date": "2024-03-01", "reason": "damaged"})
        self.assertEqual(r.status, 200, r)
        # An endorsement dated before the replacement (in its window).
        r = self.post("/api/v1/permits/%d/endorse" % pid, {"date": "2024-02-28"})
        self.assertEqual((r.status, r.error_field()), (422, "date"), r)
        self.assertIn("换领", r.json["error"]["message"])
        r = self.post("/api/v1/permits/%d/cancel" % pid,
                      {"date": "2024-02-29", "reason": "离开本市"})
        self.assertEqual((r.status, r.error_field()), (422, "date"), r)
        r = self.post("/api/v1/permits/%d/cancel" % pid,
                      {"date": "2024-03-01", "reason": "离开本市"})
        self.assertEqual(r.status, 200, r)

    def test_notice_not_in_force_by_default(self):
        r = self.post("/api/v1/registrations/check", declaration(self.s.grids_a[0]))
        self.assertEqual(r.status, 200, r)
        self.assertIn(NOTICE_2023, r.json["scope"]["basis"])
        self.assertNotIn(NOTICE_2025_1, r.json["scope"]["basis"])

    def register(self, person, **extra):
        body = declaration(self.s.grids_a[0], **extra)
        body["person"] = person
        return self.post("/api/v1/registrations", body)

    def test_hong_kong_resident(self):
        idn = hmt_number("810000", "19900101", 123)
        person = {"document_type": "hmt_residence_permit", "id_number": idn,
                  "name": "陈大文", "phone": "13800000201"}
        # National rules apply (办法 第二条第二款): not required, with the
        # citation, nothing stored.
        r = self.register(person)
        self.assertEqual(r.status, 422, r)
        self.assertEqual(r.error_code(), "not_required")
        self.assertEqual(r.error_field(), "override_reason")
        scope = r.json["scope"]
        self.assertEqual((scope["reason"], scope["nationality"], scope["hukou"]),
                         ("national_rules_apply", "HK", "810000"))
        self.assertEqual(scope["basis"], [BANFA_2_2])
        self.assertEqual(self.get("/api/v1/persons", id_number=idn).json["total"], 0)
        # The clerk may record it anyway, with the reason.
        r = self.register(person, override_reason="本人要求登记")
        self.assertEqual(r.status, 201, r)
        p = r.json["person"]
        self.assertEqual((p["document_type"], p["hukou_code"], p["birth"], p["sex"]),
                         ("hmt_residence_permit", "810000", "1990-01-01", "male"))
        self.assertEqual(r.json["registration"]["scope_reason"], "national_rules_apply")
        # The permit of the 条例 is not theirs.
        r = self.post("/api/v1/persons/%d/permits" % p["id"],
                      {"basis": "employment", "applied_date": "2026-06-01"})
        self.assertEqual(r.status, 422, r)
        self.assertIn("第二条第二款", r.json["error"]["message"])

    def test_taiwan_resident_830000(self):
        idn = hmt_number("830000", "20000229", 345)
        # As a resident ID card the number fails: it is a 港澳台居民居住证's.
        r = self.register({"id_number": idn, "name": "林志明", "ethnicity": "01",
                           "hukou_code": "110105"})
        self.assertEqual((r.status, r.error_field()), (422, "person.id_number"), r)
        self.assertIn("港澳台居民居住证", r.json["error"]["message"])
        r = self.register({"document_type": "hmt_residence_permit", "id_number": idn,
                           "name": "林志明", "hukou_code": "830000"})
        self.assertEqual((r.status, r.error_code()), (422, "not_required"), r)
        self.assertEqual(r.json["scope"]["nationality"], "TW")
        # A region code that is not the document's.
        r = self.register({"document_type": "hmt_residence_permit", "id_number": idn,
                           "name": "林志明", "hukou_code": "810000"})
        self.assertEqual((r.status, r.error_field()), (422, "person.hukou_code"), r)

    def test_hukou_810000_with_a_resident_id_card(self):
        r = self.register({"id_number": id_number("110105", "19900101", 77),
                           "name": "测试", "ethnicity": "01", "hukou_code": "810000"})
        self.assertEqual((r.status, r.error_field()), (422, "person.document_type"), r)

    def test_travel_permits(self):
        r = self.register({"document_type": "hk_mo_travel_permit",
                           "id_number": "M12345678", "name": "何美玲",
                           "sex": "female", "birth": "1992-05-06"})
        self.assertEqual((r.status, r.error_code()), (422, "not_required"), r)
        self.assertEqual(r.json["scope"]["nationality"], "MO")
        # The number carries neither birth date nor sex: both are needed.
        r = self.register({"document_type": "tw_travel_permit",
                           "id_number": "12345678", "name": "王小明", "sex": "male"})
        self.assertEqual((r.status, r.error_field()), (422, "person.birth"), r)
        r = self.register({"document_type": "tw_travel_permit", "id_number": "1234567",
                           "name": "王小明", "sex": "male", "birth": "1990-01-01"})
        self.assertEqual((r.status, r.error_field()), (422, "person.id_number"), r)

    def test_foreigners(self):
        # 外国人永久居留身份证, 18 characters beginning with 9.
        pr = "911840198503150016"
        r = self.register({"document_type": "foreign_permanent_residence",
                           "id_number": pr, "name": "JOHN SMITH", "sex": "male"})
        self.assertEqual((r.status, r.error_code()), (422, "not_required"), r)
        scope = r.json["scope"]
        self.assertEqual((scope["reason"], scope["nationality"], scope["hukou"]),
                         ("national_rules_apply", "foreign", None))
        self.assertIn(BANFA_2_2, scope["basis"])
        # A birth date that disagrees with the number's.
        r = self.register({"document_type": "foreign_permanent_residence",
                           "id_number": pr, "name": "JOHN SMITH", "sex": "male",
                           "birth": "1985-03-16"})
        self.assertEqual((r.status, r.error_field()), (422, "person.birth"), r)
        r = self.register({"document_type": "foreign_permanent_residence",
                           "id_number": "911840198503150017", "name": "JOHN SMITH",
                           "sex": "male"})
        self.assertEqual((r.status, r.error_field()), (422, "person.id_number"), r)
        # A passport: no sex, no hukou.
        passport = {"document_type": "passport", "id_number": "E12345678",
                    "name": "ANNA MÜLLER", "birth": "1991-07-08"}
        r = self.register(passport)
        self.assertEqual((r.status, r.error_field()), (422, "person.sex"), r)
        r = self.register(dict(passport, sex="female", hukou_code="110105"))
        self.assertEqual((r.status, r.error_field()), (422, "person.hukou_code"), r)
        r = self.register(dict(passport, sex="female"), override_reason="单位要求登记")
        self.assertEqual(r.status, 201, r)
        p = r.json["person"]
        self.assertEqual((p["document_type"], p["hukou_code"], p["ethnicity"], p["sex"]),
                         ("passport", "", "", "female"))
        # Read back, the grid worker sees the number masked.
        g = self.s.as_("grid_a", "GET", "/api/v1/persons/%d" % p["id"], query=R)
        self.assertEqual(g.status, 200, g)
        self.assertEqual(g.json["person"]["id_number"], "E******78")
        self.assertEqual(g.json["person"]["document_type_name"], "外国人护照")

    def test_one_number_one_document(self):
        # "87654321" is a well-formed passport number and 台湾居民来往大陆通行证
        # number alike: on record as one, it is not taken for the other.
        r = self.register({"document_type": "passport", "id_number": "87654321",
                           "name": "KIM", "sex": "male", "birth": "1980-01-01"},
                          override_reason="单位要求登记")
        self.assertEqual(r.status, 201, r)
        r = self.register({"document_type": "tw_travel_permit", "id_number": "87654321",
                           "name": "张三", "sex": "male", "birth": "1980-01-01"},
                          override_reason="核对")
        self.assertEqual((r.status, r.error_field()), (409, "person.document_type"), r)


class OtherSettings(Base, unittest.TestCase):
    """A server that counts the anniversary day into the endorsement window
    and has the Jinan notice in force from 2025-07-01."""

    @classmethod
    def setUpClass(cls):
        cls.s = Server(people=30, extra_args=(
            "--anniversary-in-window", "on", "--notice-effective", "2025-07-01"))

    @classmethod
    def tearDownClass(cls):
        cls.s.close()

    def test_endorsing_on_the_anniversary_keeps_the_years(self):
        _, _, pid = self.permit(51)
        r = self.post("/api/v1/permits/%d/endorse" % pid, {"date": "2024-08-07"})
        self.assertEqual(r.status, 200, r)
        self.assertFalse(r.json["endorsement"]["late"])
        st = self.state_on(pid, "2025-02-01")
        self.assertEqual((st["code"], st["continuous_since"], st["residence_years"]),
                         ("valid", "2023-01-12", 2))
        self.assertNotIn("late_endorsement", [e["event"] for e in st["ledger"]])
        # On the anniversary itself, before endorsing, the permit is not
        # suspended under this reading.
        _, _, other = self.permit(52)
        self.assertEqual(self.state_on(other, "2024-08-07")["code"], "window_open")
        self.assertEqual(self.state_on(other, "2024-08-08")["code"], "suspended")

    def test_notice_in_force_by_arrival_date(self):
        r = self.post("/api/v1/registrations/check",
                      declaration(self.s.grids_a[0], arrival="2025-09-26"))
        self.assertEqual(r.status, 200, r)
        self.assertIn(NOTICE_2025_1, r.json["scope"]["basis"])
        r = self.post("/api/v1/registrations/check",
                      declaration(self.s.grids_a[0], arrival="2025-06-30",
                                  declared="2025-07-01"))
        self.assertEqual(r.status, 200, r)
        self.assertIn(NOTICE_2023, r.json["scope"]["basis"])
        self.assertNotIn(NOTICE_2025_1, r.json["scope"]["basis"])


if __name__ == "__main__":
    unittest.main()
