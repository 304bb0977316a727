-- 0010_resident_verification.sql — what residents' online sign-in needs to
-- stay bound to the record (docs/security/resident.md).
--
-- settings: facts about the database itself, one row per key. `liudong
-- demo` writes ('demo', '1'): only such a database may run with the demo
-- notifier, which shows one-time codes on the page.
CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;

-- A database made by `liudong demo` before this migration is known by the
-- audit entry only that command writes (action demo.generate, by the
-- system, first in the chain).
INSERT INTO settings (key, value)
	SELECT 'demo', '1' WHERE EXISTS (
		SELECT 1 FROM audit WHERE seq = 1 AND action = 'demo.generate'
		AND username = 'system');

-- Online declarations of someone whose ID number is not on record: they
-- wait here as "pending" (待核验) until a clerk (at the counter) or the grid
-- worker (on a visit) has checked the person's identity; only confirming
-- one creates the person, binds the phone and makes the registration.
CREATE TABLE declarations (
	id             INTEGER PRIMARY KEY,
	id_number      TEXT NOT NULL,
	phone          TEXT NOT NULL,   -- claimed: the phone the code went to
	-- The declared content, as checked by the rules on submission.
	name           TEXT NOT NULL,
	ethnicity      TEXT NOT NULL,
	hukou_code     TEXT NOT NULL,
	hukou_address  TEXT,
	district       TEXT NOT NULL,
	street         TEXT NOT NULL,
	community      TEXT NOT NULL REFERENCES areas(code),
	grid           TEXT NOT NULL REFERENCES areas(code),
	road           TEXT NOT NULL,
	house_number   TEXT,
	building       TEXT,
	unit           TEXT,
	room           TEXT,
	arrival_date   TEXT NOT NULL,
	reason         TEXT NOT NULL,
	housing        TEXT NOT NULL,
	employer       TEXT,
	stay_days      INTEGER,         -- NULL when not given
	lodging        TEXT,
	-- The day of the online declaration: the lateness judgement counts
	-- from it, not from the day it is confirmed.
	submitted_date TEXT NOT NULL,
	submitted_at   TEXT NOT NULL,
	deadline       TEXT NOT NULL,
	late           INTEGER NOT NULL,
	status         TEXT NOT NULL DEFAULT 'pending' CHECK (status IN
			('pending', 'confirmed', 'rejected', 'superseded')),
	decided_by     INTEGER REFERENCES users(id),
	decided_at     TEXT,
	verified_by    TEXT CHECK (verified_by IN ('counter', 'visit')),
	note           TEXT,
	registration_id INTEGER REFERENCES registrations(id),
	reject_reason  TEXT
);
CREATE INDEX declarations_of_id_number ON declarations (id_number, phone);
CREATE INDEX declarations_by_status ON declarations (status, community);
