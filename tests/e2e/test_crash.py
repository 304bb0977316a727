"""Crash test: concurrent clients declare registrations, the server is killed
with SIGKILL at a random moment and restarted. Every registration that got
its 201 must be there, the database must pass its integrity check, and the
audit chain must verify (SQLite's crash tests, in miniature)."""
import http.client
import json
import random
import signal
import threading
import time
import unittest

from harness import Server, declaration, id_number, run

CLIENTS = 8


class Crash(unittest.TestCase):
    def test_kill_9_loses_no_acknowledged_write(self):
        s = Server(people=30)
        try:
            acked = {}
            serial = [0]
            lock = threading.Lock()
            for rnd in range(3):
                stop = threading.Event()

                def client(k):
                    token = s.login("admin") if k == 0 else s.tokens["admin"]
                    while not stop.is_set():
                        with lock:
                            serial[0] += 1
                            n = serial[0]
                        idn = id_number("3201%02d" % (2 + n % 10), "19%02d0101" % (60 + n % 40),
                                        n % 1000)
                        body = declaration(s.grids_a[n % len(s.grids_a)], idn=idn)
                        try:
                            r = s.call("POST", "/api/v1/registrations", body, token=token)
                        except OSError:
                            return
                        if r.status == 201:
                            with lock:
                                acked[idn] = r.json["registration"]["certificate_no"]

                s.login("admin")
                threads = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
                for t in threads:
                    t.start()
                time.sleep(random.uniform(0.5, 2.0))
                s.proc.send_signal(signal.SIGKILL)
                s.proc.wait()
                stop.set()
                for t in threads:
                    t.join()
                s.proc = None

                db = s.db()
                self.assertEqual(db.execute("PRAGMA integrity_check").fetchone()[0], "ok")
                stored = dict(db.execute(
                    "SELECT p.id_number, r.certificate_no FROM persons p "
                    "JOIN registrations r ON r.person_id = p.id"))
                db.close()
                missing = [i for i in acked if stored.get(i) != acked[i]]
                self.assertEqual(missing, [], "acknowledged but lost in round %d" % rnd)
                p = run("audit", "verify", "--data", s.data)
                self.assertTrue(json.loads(p.stdout)["intact"])
                s.tokens.clear()
                s.start()
            self.assertGreater(len(acked), 50, "too few writes to be a test")
        finally:
            s.close()

    def test_sigterm_under_load_stops_cleanly(self):
        """SIGTERM while keep-alive clients are mid-request and one sits idle:
        the server answers or closes every connection, exits 0, and every
        registration it acknowledged is stored."""
        s = Server(people=30)
        try:
            token = s.login("admin")
            acked = []
            lock = threading.Lock()
            stop = threading.Event()

            def client(k):
                conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=30)
                n = 0
                while not stop.is_set():
                    n += 1
                    idn = id_number("1101%02d" % (1 + k), "1980%02d%02d" % (1 + n // 28 % 12, 1 + n % 28),
                                    k * 100 + n % 100 + 1)
                    body = json.dumps(declaration(s.grids_a[k % len(s.grids_a)], idn=idn),
                                      ensure_ascii=False).encode("utf-8")
                    try:
                        conn.request("POST", "/api/v1/registrations", body=body, headers={
                            "Content-Type": "application/json",
                            "Authorization": "Bearer " + token})
                        r = conn.getresponse()
                        r.read()
                    except (OSError, http.client.HTTPException):
                        return
                    if r.status == 201:
                        with lock:
                            acked.append(idn)

            idle = http.client.HTTPConnection("127.0.0.1", s.port, timeout=30)
            idle.request("GET", "/healthz")
            idle.getresponse().read()  # kept open, idle, across the stop
            threads = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
            for t in threads:
                t.start()
            time.sleep(1.0)
            code = s.stop()
            stop.set()
            for t in threads:
                t.join()
            idle.close()
            self.assertEqual(code, 0, s.log()[-6000:])
            self.assertGreater(len(acked), 10, "too few writes to be a test")
            db = s.db()
            stored = {r[0] for r in db.execute("SELECT id_number FROM persons")}
            db.close()
            self.assertEqual([i for i in acked if i not in stored], [])
        finally:
            s.close()


if __name__ == "__main__":
    unittest.main()
