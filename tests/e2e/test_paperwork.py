"""The paperwork of a residence permit (issue 13, "Paperwork").

- The printed permit carries every item 《居住证暂行条例》第四条 lists:
  姓名、性别、民族、出生日期、公民身份号码、本人相片、常住户口所在地住址、
  居住地住址、签发机关和签发日期 — the residence address with its district
  and room, the authority of the permit's district (第十条).
- The holder's photo: taken at the counter or sent online, checked (JPEG or
  PNG by their bytes, size, pixels), stored without its metadata, shown
  only to the desk of the person's area, audited; issuing needs one.
- Issuing authorities per district, from the table or a file.
- The registration certificate names the hukou place once.
- Permit answers and the permit work list name the holder.
"""
import base64
import datetime
import hashlib
import html.parser
import os
import socket
import subprocess
import tempfile
import unittest

import images
from harness import BINARY, Server, backdated, declaration, id_number, masked, take_photo

R = {"reason": "窗口办理居住证"}


def sm3(data):
    return hashlib.new("sm3", data).hexdigest()


def day(n):
    return (datetime.date.today() - datetime.timedelta(days=n)).isoformat()


class Card(html.parser.HTMLParser):
    """The fields of a printed permit by their printed labels (the words of
    条例 第四条), and the <img> of the photo (data-field="photo")."""

    LABELS = {"姓名": "name", "性别": "sex", "民族": "ethnicity", "出生日期": "birth",
              "公民身份号码": "id_number", "常住户口所在地住址": "hukou_address",
              "居住地住址": "residence_address", "居住地址": "residence_address",
              "签发机关": "issuing_authority", "签发日期": "issue_date",
              "证件编号": "permit_no"}

    def __init__(self, text):
        super().__init__()
        self.fields, self.photo = {}, None
        self._in, self._label, self._value = None, "", ""
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("th", "td"):
            self._in = tag
        if tag == "tr":
            self._label, self._value = "", ""
        if a.get("data-field") == "photo":
            self.photo = a if tag == "img" else {}

    def handle_endtag(self, tag):
        if tag in ("th", "td"):
            self._in = None
        if tag == "tr" and self._label.strip() in self.LABELS:
            self.fields[self.LABELS[self._label.strip()]] = self._value

    def handle_data(self, data):
        if self._in == "th":
            self._label += data
        elif self._in == "td":
            self._value += data


class Paperwork(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # A read is answered once its audit entry is on disk, so the
        # audit trail can be read right after.
        cls.s = Server(people=20, extra_args=["--read-audit", "durable"])

    @classmethod
    def tearDownClass(cls):
        cls.s.close()

    def post(self, path, body, who="clerk_a"):
        return self.s.as_(who, "POST", path, backdated(body))

    def registered(self, who="clerk_a", grid=None, seq=11, **person):
        """A person registered about 300 days ago (a permit can be applied
        for), living at 和平路1613号3号楼4单元302室."""
        grid = grid or (self.s.grids_a[0] if who == "clerk_a" else self.s.grids_b[0])
        body = declaration(grid, idn=id_number("110105", "19880315", seq),
                           arrival=day(302), declared=day(300))
        body["address"].update(road="和平路", house_number="1613号", building="3",
                               unit="4", room="302")
        body["person"].update(person)
        r = self.post("/api/v1/registrations", body, who)
        self.assertEqual(r.status, 201, r)
        return r.json

    def accepted(self, person, who="clerk_a"):
        r = self.post("/api/v1/persons/%d/permits" % person, {
            "basis": "housing", "applied_date": day(20),
            "materials": {"id_card": True, "photo": True, "residence_proof": True}}, who)
        self.assertEqual(r.status, 201, r)
        pid = r.json["permit"]["id"]
        r = self.post("/api/v1/permits/%d/accept" % pid, {"accepted_date": day(20)}, who)
        self.assertEqual(r.status, 200, r)
        return pid

    def upload(self, person, data, ctype="image/jpeg", who="clerk_a"):
        return self.s.call("POST", "/api/v1/persons/%d/photo" % person, raw=data,
                           token=self.s.login(who), headers={"Content-Type": ctype})

    def photo_of(self, person):
        r = self.s.as_("clerk_a", "GET", "/api/v1/persons/%d" % person, query=R)
        self.assertEqual(r.status, 200, r)
        return r.json.get("photo")

    # ---- the printed permit ------------------------------------------------

    def test_printed_permit_carries_every_item_of_article_4(self):
        reg = self.registered(seq=21, name="马晓燕", ethnicity="03",
                              hukou_address="某街道1号")
        person = reg["person"]["id"]
        pid = self.accepted(person)
        photo = images.jpeg(358, 441)
        self.upload(person, photo)  # 404 before photos were kept
        r = self.post("/api/v1/permits/%d/issue" % pid, {"issued_date": day(15)})
        self.assertEqual(r.status, 200, r)
        no = r.json["permit"]["permit_no"]
        r = self.s.as_("clerk_a", "GET", "/api/v1/permits/%s/print" % no)
        self.assertEqual(r.status, 200, r)
        card = Card(r.raw.decode("utf-8"))
        idn = reg["person"]["id_number"]
        want = {
            "name": "马晓燕",
            "sex": "女" if int(idn[16]) % 2 == 0 else "男",
            "ethnicity": "回族",
            "birth": "1988-03-15",
            "id_number": idn,
            "hukou_address": "北京市朝阳区某街道1号",
            "residence_address": "历下区和平路1613号3号楼4单元302室",
            "issuing_authority": "济南市公安局历下区分局",
            "issue_date": day(15),
        }
        got = {k: card.fields.get(k, "").strip() for k in want}
        # Every field at once, so a failure names all that is wrong.
        self.assertEqual(got, want)
        self.assertIsNotNone(card.photo, "the permit shows no photo")
        src = card.photo.get("src", "")
        self.assertTrue(src.startswith("data:image/jpeg;base64,"), src[:40])
        printed = base64.b64decode(src.split(",", 1)[1])
        self.assertEqual(printed, photo)  # it had no metadata to drop
        self.assertEqual(card.photo.get("data-sm3"), sm3(photo))

    def test_issuing_authority_is_the_districts(self):
        reg = self.registered(who="clerk_b", seq=31)
        pid = self.accepted(reg["person"]["id"], who="clerk_b")
        take_photo(self.s, "clerk_b", reg["person"]["id"])
        r = self.post("/api/v1/permits/%d/issue" % pid, {}, who="clerk_b")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["permit"]["issuing_authority"], "济南市公安局市中区分局")
        card = Card(self.s.as_("clerk_b", "GET", "/api/v1/permits/%s/print" %
                               r.json["permit"]["permit_no"]).raw.decode())
        self.assertEqual(card.fields["issuing_authority"], "济南市公安局市中区分局")
        self.assertEqual(card.fields["residence_address"], "市中区和平路1613号3号楼4单元302室")
        # A clerk no longer types the authority: the district decides it.
        reg = self.registered(who="clerk_b", seq=33)
        pid = self.accepted(reg["person"]["id"], who="clerk_b")
        r = self.post("/api/v1/permits/%d/issue" % pid,
                      {"issuing_authority": "某某机关"}, who="clerk_b")
        self.assertEqual(r.status, 400, r)
        self.assertEqual(r.json["error"]["field"], "issuing_authority")

    def test_permit_answers_and_work_list_name_the_holder(self):
        reg = self.registered(seq=41, name="赵永强")
        person, idn = reg["person"]["id"], reg["person"]["id_number"]
        r = self.post("/api/v1/persons/%d/permits" % person, {
            "basis": "housing", "applied_date": day(40),
            "materials": {"id_card": True, "photo": True, "residence_proof": True}})
        self.assertEqual(r.status, 201, r)
        pid = r.json["permit"]["id"]
        holder = r.json["permit"]["holder"]
        self.assertEqual((holder["name"], holder["id_number"]), ("赵永强", idn))
        # Accepted 40 days ago and not issued: on the work list, named.
        self.post("/api/v1/permits/%d/accept" % pid, {"accepted_date": day(40)})
        items = self.s.as_("clerk_a", "GET", "/api/v1/worklists/permits").json["items"]
        item = [i for i in items if i["permit_id"] == pid]
        self.assertEqual(len(item), 1, items)
        self.assertEqual((item[0]["name"], item[0]["id_number"]), ("赵永强", idn))
        # A grid worker of the person's grid sees the number masked.
        items = self.s.as_("grid_a", "GET", "/api/v1/worklists/permits").json["items"]
        item = [i for i in items if i["permit_id"] == pid]
        self.assertEqual(item[0]["id_number"], masked(idn))
        r = self.s.as_("grid_a", "GET", "/api/v1/permits/%d" % pid, query=R)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["permit"]["holder"]["name"], "赵永强")
        self.assertEqual(r.json["permit"]["holder"]["id_number"], masked(idn))
        self.assertEqual(r.json["permit"]["residence_address"],
                         "历下区和平路1613号3号楼4单元302室")
        self.assertEqual(r.json["permit"]["district_authority"], "济南市公安局历下区分局")

    # ---- the registration certificate --------------------------------------

    def test_certificate_names_the_hukou_place_once(self):
        """The certificate prints person.hukou_address_text: the place of
        hukou_code, then the address, never the place twice."""
        cases = [("北京市朝阳区某街道1号", "北京市朝阳区某街道1号"),
                 ("朝阳区某街道1号", "北京市朝阳区某街道1号"),
                 ("某街道1号", "北京市朝阳区某街道1号"),
                 (None, "北京市朝阳区")]
        for k, (given, want) in enumerate(cases):
            with self.subTest(given=given):
                reg = self.registered(seq=51 + k, hukou_address=given)
                if given is None:
                    self.assertIsNone(reg["person"]["hukou_address"])
                r = self.s.as_("clerk_a", "GET", "/api/v1/persons/%d" % reg["person"]["id"],
                               query=R)
                text = r.json["person"].get("hukou_address_text")
                self.assertEqual(text, want)
                self.assertEqual(text.count("朝阳区"), 1)

    # ---- photos: taken, refused, stripped, seen ------------------------------

    def test_issue_needs_a_photo(self):
        reg = self.registered(seq=61)
        pid = self.accepted(reg["person"]["id"])
        r = self.post("/api/v1/permits/%d/issue" % pid, {})
        self.assertEqual(r.status, 422, r)
        self.assertEqual(r.json["error"]["field"], "photo")
        self.assertIn("相片", r.json["error"]["message"])

    def test_photo_refusals(self):
        reg = self.registered(seq=71)
        person = reg["person"]["id"]
        cases = [
            # (what, body, content type, status, field)
            ("JSON instead of an image", b'{"photo": "x"}', "application/json", 415,
             "Content-Type"),
            ("GIF", b"GIF89a" + b"\x00" * 64, "image/gif", 415, "Content-Type"),
            ("not an image", b"%PDF-1.4\n" + b"x" * 2000, "image/jpeg", 422, "photo"),
            ("empty", b"", "image/png", 422, "photo"),
            ("a PNG called a JPEG", images.png(), "image/jpeg", 422, "photo"),
            ("truncated", images.jpeg()[:-40], "image/jpeg", 422, "photo"),
            ("too wide", images.jpeg(2400, 300), "image/jpeg", 422, "photo"),
            ("too small", images.png(60, 80), "image/png", 422, "photo"),
            ("over 512 KiB", images.jpeg(text=b"x" * 60000) + b"\x00" * (600 * 1024),
             "image/jpeg", 413, "photo"),
            ("a PNG with a broken chunk", images.png()[:60] + b"\x00" + images.png()[61:],
             "image/png", 422, "photo"),
        ]
        for what, body, ctype, status, field in cases:
            with self.subTest(what):
                r = self.upload(person, body, ctype)
                self.assertEqual(r.status, status, r)
                self.assertEqual(r.error_field(), field, r)
                msg = r.json["error"]["message"]
                self.assertTrue(any("\u4e00" <= c <= "\u9fff" for c in msg), msg)
        # Nothing was stored.
        self.assertIsNone(self.photo_of(person))
        # More than the server's bound (1 MiB): refused by h2o as soon as
        # it has read the head, before any body.
        head = ("POST /api/v1/persons/%d/photo HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                "Authorization: Bearer %s\r\nContent-Type: image/jpeg\r\n"
                "Content-Length: %d\r\n\r\n" % (person, self.s.login("clerk_a"),
                                                 1024 * 1024 + 10)).encode()
        with socket.create_connection(("127.0.0.1", self.s.port), timeout=20) as c:
            c.sendall(head)
            self.assertTrue(c.recv(64).startswith(b"HTTP/1.1 413 "))
        self.assertIsNone(self.photo_of(person))

    def test_another_areas_person(self):
        reg = self.registered(seq=81)
        person = reg["person"]["id"]
        r = self.upload(person, images.jpeg(), who="clerk_b")
        self.assertEqual(r.status, 403, r)
        self.assertEqual(r.error_code(), "out_of_area")
        self.assertIsNone(self.photo_of(person))
        take_photo(self.s, "clerk_a", person)
        r = self.s.as_("clerk_b", "GET", "/api/v1/persons/%d/photo" % person, query=R)
        self.assertEqual(r.status, 403, r)
        # The grid worker of the person's own grid: not a photo reader.
        r = self.s.as_("grid_a", "GET", "/api/v1/persons/%d/photo" % person, query=R)
        self.assertEqual(r.status, 403, r)
        self.assertEqual(r.error_code(), "forbidden")
        r = self.upload(person, images.jpeg(), who="grid_a")
        self.assertEqual(r.status, 403, r)
        # Each refusal is in the audit trail.
        r = self.s.as_("auditor", "GET", "/api/v1/audit",
                       query={"target": "person:%d" % person, "per_page": 100})
        denied = [e for e in r.json["items"] if e["result"] == "denied"]
        self.assertGreaterEqual(len(denied), 2, r.json["items"])

    def test_metadata_is_dropped_and_reads_are_audited(self):
        reg = self.registered(seq=91)
        person = reg["person"]["id"]
        for img, ctype in ((images.jpeg(exif=b"GPS 36.6512N 117.1201E", text=b"camera X"),
                            "image/jpeg"),
                           (images.png(exif=b"GPS 36.6512N 117.1201E", text=b"camera X",
                                       after_end=b"trailing"), "image/png")):
            with self.subTest(ctype):
                r = self.upload(person, img, ctype)
                self.assertEqual(r.status, 201, r)
                meta = r.json["photo"]
                self.assertEqual((meta["width"], meta["height"], meta["content_type"]),
                                 (300, 400, ctype))
                self.assertEqual(meta["channel"], "counter")
                r = self.s.as_("clerk_a", "GET", "/api/v1/persons/%d/photo" % person,
                               query={"reason": "核对相片"})
                self.assertEqual(r.status, 200, r)
                self.assertEqual({k.lower(): v for k, v in r.headers.items()}.get("content-type"), ctype)
                self.assertNotIn(b"GPS", r.raw)
                self.assertNotIn(b"camera", r.raw)
                self.assertNotIn(b"trailing", r.raw)
                self.assertLess(len(r.raw), len(img))
                self.assertEqual(sm3(r.raw), meta["sm3"])
                self.assertEqual(len(r.raw), meta["bytes"])
        # A read needs a reason, and is audited with it.
        r = self.s.as_("clerk_a", "GET", "/api/v1/persons/%d/photo" % person)
        self.assertEqual(r.status, 400, r)
        self.assertEqual(r.error_code(), "reason_required")
        r = self.s.as_("auditor", "GET", "/api/v1/audit",
                       query={"target": "person:%d" % person, "per_page": 100})
        reads = [e for e in r.json["items"] if e["action"] == "person:photo_read"]
        self.assertEqual(len(reads), 2, r.json["items"])
        self.assertEqual(reads[0]["reason"], "核对相片")
        takes = [e for e in r.json["items"] if e["action"] == "person:photo"]
        self.assertEqual(len(takes), 2)

    def test_stored_photo_is_the_material_and_the_card_keeps_its_photo(self):
        reg = self.registered(seq=101)
        person = reg["person"]["id"]
        first = take_photo(self.s, "clerk_a", person).json["photo"]
        # Applied without ticking the photo: the stored one counts.
        r = self.post("/api/v1/persons/%d/permits" % person, {
            "basis": "housing", "applied_date": day(20),
            "materials": {"id_card": True, "residence_proof": True}})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json["missing_materials"], [])
        pid = r.json["permit"]["id"]
        self.assertEqual(r.json["permit"]["photo"]["id"], first["id"])
        self.assertEqual(self.post("/api/v1/permits/%d/accept" % pid,
                                   {"accepted_date": day(20)}).status, 200)
        r = self.post("/api/v1/permits/%d/issue" % pid, {"issued_date": day(15)})
        self.assertEqual(r.status, 200, r)
        no = r.json["permit"]["permit_no"]
        # A new photo: the person's current one, but the card keeps its own.
        second = take_photo(self.s, "clerk_a", person, images.png(), "image/png")
        self.assertEqual(second.json["replaced"], 0)  # the first is on the card
        third = take_photo(self.s, "clerk_a", person)
        self.assertEqual(third.json["replaced"], 1)   # the second is not
        self.assertEqual(self.photo_of(person)["id"], third.json["photo"]["id"])
        r = self.s.as_("clerk_a", "GET", "/api/v1/permits/%d" % pid, query=R)
        self.assertEqual(r.json["permit"]["photo"]["id"], first["id"])
        r = self.s.as_("clerk_a", "GET", "/api/v1/permits/%d/photo" % pid, query=R)
        self.assertEqual(sm3(r.raw), first["sm3"])
        card = Card(self.s.as_("clerk_a", "GET", "/api/v1/permits/%s/print" % no).raw.decode())
        self.assertEqual(card.photo["data-sm3"], first["sm3"])
        # A replacement card carries the current photo.
        r = self.post("/api/v1/permits/%d/replace" % pid, {"reason": "lost"})
        self.assertEqual(r.status, 200, r)
        r = self.s.as_("clerk_a", "GET", "/api/v1/permits/%d" % pid, query=R)
        self.assertEqual(r.json["permit"]["photo"]["id"], third.json["photo"]["id"])

    def test_resident_sends_a_photo_and_sees_it_on_the_electronic_permit(self):
        phone = "13912345601"
        reg = self.registered(seq=111, phone=phone)
        person, idn = reg["person"]["id"], reg["person"]["id_number"]
        r = self.s.call("POST", "/api/v1/resident/otp", {"id_number": idn, "phone": phone})
        r = self.s.call("POST", "/api/v1/resident/login",
                        {"id_number": idn, "phone": phone, "code": r.json["demo_code"]})
        token = r.json["token"]
        sent = images.png(330, 420)
        r = self.s.call("POST", "/api/v1/resident/photo", raw=sent, token=token,
                        headers={"Content-Type": "image/png"})
        self.assertEqual(r.status, 201, r)
        mine = r.json["photo"]
        self.assertEqual(mine["channel"], "online")
        r = self.s.call("POST", "/api/v1/resident/permits", {"basis": "housing",
                        "materials": {"id_card": True, "residence_proof": True}}, token=token)
        self.assertEqual(r.status, 201, r)
        self.assertNotIn("photo", [m["code"] for m in r.json["missing_materials"]])
        pid = r.json["permit"]["id"]
        self.post("/api/v1/permits/%d/accept" % pid, {})
        self.assertEqual(self.post("/api/v1/permits/%d/issue" % pid, {}).status, 200)
        me = self.s.call("GET", "/api/v1/resident/me", token=token).json
        self.assertEqual(me["photo"]["id"], mine["id"])
        self.assertEqual(me["permit"]["photo"]["id"], mine["id"])
        self.assertEqual(me["permit"]["holder"]["hukou_address_text"], "北京市朝阳区某街道1号")
        r = self.s.call("GET", "/api/v1/resident/photos/%d" % mine["id"], token=token)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(sm3(r.raw), mine["sm3"])
        # Someone else's photo: as absent as none.
        other = self.registered(seq=113)["person"]["id"]
        theirs = take_photo(self.s, "clerk_a", other).json["photo"]["id"]
        r = self.s.call("GET", "/api/v1/resident/photos/%d" % theirs, token=token)
        self.assertEqual(r.status, 404, r)
        # Refusals online as at the counter.
        r = self.s.call("POST", "/api/v1/resident/photo", raw=b"<svg/>", token=token,
                        headers={"Content-Type": "image/png"})
        self.assertEqual(r.status, 422, r)
        self.assertEqual(r.error_field(), "photo")


class AuthorityFile(unittest.TestCase):
    """--issuing-authorities FILE overrides the table for a run; a bad file
    stops `serve` naming its line."""

    def test_file_overrides_the_table(self):
        d = tempfile.mkdtemp(prefix="liudong-auth-")
        path = os.path.join(d, "authorities.tsv")
        with open(path, "w", encoding="utf-8") as f:
            f.write("# 签发机关\n370102\t济南市公安局历下区分局（测试）\n")
        s = Server(people=20, extra_args=["--issuing-authorities", path])
        try:
            reg = declaration(s.grids_a[0], idn=id_number("110105", "19880315", 7),
                              arrival=day(302), declared=day(300))
            person = s.as_("clerk_a", "POST", "/api/v1/registrations", reg).json["person"]["id"]
            pid = s.as_("clerk_a", "POST", "/api/v1/persons/%d/permits" % person, backdated({
                "basis": "housing", "applied_date": day(20),
                "materials": {"id_card": True, "photo": True,
                              "residence_proof": True}})).json["permit"]["id"]
            s.as_("clerk_a", "POST", "/api/v1/permits/%d/accept" % pid, {})
            take_photo(s, "clerk_a", person)
            r = s.as_("clerk_a", "POST", "/api/v1/permits/%d/issue" % pid, {})
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.json["permit"]["issuing_authority"], "济南市公安局历下区分局（测试）")
        finally:
            s.close()
        for text, line in (("370102 济南市公安局历下区分局\n110105 北京\n", "第2行"),
                           ("370102\n", "第1行"),
                           ("370102 A\n370102 B\n", "第2行")):
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            p = subprocess.run([BINARY, "serve", "--data", os.path.join(d, "none"),
                                "--issuing-authorities", path],
                               capture_output=True, text=True, timeout=30)
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertIn("--issuing-authorities", p.stderr)
            self.assertIn(line, p.stderr)
        subprocess.run(["rm", "-rf", d])


if __name__ == "__main__":
    unittest.main()
