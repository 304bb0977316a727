"""The route x role x area matrix: every operation of the OpenAPI document,
called by every kind of caller, on records in and out of the caller's area.

The expectations are written here, independently of the route table
(src/http/routes.c), so that a route added without its row, or a row left
behind by a route that has gone, fails the test; and so does any caller
reaching what it should not.

Callers: nobody (no credentials), a resident, an organisation (API key),
admin, auditor, and a clerk and a grid worker of each of two areas: A (a
police station of 历下区 and one of its grids) and B (one of 市中区). Every
record a path names is made twice, once in each area; callers of area A are
the ones "in area" for A's records, callers of area B are "out of area".

An answer counts as
- denied       when it is 401 or 403;
- out of area  when it is 403 or 404 for a record of another area;
- granted      otherwise (the handler ran: 200, 201, but also its own 409,
               410 or 422); a 5xx is always a failure.
A list answered to an out-of-area caller must not carry area A's people:
the name every person of area A has here (MARK_A) must not appear in it.
"""
import datetime
import json
import unittest

import itertools

import images

from harness import DATE_REASON, Server, declaration, id_number as harness_id_number, run, take_photo

ANON, RESIDENT, ORG, ADMIN, AUDITOR, CLERK, GRID = (
    "anon", "resident", "org", "admin", "auditor", "clerk", "grid")
EVERY = {ANON, RESIDENT, ORG, ADMIN, AUDITOR, CLERK, GRID}
STAFF = {ADMIN, CLERK, GRID}
DESK = {ADMIN, CLERK}
AUDITORS = {ADMIN, AUDITOR}

# scope: None   - the operation names no record of an area (public, own);
#        "list" - a list filtered by the caller's area (checked for leaks);
#        "path" - the path (or the body) names a record of one area.
PUBLIC, LIST, PATH = None, "list", "path"

MARK_A, MARK_B = "矩阵甲", "矩阵乙"
TODAY = datetime.date.today().isoformat()
_serial = itertools.count(1)


def id_number(address="110105", birth=None):
    """A valid ID number never given before in this run (the harness's
    draws a random serial, which repeats over hundreds of records)."""
    n = next(_serial)
    day = datetime.date(1960, 1, 1) + datetime.timedelta(days=n // 900)
    return harness_id_number(address, day.strftime("%Y%m%d"), n % 900 + 1)


def declaration_of(grid, **kw):
    return declaration(grid, idn=id_number(), **kw)


class Row:
    def __init__(self, who, scope=PUBLIC, fixture=None, granted=None, refused=None):
        self.who = who            # the callers that are let through
        self.scope = scope
        self.fixture = fixture    # name of a method of Matrix: (area) -> request
        self.granted = granted    # predicate over a response, when the
                                  # route's own answer to a valid caller is
                                  # a 401 (logins with wrong secrets)
        self.refused = refused    # predicate: a refusal of another area's
                                  # record that is not a 403/404 (an upload
                                  # refuses the rows naming it)


def rows_refused(r):
    """An upload preview whose every row was refused for naming a house the
    organisation does not let, manage or represent."""
    j = r.json or {}
    return (r.status == 200 and j.get("upload", {}).get("good") == 0 and
            all(e.get("field") == "房屋编号" for e in j.get("errors", [])) and
            j.get("errors"))


MATRIX = {
    "GET /healthz": Row(EVERY),
    "GET /readyz": Row(EVERY),
    "GET /metrics": Row(EVERY),
    "GET /api/v1/openapi.json": Row(EVERY),
    "GET /api/v1/codes": Row(EVERY),

    "POST /api/v1/auth/login": Row(EVERY, fixture="f_login"),
    "POST /api/v1/auth/logout": Row(STAFF | {AUDITOR}, fixture="f_logout"),
    "GET /api/v1/auth/me": Row(STAFF | {AUDITOR}),
    # Granted callers get the handler's own refusal of a weak new password
    # (422), so no caller's password changes.
    "POST /api/v1/auth/password": Row(STAFF | {AUDITOR}, fixture="f_password"),

    "GET /api/v1/users": Row({ADMIN}),
    "POST /api/v1/users/{id}/reset-password": Row({ADMIN}, fixture="f_account"),
    "POST /api/v1/users/{id}/disable": Row({ADMIN}, fixture="f_account"),
    "POST /api/v1/users/{id}/enable": Row({ADMIN}, fixture="f_account"),

    "GET /api/v1/areas": Row(STAFF | {RESIDENT}),
    "GET /api/v1/stations": Row(STAFF),

    "POST /api/v1/registrations/check": Row(STAFF, fixture="f_check"),
    "POST /api/v1/registrations": Row(DESK, PATH, "f_register"),
    "GET /api/v1/registrations/{id}": Row(STAFF, PATH, "f_registration_read"),
    "POST /api/v1/registrations/{id}/address-change": Row(DESK, PATH, "f_address_change"),
    "POST /api/v1/registrations/{id}/cancel": Row(DESK, PATH, "f_cancel"),
    "GET /api/v1/registrations": Row(STAFF, LIST, "f_reason"),

    "GET /api/v1/persons": Row(STAFF, LIST, "f_search"),
    "GET /api/v1/persons/{id}": Row(STAFF, PATH, "f_person_read"),
    "GET /api/v1/persons/{id}/history": Row(STAFF, PATH, "f_person_read"),
    "GET /api/v1/persons/{id}/entitlements": Row(STAFF, PATH, "f_person_read"),
    "GET /api/v1/persons/{id}/permits": Row(STAFF, PATH, "f_person_read"),

    "GET /api/v1/worklists/late": Row(STAFF, LIST),
    "GET /api/v1/worklists/permits": Row(STAFF, LIST),
    "GET /api/v1/worklists/applications": Row(DESK, LIST, "f_applications"),

    "POST /api/v1/persons/{id}/permits": Row(DESK, PATH, "f_permit_apply"),
    "POST /api/v1/permits/{id}/accept": Row(DESK, PATH, "f_permit_accept"),
    "POST /api/v1/permits/{id}/issue": Row(DESK, PATH, "f_permit_issue"),
    "POST /api/v1/permits/{id}/endorse": Row(DESK, PATH, "f_permit_endorse"),
    "POST /api/v1/permits/{id}/replace": Row(DESK, PATH, "f_permit_replace"),
    "POST /api/v1/permits/{id}/change": Row(DESK, PATH, "f_permit_change"),
    "POST /api/v1/permits/{id}/cancel": Row(DESK, PATH, "f_permit_cancel"),
    "POST /api/v1/permits/{id}/return": Row(DESK, PATH, "f_permit_return"),
    "GET /api/v1/permits/{id}": Row(STAFF, PATH, "f_permit_read"),
    "GET /api/v1/permits/{no}/qr.svg": Row(DESK, PATH, "f_permit_no"),
    "GET /api/v1/permits/{no}/print": Row(DESK, PATH, "f_permit_no"),
    "GET /verify": Row(EVERY, fixture="f_verify"),
    # The holder's photo: the desk takes it and sees it; never grid workers.
    "POST /api/v1/persons/{id}/photo": Row(DESK, PATH, "f_photo_upload"),
    "GET /api/v1/persons/{id}/photo": Row(DESK, PATH, "f_photo_person"),
    "GET /api/v1/permits/{id}/photo": Row(DESK, PATH, "f_photo_permit"),

    "GET /api/v1/stats/overview": Row(STAFF, LIST),
    "GET /api/v1/stats/timeline": Row(STAFF, LIST),
    "GET /api/v1/stats/grid": Row(STAFF, LIST),
    "GET /api/v1/calendar": Row(STAFF, LIST),
    "GET /api/v1/stats/queues": Row(STAFF, LIST),

    "POST /api/v1/resident/otp": Row(EVERY, fixture="f_otp"),
    "POST /api/v1/resident/login": Row(EVERY, fixture="f_resident_login",
                                       granted=lambda r: r.error_field() == "code"),
    "POST /api/v1/resident/logout": Row({RESIDENT}),
    "GET /api/v1/resident/me": Row({RESIDENT}),
    "POST /api/v1/resident/registrations": Row({RESIDENT}, fixture="f_resident_declare"),
    "POST /api/v1/resident/permits": Row({RESIDENT}, fixture="f_resident_apply"),
    "POST /api/v1/resident/permits/endorse": Row({RESIDENT}, fixture="f_empty"),
    "POST /api/v1/resident/photo": Row({RESIDENT}, fixture="f_resident_photo"),
    "GET /api/v1/resident/photos/{id}": Row({RESIDENT}, fixture="f_resident_photo_read"),

    "POST /api/v1/organisations": Row(DESK, PATH, "f_org_create"),
    "GET /api/v1/organisations": Row(DESK, LIST),
    "POST /api/v1/organisations/{id}/keys": Row(DESK, PATH, "f_org_key"),
    "POST /api/v1/houses": Row(DESK, PATH, "f_house_create"),
    "GET /api/v1/houses": Row(STAFF, LIST),
    "GET /api/v1/houses/{id}": Row(STAFF, PATH, "f_house_read"),
    "POST /api/v1/reports": Row(DESK | {ORG}, PATH, "f_report_create"),
    "GET /api/v1/reports": Row(STAFF | {ORG}, LIST),
    "GET /api/v1/reports/{id}": Row(STAFF | {ORG}, PATH, "f_report_read"),
    "POST /api/v1/reports/uploads": Row(DESK | {ORG}, PATH, "f_upload", refused=rows_refused),
    "POST /api/v1/reports/uploads/{id}/confirm": Row(DESK | {ORG}, PATH, "f_upload_confirm"),
    "POST /api/v1/reports/uploads/sessions": Row(DESK | {ORG}, PATH, "f_upload_open"),
    "PUT /api/v1/reports/uploads/{id}/parts/{no}": Row(DESK | {ORG}, PATH, "f_upload_part"),
    "GET /api/v1/reports/uploads/{id}": Row(DESK | {ORG}, PATH, "f_upload_read"),
    "POST /api/v1/reports/uploads/{id}/complete": Row(DESK | {ORG}, PATH, "f_upload_complete"),
    "DELETE /api/v1/reports/uploads/{id}": Row(DESK | {ORG}, PATH, "f_upload_discard"),
    "GET /api/v1/tasks": Row(STAFF, LIST),
    "POST /api/v1/tasks/{id}/close": Row(STAFF, PATH, "f_task_close"),
    "POST /api/v1/tasks/{id}/reassign": Row(DESK, PATH, "f_task_reassign"),
    "POST /api/v1/visits": Row(STAFF, PATH, "f_visit"),
    "GET /api/v1/grid/worklist": Row(STAFF, LIST),

    "GET /api/v1/declarations": Row(STAFF, LIST),
    "POST /api/v1/declarations/{id}/confirm": Row(STAFF, PATH, "f_declaration_confirm"),
    "POST /api/v1/declarations/{id}/reject": Row(STAFF, PATH, "f_declaration_reject"),

    "GET /api/v1/audit": Row(AUDITORS),
    "GET /api/v1/audit/verify": Row(AUDITORS),
}


class Req:
    """A request to make: path (with its parameters filled), query, body,
    raw body and content type."""

    def __init__(self, path, query=None, body=None, raw=None, ctype=None):
        self.path, self.query, self.body, self.raw, self.ctype = path, query, body, raw, ctype


class Matrix(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # Every caller of every upload operation makes an upload of its
        # own: far more than the few pending uploads an organisation or a
        # clerk may have (test_uploads.py tests that limit).
        cls.s = s = Server(people=20, extra_args=["--upload-pending", "100"])
        cls.grid = {"A": s.grids_a[0], "B": s.grids_b[0]}
        # A grid worker of area B as well (the harness makes only A's).
        out = json.loads(run("user", "add", "t_grid_b", "--role", "grid", "--area",
                             s.grids_b[0], "--data", s.data).stdout)
        s.accounts["grid_b"] = ("t_grid_b", out["password"])
        cls.staff = {"A": {CLERK: "clerk_a", GRID: "grid_a"},
                     "B": {CLERK: "clerk_b", GRID: "grid_b"}}
        cls.org = {a: cls.make_org(a) for a in "AB"}
        cls.employer = {a: cls.make_org(a, "employer") for a in "AB"}
        cls.resident_token = cls.resident_sign_in()

    @classmethod
    def tearDownClass(cls):
        cls.s.close()

    # ---- records of an area ---------------------------------------------

    @classmethod
    def clerk(cls, area, method, path, body=None, **kw):
        r = cls.s.as_(cls.staff[area][CLERK], method, path, body, **kw)
        assert r.status in (200, 201), (method, path, r)
        return r.json

    @classmethod
    def make_org(cls, area, kind="landlord"):
        body = {"kind": kind, "name": "矩阵单位" + area, "grid": cls.grid[area],
                "phone": "13900000000"}
        if kind == "landlord":
            body["id_number"] = id_number("370102", "19700101")
        else:
            body["credit_code"] = "91370100MA3C000009"
        o = cls.clerk(area, "POST", "/api/v1/organisations", body)
        oid = o["organisation"]["id"]
        key = cls.clerk(area, "POST", "/api/v1/organisations/%d/keys" % oid, {})["key"]
        return {"id": oid, "key": key}

    @classmethod
    def mark(cls, area):
        return MARK_A if area == "A" else MARK_B

    def registered(self, area, arrival="2024-01-01", declared="2024-01-02"):
        body = declaration_of(self.grid[area], arrival=arrival, declared=declared)
        body["person"]["name"] = self.mark(area)
        return self.clerk(area, "POST", "/api/v1/registrations", body)

    def permit(self, area, stage="issued"):
        reg = self.registered(area)
        pid = self.clerk(area, "POST", "/api/v1/persons/%d/permits" % reg["person"]["id"], {
            "basis": "housing", "date_reason": DATE_REASON, "applied_date": "2024-08-01",
            "materials": {"id_card": True, "photo": True, "residence_proof": True}})["permit"]["id"]
        if stage == "applied":
            return pid, None
        self.clerk(area, "POST", "/api/v1/permits/%d/accept" % pid, {"date_reason": DATE_REASON, "accepted_date": "2024-08-01"})
        take_photo(self.s, self.staff[area][CLERK], reg["person"]["id"])
        if stage == "accepted":
            return pid, None
        no = self.clerk(area, "POST", "/api/v1/permits/%d/issue" % pid,
                        {"date_reason": DATE_REASON, "issued_date": "2024-08-05"})["permit"]["permit_no"]
        return pid, no

    def house(self, area):
        self._room = getattr(self, "_room", 100) + 1
        return self.clerk(area, "POST", "/api/v1/houses", {
            "address": {"grid": self.grid[area], "road": "经十路", "house_number": "1号",
                        "building": "1", "unit": "1", "room": str(self._room)},
            "landlord": self.org[area]["id"], "rooms": 3, "capacity": 6})["house"]["id"]

    def report_body(self, area, idn=None):
        return {"kind": "tenant_move_in", "house": self.house(area), "event_date": TODAY,
                "person": {"id_number": idn or id_number("420102", "19930101"),
                           "name": self.mark(area)}}

    def report(self, area):
        body = self.report_body(area)
        body["organisation"] = self.org[area]["id"]
        return self.clerk(area, "POST", "/api/v1/reports", body)["report"]["id"]

    def task(self, area):
        idn = id_number("420102", "19930101")
        body = {"organisation": self.employer[area]["id"], "kind": "hire", "event_date": TODAY,
                "person": {"id_number": idn, "name": self.mark(area)},
                "address": {"grid": self.grid[area], "road": "经十路"}}
        self.clerk(area, "POST", "/api/v1/reports", body)
        for t in self.clerk(area, "GET", "/api/v1/tasks",
                            query={"status": "open", "per_page": 100})["items"]:
            if idn in json.dumps(t, ensure_ascii=False):
                return t["id"]
        raise AssertionError("no task opened for the report in area " + area)

    def pending_declaration(self, area):
        """An online declaration waiting for verification (待核验): made in a
        session of an ID number not on record."""
        idn, phone = id_number("510104"), "1391234%04d" % (next(_serial) % 10000)
        token = self.resident_session(idn, phone)
        body = declaration_of(self.grid[area])
        body["person"]["name"] = self.mark(area)
        for k in ("id_number", "phone"):
            del body["person"][k]
        del body["declared_date"]
        body.pop("date_reason", None)
        r = self.s.call("POST", "/api/v1/resident/registrations", body, token=token)
        assert r.status == 202, r
        return r.json["declaration"]["id"]

    def csv(self, area):
        return ("报告类型,公民身份号码,姓名,发生日期,房屋编号\r\n入住,%s,%s,%s,%d\r\n" % (
            id_number("420102", "19930101"), self.mark(area), TODAY,
            self.house(area))).encode("utf-8")

    def upload(self, area):
        r = self.s.call("POST", "/api/v1/reports/uploads", raw=self.csv(area),
                        headers={"Authorization": "ApiKey " + self.org[area]["key"],
                                 "Content-Type": "text/csv"})
        assert r.status == 200, r
        return r.json["upload"]["id"]

    # ---- fixtures: (area) -> Req -----------------------------------------

    def f_reason(self, area):
        return Req(None, query={"reason": "矩阵测试"})

    def f_search(self, area):
        return Req(None, query={"reason": "矩阵测试", "name": MARK_A[:2]})

    def f_login(self, area):
        user, pw = self.s.accounts["admin"]
        return Req(None, body={"username": user, "password": pw})

    def f_logout(self, area):
        return Req(None, body=None)

    def f_password(self, area):
        return Req(None, body={"current_password": "x", "new_password": "short"})

    def f_account(self, area):
        """A staff account of its own for each operation (an admin resets,
        disables or enables it)."""
        name = "t_matrix_%d" % next(_serial)
        run("user", "add", name, "--role", "auditor", "--data", self.s.data)
        db = self.s.db()
        uid = db.execute("SELECT id FROM users WHERE username = ?", (name,)).fetchone()[0]
        db.close()
        return Req(str(uid), body={})

    def f_check(self, area):
        return Req(None, body=declaration_of(self.grid[area]))

    def f_register(self, area):
        body = declaration_of(self.grid[area])
        body["person"]["name"] = self.mark(area)
        return Req(None, body=body)

    def f_registration_read(self, area):
        return Req(str(self.registered(area)["registration"]["id"]),
                   query={"reason": "矩阵测试"})

    def f_address_change(self, area):
        reg = self.registered(area)["registration"]["id"]
        return Req(str(reg), body={
            "address": {"grid": self.grid[area], "road": "历山路", "house_number": "2号"},
            "moved_date": TODAY})

    def f_cancel(self, area):
        reg = self.registered(area)["registration"]["id"]
        return Req(str(reg), body={"left_date": TODAY, "reporter": "self", "reason": "离开本市"})

    def f_person_read(self, area):
        return Req(str(self.registered(area)["person"]["id"]), query={"reason": "矩阵测试"})

    def f_permit_apply(self, area):
        person = self.registered(area)["person"]["id"]
        return Req(str(person), body={"basis": "housing", "date_reason": DATE_REASON, "applied_date": TODAY})

    def f_permit_accept(self, area):
        return Req(str(self.permit(area, "applied")[0]), body={})

    def f_permit_issue(self, area):
        return Req(str(self.permit(area, "accepted")[0]), body={})

    def f_permit_endorse(self, area):
        return Req(str(self.permit(area)[0]), body={})

    def f_permit_replace(self, area):
        return Req(str(self.permit(area)[0]), body={"reason": "damaged"})

    def f_permit_change(self, area):
        return Req(str(self.permit(area)[0]), body={"name": self.mark(area) + "改"})

    def f_permit_cancel(self, area):
        return Req(str(self.permit(area)[0]), body={"reason": "离开本市"})

    def f_permit_return(self, area):
        return Req(str(self.permit(area, "applied")[0]), body={"reason": "材料不实"})

    def f_applications(self, area):
        # Counter applications too: the seed's carry area A's name.
        return Req(None, query={"channel": "counter"})

    def f_permit_read(self, area):
        return Req(str(self.permit(area)[0]), query={"reason": "矩阵测试"})

    def f_permit_no(self, area):
        return Req(self.permit(area)[1])

    def f_verify(self, area):
        pid, _ = self.permit(area)
        r = self.s.as_(self.staff[area][CLERK], "GET", "/api/v1/permits/%d" % pid,
                       query={"reason": "矩阵测试"})
        versions = r.json.get("versions") or r.json.get("permit", {}).get("versions") or []
        payload = [v["payload"] for v in versions if v.get("payload")]
        return Req(None, query={"c": payload[-1] if payload else "LDP1|x"})

    def f_photo_upload(self, area):
        return Req(str(self.registered(area)["person"]["id"]), raw=images.jpeg(),
                   ctype="image/jpeg")

    def f_photo_person(self, area):
        person = self.registered(area)["person"]["id"]
        take_photo(self.s, self.staff[area][CLERK], person)
        return Req(str(person), query={"reason": "矩阵测试"})

    def f_photo_permit(self, area):
        return Req(str(self.permit(area)[0]), query={"reason": "矩阵测试"})

    def f_resident_photo(self, area):
        return Req(None, raw=images.png(), ctype="image/png")

    def f_resident_photo_read(self, area):
        r = self.s.call("POST", "/api/v1/resident/photo", raw=images.jpeg(),
                        token=self.resident_token, headers={"Content-Type": "image/jpeg"})
        assert r.status == 201, r
        return Req(str(r.json["photo"]["id"]))

    def f_otp(self, area):
        return Req(None, body={"id_number": id_number("110105", "19900101"),
                               "phone": "13912340000"})

    def f_resident_login(self, area):
        return Req(None, body={"id_number": self.resident_idn, "phone": self.resident_phone,
                               "code": "000000"})

    def f_resident_declare(self, area):
        body = declaration_of(self.grid[area])
        for k in ("id_number", "phone"):
            del body["person"][k]
        del body["declared_date"]
        body.pop("date_reason", None)
        return Req(None, body=body)

    def f_resident_apply(self, area):
        return Req(None, body={"basis": "housing"})

    def f_empty(self, area):
        return Req(None, body={})

    def f_declaration_confirm(self, area):
        return Req(str(self.pending_declaration(area)), body={"verified_by": "visit"})

    def f_declaration_reject(self, area):
        return Req(str(self.pending_declaration(area)), body={"reason": "身份证件不符"})

    def f_org_create(self, area):
        return Req(None, body={"kind": "employer", "name": "矩阵单位" + area,
                               "credit_code": "91370100MA3C000009", "grid": self.grid[area]})

    def f_org_key(self, area):
        return Req(str(self.make_org(area)["id"]), body={})

    def f_house_create(self, area):
        self._room = getattr(self, "_room", 100) + 1
        return Req(None, body={
            "address": {"grid": self.grid[area], "road": "经十路", "house_number": "1号",
                        "room": str(self._room)},
            "landlord": self.org[area]["id"], "rooms": 2, "capacity": 4})

    def f_house_read(self, area):
        return Req(str(self.house(area)), query={"reason": "矩阵测试"})

    def f_report_create(self, area):
        body = self.report_body(area)
        body["organisation"] = self.org[area]["id"]
        return Req(None, body=body)

    def f_report_read(self, area):
        return Req(str(self.report(area)))

    def f_upload(self, area):
        return Req(None, raw=self.csv(area), ctype="text/csv",
                   query={"organisation": self.org[area]["id"]})

    def f_upload_confirm(self, area):
        return Req(str(self.upload(area)), body={})

    def opened(self, area, data):
        """An upload of area's organisation opened in parts, with every
        part sent (data is one part); its id."""
        key = {"Authorization": "ApiKey " + self.org[area]["key"]}
        r = self.s.call("POST", "/api/v1/reports/uploads/sessions",
                        {"name": "矩阵.csv", "size": len(data)}, headers=key)
        assert r.status == 201, r
        up = r.json["upload"]["id"]
        r = self.s.call("PUT", "/api/v1/reports/uploads/%d/parts/1" % up, raw=data,
                        headers=dict(key, **{"Content-Type": "application/octet-stream"}))
        assert r.status == 200, r
        return up

    def f_upload_open(self, area):
        return Req(None, body={"organisation": self.org[area]["id"], "name": "矩阵.csv",
                               "size": 100})

    def f_upload_part(self, area):
        # The path's {id} and {no} get the same number: a part number the
        # upload does not have (422 from its handler), or part 1.
        data = self.csv(area)
        return Req(str(self.opened(area, data)), raw=data, ctype="application/octet-stream")

    def f_upload_read(self, area):
        return Req(str(self.upload(area)))

    def f_upload_complete(self, area):
        return Req(str(self.opened(area, self.csv(area))), body={})

    def f_upload_discard(self, area):
        return Req(str(self.upload(area)))

    def f_task_close(self, area):
        return Req(str(self.task(area)), body={"outcome": "visited"})

    def f_task_reassign(self, area):
        return Req(str(self.task(area)), body={"grid": self.grid[area]})

    def f_visit(self, area):
        return Req(None, body={"house": self.house(area), "occupants": [
            {"id_number": id_number("420102", "19930101"), "name": self.mark(area)}]})

    # ---- callers -----------------------------------------------------------

    @classmethod
    def resident_sign_in(cls):
        """A resident of area A, registered by A's clerk with a phone."""
        cls.resident_idn = id_number("130102", "19910101")
        cls.resident_phone = "13912349876"
        body = declaration(cls.grid["A"], idn=cls.resident_idn, arrival="2024-01-01",
                           declared="2024-01-02")
        body["person"].update(name=MARK_A, phone=cls.resident_phone)
        cls.clerk("A", "POST", "/api/v1/registrations", body)
        return cls.resident_session(cls.resident_idn, cls.resident_phone)

    @classmethod
    def resident_session(cls, idn, phone):
        r = cls.s.call("POST", "/api/v1/resident/otp", {"id_number": idn, "phone": phone})
        assert r.status == 200 and "demo_code" in r.json, r
        r = cls.s.call("POST", "/api/v1/resident/login",
                       {"id_number": idn, "phone": phone, "code": r.json["demo_code"]})
        assert r.status == 200, r
        return r.json["token"]

    def fresh_resident(self):
        """Another registered resident's session, for an operation that
        ends the session it is called with."""
        idn, phone = id_number("130102"), "1381234%04d" % (next(_serial) % 10000)
        body = declaration(self.grid["A"], idn=idn, arrival="2024-01-01", declared="2024-01-02")
        body["person"].update(name=MARK_A, phone=phone)
        self.clerk("A", "POST", "/api/v1/registrations", body)
        return {"Authorization": "Bearer " + self.resident_session(idn, phone)}

    def callers(self, area):
        """(label, kind, area, headers) of every caller; area is the area
        a caller belongs to (None for those of no area)."""
        out = [("nobody", ANON, None, {}),
               ("resident", RESIDENT, None, {"Authorization": "Bearer " + self.resident_token}),
               ("admin", ADMIN, None, self.bearer("admin")),
               ("auditor", AUDITOR, None, self.bearer("auditor"))]
        for a in "AB":
            out.append(("org_" + a, ORG, a, {"Authorization": "ApiKey " + self.org[a]["key"]}))
            out.append(("clerk_" + a, CLERK, a, self.bearer(self.staff[a][CLERK])))
            out.append(("grid_" + a, GRID, a, self.bearer(self.staff[a][GRID])))
        return out

    def bearer(self, label):
        return {"Authorization": "Bearer " + self.s.login(label)}

    # ---- the test ------------------------------------------------------------

    def operations(self):
        doc = self.s.call("GET", "/api/v1/openapi.json").json
        ops = set()
        for path, item in doc["paths"].items():
            for method in item:
                ops.add("%s %s" % (method.upper(), path))
        return ops

    def test_every_operation_has_its_row(self):
        ops = self.operations()
        self.assertEqual(sorted(ops - set(MATRIX)), [],
                         "operations without a row in MATRIX (add one)")
        self.assertEqual(sorted(set(MATRIX) - ops), [],
                         "rows of MATRIX whose operation is gone")

    def call(self, op, req, headers):
        method, template = op.split(" ", 1)
        path = template
        if req.path is not None:
            path = template.replace("{id}", req.path).replace("{no}", req.path)
        h = dict(headers)
        if req.ctype:
            h["Content-Type"] = req.ctype
        body = req.body
        if body is None and req.raw is None and method == "POST":
            body = {}
        r = self.s.call(method, path, body=body, raw=req.raw, query=req.query, headers=h)
        return r

    def check(self, op, row, label, kind, caller_area, record_area, r):
        where = "%s by %s on a record of area %s: %r" % (op, label, record_area, r)
        self.assertLess(r.status, 500, where)
        granted_kind = kind in row.who
        in_area = row.scope != PATH or caller_area is None or caller_area == record_area
        if not granted_kind:
            self.assertIn(r.status, (401, 403), "not denied: " + where)
            return
        if not in_area:
            if row.refused and row.refused(r):
                return
            self.assertIn(r.status, (403, 404), "reached out of area: " + where)
            if r.status == 403:
                self.assertIn(r.error_code(), ("out_of_area", "forbidden"), where)
            return
        if row.granted and row.granted(r):
            return
        self.assertNotIn(r.status, (401, 403), "refused: " + where)
        self.assertNotEqual(r.status, 404, "record not found for its own area: " + where)
        if row.scope == LIST and caller_area == "B" and r.status == 200:
            self.assertNotIn(MARK_A, r.raw.decode("utf-8", "replace"),
                             "area A's people in a list of area B: " + where)

    def seed(self):
        """Records of every kind in both areas, so that every list has
        something of area A to leak."""
        for area in "AB":
            self.permit(area)
            self.permit(area, "applied")
            self.registered(area, arrival="2025-01-02", declared="2025-02-20")  # late
            self.report(area)
            self.task(area)
            self.upload(area)
            self.pending_declaration(area)

    def test_matrix(self):
        self.seed()
        ops = self.operations()
        self.calls = 0
        for op in sorted(ops & set(MATRIX)):
            row = MATRIX[op]
            for record_area in ("A", "B") if row.scope == PATH else ("A",):
                with self.subTest(op=op, area=record_area):
                    self.run_op(op, row, record_area)
        # Every caller tried every operation (a loop that ran nothing passes
        # nothing).
        self.assertGreaterEqual(self.calls, 11 * len(ops & set(MATRIX)))

    def run_op(self, op, row, record_area):
        # One set of records for every caller of this operation, made fresh
        # (a granted write changes them); denied callers go first, so that
        # the records are intact when the first granted caller comes.
        fixture = getattr(self, row.fixture) if row.fixture else None
        req = fixture(record_area) if fixture else Req(None)
        callers = self.callers(record_area)

        def order(c):
            label, kind, area, _ = c
            granted = kind in row.who
            in_area = row.scope != PATH or area is None or area == record_area
            return (granted and in_area, label)
        for label, kind, area, headers in sorted(callers, key=order):
            if op == "POST /api/v1/auth/logout" and kind in row.who:
                headers = self.fresh_session(label)
            if op == "POST /api/v1/resident/logout" and kind == RESIDENT:
                headers = self.fresh_resident()
            r = self.call(op, req, headers)
            self.calls += 1
            self.check(op, row, label, kind, area, record_area, r)

    def fresh_session(self, label):
        user, pw = self.s.accounts[self.s_label(label)]
        r = self.s.call("POST", "/api/v1/auth/login", {"username": user, "password": pw})
        self.assertEqual(r.status, 200, r)
        return {"Authorization": "Bearer " + r.json["token"]}

    def s_label(self, label):
        return {"clerk_A": "clerk_a", "clerk_B": "clerk_b", "grid_A": "grid_a",
                "grid_B": "grid_b"}.get(label, label)


if __name__ == "__main__":
    unittest.main()
