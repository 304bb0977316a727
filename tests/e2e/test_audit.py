"""Tamper evidence and backups (issue 12): the audit chain held against
its signed anchors, a writer that stops when someone else writes the chain,
and `liudong backup` / `liudong restore` under write load.

The tampering test is data: each case changes a copy of one data directory
the way an attacker with access to the database (or to the anchor log) would,
and `liudong audit verify` must exit 1 naming a problem. An intact copy and a
properly recorded restore must pass. Run with LIUDONG_BIN pointing at an old
binary to see which cases it let through (printed at the end).
"""
import hashlib
import http.client
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import unittest

from harness import BINARY, DATE_REASON, Server, declaration, free_port, id_number, run, take_photo

ZEROS = "0" * 64
FIELDS = "seq, at, user_id, username, action, target, reason, result, detail, prev_hash, hash"


def entry_hash(prev, seq, at, user_id, username, action, target, reason, result, detail):
    """The chain's hash, as src/store/audit.c computes it: SM3 over
    "<length>:<bytes>" of each field."""
    h = hashlib.new("sm3")
    for f in (prev, str(seq), at, str(user_id or 0), username, action, target,
              reason, result, detail):
        b = (f or "").encode()
        h.update(b"%d:" % len(b))
        h.update(b)
    return h.hexdigest()


def open_db(d):
    return sqlite3.connect(os.path.join(d, "liudong.db"))


def seqs(d):
    db = open_db(d)
    s = [r[0] for r in db.execute("SELECT seq FROM audit ORDER BY seq")]
    db.close()
    return s


def rehash_from(db, first):
    """Recompute prev_hash and hash of every entry from seq `first` on: what
    an attacker who knows the algorithm does after changing an entry."""
    prev = ZEROS
    if first > 1:
        prev = db.execute("SELECT hash FROM audit WHERE seq = ?", (first - 1,)).fetchone()[0]
    rows = db.execute("SELECT " + FIELDS + " FROM audit WHERE seq >= ? ORDER BY seq",
                      (first,)).fetchall()
    for seq, at, uid, user, action, target, reason, result, detail, _, _ in rows:
        h = entry_hash(prev, seq, at, uid, user, action, target, reason, result, detail)
        db.execute("UPDATE audit SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, h, seq))
        prev = h
    db.commit()


def forge_append(db, action="person:read", target="person:1"):
    """Append one entry with a correct link and hash."""
    seq, prev, at = db.execute(
        "SELECT seq, hash, at FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    e = (prev, seq + 1, at, 0, "forger", action, target, "伪造", "ok", "")
    db.execute("INSERT INTO audit (" + FIELDS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?)",
               (seq + 1, at, None, "forger", action, target, "伪造", "ok", "", prev,
                entry_hash(*e)))
    db.commit()


def sql(statements):
    def apply(t, d):
        db = open_db(d)
        n = seqs(d)
        for s in statements:
            db.execute(s.format(first=n[0], mid=n[len(n) // 2], last=n[-1]))
        db.commit()
        db.close()
    return apply


def rewrite(which):
    def apply(t, d):
        db = open_db(d)
        n = seqs(d)
        seq = {"first": n[0], "mid": n[len(n) // 2], "last": n[-1]}[which]
        db.execute("UPDATE audit SET reason = '改写' WHERE seq = ?", (seq,))
        rehash_from(db, seq)
        db.close()
    return apply


def append_forged(t, d):
    db = open_db(d)
    forge_append(db)
    db.close()


def replace_db(source_attr):
    def apply(t, d):
        for suffix in ("", "-wal", "-shm"):
            p = os.path.join(d, "liudong.db" + suffix)
            if os.path.exists(p):
                os.remove(p)
        shutil.copy(getattr(t, source_attr), os.path.join(d, "liudong.db"))
    return apply


def anchor_lines(d):
    with open(os.path.join(d, "anchors", "anchors.log")) as f:
        return f.read().splitlines(True)


def write_anchor_lines(d, lines):
    with open(os.path.join(d, "anchors", "anchors.log"), "w") as f:
        f.writelines(lines)


def anchors_present(d):
    return os.path.exists(os.path.join(d, "anchors", "anchors.log"))


def edit_anchor(t, d):
    if not anchors_present(d):
        return  # an old binary kept no anchors: nothing to edit
    lines = anchor_lines(d)
    fields = lines[0].split(" ")
    fields = [("seq=%d" % (int(f[4:]) + 1)) if f.startswith("seq=") else f for f in fields]
    lines[0] = " ".join(fields)
    write_anchor_lines(d, lines)


def delete_last_anchor(t, d):
    if anchors_present(d):
        write_anchor_lines(d, anchor_lines(d)[:-1])


def delete_anchor_log(t, d):
    if anchors_present(d):
        os.remove(os.path.join(d, "anchors", "anchors.log"))


def forge_anchor(t, d):
    """A record that claims a longer chain, not signed by the anchor key."""
    if not anchors_present(d):
        return
    lines = anchor_lines(d)
    f = dict(x.split("=", 1) for x in lines[-1].strip().split(" ")[1:])
    f["n"] = str(int(f["n"]) + 1)
    f["seq"] = str(int(f["seq"]) + 1)
    lines.append("LDA1 " + " ".join("%s=%s" % kv for kv in f.items()) + "\n")
    write_anchor_lines(d, lines)
    db = open_db(d)
    forge_append(db)
    db.close()


def cut_chain_and_anchor_tail(t, d):
    """Remove the last anchor record and every entry after the anchor
    before it: only the database's note of the last record can tell."""
    if not anchors_present(d):
        sql(["DELETE FROM audit WHERE seq > {last} - 3"])(t, d)
        return
    lines = anchor_lines(d)
    keep = dict(x.split("=", 1) for x in lines[-2].strip().split(" ")[1:])
    write_anchor_lines(d, lines[:-1])
    db = open_db(d)
    db.execute("DELETE FROM audit WHERE seq > ?", (int(keep["seq"]),))
    db.commit()
    db.close()


# The attacks. Each must make `liudong audit verify` exit 1.
CASES = [
    ("edit a field of a middle entry", sql(["UPDATE audit SET reason = 'x' WHERE seq = {mid}"])),
    ("edit a field of the first entry", sql(["UPDATE audit SET reason = 'x' WHERE seq = {first}"])),
    ("edit a field of the last entry", sql(["UPDATE audit SET reason = 'x' WHERE seq = {last}"])),
    ("delete a middle entry", sql(["DELETE FROM audit WHERE seq = {mid}"])),
    ("delete the first entry", sql(["DELETE FROM audit WHERE seq = {first}"])),
    ("delete the last entry", sql(["DELETE FROM audit WHERE seq = {last}"])),
    ("delete the last 5 entries", sql(["DELETE FROM audit WHERE seq > {last} - 5"])),
    ("delete every entry", sql(["DELETE FROM audit"])),
    ("swap two entries", sql(["UPDATE audit SET seq = -1 WHERE seq = {mid}",
                              "UPDATE audit SET seq = {mid} WHERE seq = {mid} + 1",
                              "UPDATE audit SET seq = {mid} + 1 WHERE seq = -1"])),
    ("rewrite a middle entry, recompute every later hash", rewrite("mid")),
    ("rewrite the first entry, recompute every later hash", rewrite("first")),
    ("rewrite the last entry, recompute its hash", rewrite("last")),
    ("append a forged entry with a correct hash", append_forged),
    ("roll the database back to an older copy", replace_db("old_db")),
    ("replace the database with another server's", replace_db("foreign_db")),
    ("edit an anchor record", edit_anchor),
    ("delete the anchor log's last record", delete_last_anchor),
    ("delete the anchor log", delete_anchor_log),
    ("append a forged anchor record and entry", forge_anchor),
    ("cut the chain and the anchor log's last record", cut_chain_and_anchor_tail),
]


def person(tag, i):
    """A distinct valid ID number for the tag-th group of a test."""
    return id_number("110105", "19%02d0101" % tag, i + 1)


def register(s, label, n, tag):
    for i in range(n):
        r = s.as_(label, "POST", "/api/v1/registrations",
                  declaration(s.grids_a[0], idn=person(tag, i)))
        assert r.status == 201, r


def sqlite_copy(src_dir, dst):
    src = open_db(src_dir)
    out = sqlite3.connect(dst)
    src.backup(out)
    out.close()
    src.close()


class Tampering(unittest.TestCase):
    """One data directory written by a real server, then tampered with in
    copies, case by case."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="liudong-tamper-")
        cls.s = Server(people=20)
        s = cls.s
        register(s, "clerk_a", 5, 50)
        pid = s.as_("clerk_a", "GET", "/api/v1/persons",
                    query={"id_number": person(50, 0),
                           "reason": "核对"}).json["items"][0]["id"]
        s.as_("clerk_a", "GET", "/api/v1/persons/%d" % pid, query={"reason": "核对"})
        # An older copy of the database, and a recorded backup.
        cls.old_db = os.path.join(cls.tmp, "old.db")
        sqlite_copy(s.data, cls.old_db)
        cls.backup = os.path.join(cls.tmp, "backup")
        cls.backup_made = run("backup", "--data", s.data, "--to", cls.backup,
                              check=False).returncode == 0
        register(s, "clerk_a", 5, 51)
        s.stop()  # a clean stop anchors the head
        cls.template = s.data
        # Another server's database.
        other = Server(people=5)
        try:
            register(other, "clerk_a", 2, 52)
            other.stop()
            cls.foreign_db = os.path.join(cls.tmp, "foreign.db")
            sqlite_copy(other.data, cls.foreign_db)
        finally:
            other.close()
        cls.outcomes = {}

    @classmethod
    def tearDownClass(cls):
        cls.s.close()
        shutil.rmtree(cls.tmp, ignore_errors=True)
        if cls.outcomes:
            sys.stderr.write("\n  audit verify (%s) on each case:\n" % BINARY)
            for name, outcome in cls.outcomes.items():
                sys.stderr.write("    %-55s %s\n" % (name, outcome))

    def copy(self, name):
        d = os.path.join(self.tmp, name.replace(" ", "_").replace("'", ""))
        shutil.copytree(self.template, d)
        return d

    def verify(self, d, *extra):
        return run("audit", "verify", "--data", d, *extra, check=False)

    def test_intact_copy_passes(self):
        p = self.verify(self.copy("intact"))
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        out = json.loads(p.stdout)
        self.assertTrue(out["intact"])
        self.assertGreater(out["anchors"]["records"], 0)
        # Stopped cleanly: nothing after the last anchor.
        self.assertEqual(out["unanchored"], 0)

    def test_every_attack_is_detected(self):
        for name, attack in CASES:
            with self.subTest(name):
                d = self.copy(name)
                attack(self, d)
                p = self.verify(d)
                detected = p.returncode == 1
                self.outcomes[name] = "detected" if detected else \
                    "PASSED verify (exit %d)" % p.returncode
                self.assertEqual(p.returncode, 1, "%s: not detected\n%s%s" % (
                    name, p.stdout, p.stderr))
                out = json.loads(p.stdout)
                self.assertFalse(out["intact"])
                self.assertTrue(out["problem"] and out["problem_zh"], out)
                shutil.rmtree(d)

    def test_recorded_restore_passes_and_names_the_lost_entries(self):
        self.assertTrue(self.backup_made, "liudong backup failed")
        d = self.copy("restored")
        p = run("restore", "--from", self.backup, "--data", d, check=False)
        self.assertEqual(p.returncode, 0, p.stderr)
        restored = json.loads(p.stdout)
        p = self.verify(d)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        out = json.loads(p.stdout)
        self.assertTrue(out["intact"])
        self.assertEqual(len(out["restores"]), 1)
        r = out["restores"][0]
        self.assertEqual(r["restored_seq"], restored["audit_head"]["seq"])
        self.assertEqual(r["lost_from"], restored["audit_head"]["seq"] + 1)
        self.assertEqual(r["lost_to"], seqs(self.template)[-1])
        self.assertIn("丢失", r["note_zh"])
        # The same rollback without restore's record is caught.
        d2 = self.copy("rolled back by hand")
        shutil.copy(os.path.join(self.backup, "liudong.db"), os.path.join(d2, "liudong.db"))
        self.assertEqual(self.verify(d2).returncode, 1)

    def test_trusted_public_key_catches_a_replaced_anchor_directory(self):
        """An attacker who rewrites the chain and replaces the whole anchor
        directory with one of their own passes a check that trusts the
        directory's own key, but not one given the auditors' copy."""
        d = self.copy("anchors replaced")
        keys = os.path.join(d, "anchors", "keys")
        trusted = [f for f in os.listdir(keys) if f.endswith(".pub.pem")]
        self.assertEqual(len(trusted), 1)
        auditors_copy = os.path.join(self.tmp, "auditors.pub.pem")
        shutil.copy(os.path.join(keys, trusted[0]), auditors_copy)
        rewrite("mid")(self, d)
        db = open_db(d)
        db.execute("DELETE FROM audit_anchor")
        db.commit()
        db.close()
        shutil.rmtree(os.path.join(d, "anchors"))
        serve_briefly(d)  # makes a new anchor directory, anchoring the forgery
        self.assertEqual(self.verify(d).returncode, 0)
        p = self.verify(d, "--public-key", auditors_copy)
        self.assertEqual(p.returncode, 1, p.stdout)
        self.assertIn("not a trusted anchor key", json.loads(p.stdout)["problem"])


def serve_briefly(data, *args):
    """Start a server on data, wait until it answers (its port is open
    before it is ready), stop it."""
    port = free_port()
    proc = subprocess.Popen([BINARY, "serve", "--listen", "127.0.0.1:%d" % port,
                             "--data", data, "--access-log", "off", *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(400):
            if proc.poll() is not None:
                raise AssertionError(proc.stderr.read().decode())
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/healthz")
                ready = conn.getresponse().status == 200
                conn.close()
                if ready:
                    break
            except OSError:
                pass
            time.sleep(0.05)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        proc.stderr.close()


class RunningServer(unittest.TestCase):
    """The writer checks, before each transaction, that the chain's head is
    the one it committed last."""

    def test_forged_append_stops_all_writes(self):
        s = Server(people=10)
        try:
            register(s, "clerk_a", 2, 53)
            auditor = s.login("auditor")
            db = s.db()
            forge_append(db)
            db.close()
            r = s.as_("clerk_a", "POST", "/api/v1/registrations",
                      declaration(s.grids_a[0], idn=person(53, 9)))
            self.assertEqual(r.status, 503, r)
            self.assertIn("审计日志在本服务之外被改动", r.json["error"]["message"])
            # And it stays stopped: no write extends the forged chain.
            r = s.as_("clerk_a", "POST", "/api/v1/registrations",
                      declaration(s.grids_a[0], idn=person(53, 10)))
            self.assertEqual(r.status, 503, r)
            self.assertEqual(s.db().execute(
                "SELECT count(*) FROM audit WHERE seq > (SELECT seq FROM audit "
                "WHERE username = 'forger')").fetchone()[0], 0)
            self.assertIn("审计日志在本服务之外被改动", s.log())
            r = s.call("GET", "/api/v1/audit/verify", token=auditor)
            self.assertEqual(r.status, 200, r)
            self.assertFalse(r.json["intact"])
            self.assertIn("本服务之外", r.json["problem_zh"])
            # Stopped, the server closes the chain at its own head: the
            # forged entry after it is found from outside too.
            s.stop()
            p = run("audit", "verify", "--data", s.data, check=False)
            self.assertEqual(p.returncode, 1, p.stdout)
            self.assertIn("forged", json.loads(p.stdout)["problem"])
        finally:
            s.close()

    def test_entries_cut_off_under_a_running_server_stop_writes(self):
        s = Server(people=10)
        try:
            register(s, "clerk_a", 3, 54)
            db = s.db()
            db.execute("DELETE FROM audit WHERE seq > (SELECT max(seq) - 2 FROM audit)")
            db.commit()
            db.close()
            r = s.as_("clerk_a", "POST", "/api/v1/registrations",
                      declaration(s.grids_a[0], idn=person(54, 9)))
            self.assertEqual(r.status, 503, r)
        finally:
            s.close()

    def test_user_add_beside_a_running_server_is_accepted(self):
        """`liudong user add` on the live database anchors what it wrote, so
        the server goes on writing."""
        s = Server(people=10)
        try:
            register(s, "clerk_a", 1, 55)
            out = json.loads(run("user", "add", "t_late", "--role", "clerk",
                                 "--area", s.station_a, "--data", s.data).stdout)
            r = s.call("POST", "/api/v1/auth/login",
                       {"username": "t_late", "password": out["password"]})
            self.assertEqual(r.status, 200, r)
            register(s, "clerk_a", 1, 56)
            p = run("audit", "verify", "--data", s.data, check=False)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        finally:
            s.close()

    def test_start_is_refused_on_a_rolled_back_database(self):
        s = Server(people=10)
        try:
            register(s, "clerk_a", 1, 57)
            old = os.path.join(s.dir, "old.db")
            sqlite_copy(s.data, old)
            register(s, "clerk_a", 2, 58)
            s.stop()
            replace_db("old")(type("T", (), {"old": old})(), s.data)
            p = subprocess.run([BINARY, "serve", "--listen", "127.0.0.1:%d" % s.port,
                                "--data", s.data], capture_output=True, text=True,
                               timeout=60)
            self.assertEqual(p.returncode, 1, p.stderr)
            self.assertIn("审计日志与锚点不符", p.stderr)
            self.assertIn("liudong audit verify", p.stderr)
        finally:
            s.close()

    def test_start_warnings(self):
        s = Server(people=5, keys=False)
        try:
            log = s.log()
            self.assertIn("WARNING: no permit-signing key", log)
            self.assertIn("警告：没有可用的电子证照签名密钥", log)
            self.assertIn("is inside the data directory", log)
            self.assertIn("刚刚新建", log)
        finally:
            s.close()

    def test_second_server_on_the_same_data_is_refused(self):
        s = Server(people=5)
        try:
            p = subprocess.run([BINARY, "serve", "--listen", "127.0.0.1:1",
                                "--data", s.data], capture_output=True, text=True,
                               timeout=60)
            self.assertEqual(p.returncode, 1, p.stderr)
            self.assertIn("正被另一个 liudong serve 使用", p.stderr)
        finally:
            s.close()


CLIENTS = 4


class BackupRestore(unittest.TestCase):
    def test_restore_under_write_load(self):
        anchors_home = tempfile.mkdtemp(prefix="liudong-anchors-")
        anchors = os.path.join(anchors_home, "anchors")
        s = Server(people=20, extra_args=["--anchor-dir", anchors])
        try:
            self.assertNotIn("is inside the data directory", s.log())
            token = s.login("clerk_a")
            acked = {}
            lock = threading.Lock()
            serial = [0]
            stop = threading.Event()

            def client():
                while not stop.is_set():
                    with lock:
                        serial[0] += 1
                        n = serial[0]
                    idn = id_number("110105", "19%02d0101" % (60 + n // 999 % 40),
                                    n % 999 + 1)
                    r = s.call("POST", "/api/v1/registrations",
                               declaration(s.grids_a[n % len(s.grids_a)], idn=idn),
                               token=token)
                    if r.status == 201:
                        with lock:
                            acked[idn] = r.json["registration"]["certificate_no"]

            threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
            for t in threads:
                t.start()
            try:
                while len(acked) < 40:
                    time.sleep(0.05)
                with lock:
                    before = dict(acked)
                dest = os.path.join(s.dir, "backup")
                p = run("backup", "--data", s.data, "--to", dest, "--anchor-dir", anchors,
                        check=False)
                self.assertEqual(p.returncode, 0, p.stderr)
                backup = json.loads(p.stdout)
                after_backup = len(acked)
                while len(acked) < after_backup + 40:
                    time.sleep(0.05)
            finally:
                stop.set()
                for t in threads:
                    t.join()
            self.assertEqual(s.stop(), 0)

            # The manifest lists the database, the keys and the anchor copy.
            with open(os.path.join(dest, "manifest.json")) as f:
                manifest = json.load(f)
            paths = {f["path"] for f in manifest["files"]}
            self.assertIn("liudong.db", paths)
            self.assertIn("keys/%s.key.pem" % s.key_id, paths)
            self.assertIn("anchor-copy/anchors.log", paths)
            self.assertFalse([p for p in paths if p.startswith("anchor-copy/keys/")
                              and not p.endswith(".pub.pem")], "anchor private key copied")
            self.assertEqual(manifest["audit"]["head_seq"], backup["audit_head"]["seq"])
            self.assertTrue(manifest["audit"]["verified"])

            # A DEST that is not empty is refused.
            p = run("backup", "--data", s.data, "--to", dest, check=False)
            self.assertEqual(p.returncode, 1)

            data2 = os.path.join(s.dir, "data2")
            p = run("restore", "--from", dest, "--data", data2, "--anchor-dir", anchors,
                    check=False)
            self.assertEqual(p.returncode, 0, p.stderr)
            restored = json.loads(p.stdout)

            db = sqlite3.connect(os.path.join(data2, "liudong.db"))
            self.assertEqual(db.execute("PRAGMA integrity_check").fetchone()[0], "ok")
            stored = dict(db.execute(
                "SELECT p.id_number, r.certificate_no FROM persons p "
                "JOIN registrations r ON r.person_id = p.id"))
            db.close()
            missing = [i for i in before if stored.get(i) != before[i]]
            self.assertEqual(missing, [], "acknowledged before the backup, lost")
            self.assertLess(len(stored), len(acked) + 1000)

            pub = os.path.join(anchors, "keys")
            p = run("audit", "verify", "--data", data2, "--anchor-dir", anchors,
                    "--public-key", pub, check=False)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            out = json.loads(p.stdout)
            self.assertEqual(len(out["restores"]), 1)
            self.assertEqual(out["restores"][0]["restored_seq"], backup["audit_head"]["seq"])
            self.assertEqual(out["restores"][0]["lost_from"], restored["lost_from"])
            self.assertGreater(restored["lost_to"], restored["lost_from"])

            # A server on the restored data issues a permit with the
            # restored keys, and the chain goes on past the restore.
            s.data = data2
            s.tokens.clear()
            s.start()
            reg = s.as_("clerk_a", "POST", "/api/v1/registrations", declaration(
                s.grids_a[0], idn=id_number("110108", "19880506", 31),
                arrival="2023-01-10", declared="2023-01-12"))
            self.assertEqual(reg.status, 201, reg)
            r = s.as_("clerk_a", "POST", "/api/v1/persons/%d/permits" % reg.json["person"]["id"],
                      {"basis": "employment", "date_reason": DATE_REASON, "applied_date": "2023-08-01",
                       "materials": {"id_card": True, "photo": True,
                                     "residence_proof": True, "basis_proof": True}})
            self.assertEqual(r.status, 201, r)
            pid = r.json["permit"]["id"]
            r = s.as_("clerk_a", "POST", "/api/v1/permits/%d/accept" % pid,
                      {"date_reason": DATE_REASON, "accepted_date": "2023-08-01"})
            self.assertEqual(r.status, 200, r)
            take_photo(s, "clerk_a", reg.json["person"]["id"])
            r = s.as_("clerk_a", "POST", "/api/v1/permits/%d/issue" % pid,
                      {"date_reason": DATE_REASON, "issued_date": "2023-08-07"})
            self.assertEqual(r.status, 200, r)
            payload = r.json["electronic"]["payload"]
            self.assertIn("|%s|" % s.key_id, payload)
            p = run("verify", payload, "--public-key", os.path.join(data2, "keys"), check=False)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            self.assertEqual(s.stop(), 0)
            p = run("audit", "verify", "--data", data2, "--anchor-dir", anchors,
                    "--public-key", pub, check=False)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            self.assertGreater(json.loads(p.stdout)["head_seq"], backup["audit_head"]["seq"])
        finally:
            s.close()
            shutil.rmtree(anchors_home, ignore_errors=True)

    def test_restore_refuses_a_running_server_and_altered_or_foreign_backups(self):
        s = Server(people=10)
        other = Server(people=5)
        try:
            register(s, "clerk_a", 2, 59)
            dest = os.path.join(s.dir, "backup")
            p = run("backup", "--data", s.data, "--to", dest, check=False)
            self.assertEqual(p.returncode, 0, p.stderr)
            p = run("restore", "--from", dest, "--data", s.data, check=False)
            self.assertEqual(p.returncode, 1)
            self.assertIn("有服务正在运行", p.stderr)
            s.stop()
            before = seqs(s.data)

            # Another server's backup is not this database's.
            foreign = os.path.join(other.dir, "backup")
            self.assertEqual(run("backup", "--data", other.data, "--to", foreign,
                                 check=False).returncode, 0)
            p = run("restore", "--from", foreign, "--data", s.data, check=False)
            self.assertEqual(p.returncode, 1)
            self.assertIn("没有这份备份的记录", p.stderr)

            # A backup changed after it was made.
            altered = os.path.join(s.dir, "altered")
            shutil.copytree(dest, altered)
            with open(os.path.join(altered, "keys", "current"), "a") as f:
                f.write("x")
            p = run("restore", "--from", altered, "--data", s.data, check=False)
            self.assertEqual(p.returncode, 1)
            self.assertIn("与清单不符", p.stderr)
            self.assertEqual(seqs(s.data), before, "a refused restore changed the data")
            self.assertEqual(run("audit", "verify", "--data", s.data,
                                 check=False).returncode, 0)
        finally:
            s.close()
            other.close()


if __name__ == "__main__":
    unittest.main()
