-- 0007_check_lists.sql — the same CHECK constraints, spelled as OR chains.
--
-- SQLite 3.40 (Debian 12) compiles `x IN ('a','b','c')` with three or more
-- values into a temporary b-tree that it builds again for every row
-- written. On the tables written a row per report, task and registration
-- event that doubled the cost of an insert (bench/upload.sh). A chain of
-- equalities accepts exactly the same values, NULL included (a CHECK that
-- is NULL passes, as before).
--
-- A CHECK cannot be altered in place, so each table is rebuilt: copied
-- into a new table, dropped, renamed, its indexes made again. The runner
-- (store_sqlite.c) turns foreign keys off around a migration and checks
-- them all before it commits.

CREATE TABLE registration_events_new (
	id              INTEGER PRIMARY KEY,
	registration_id INTEGER NOT NULL REFERENCES registrations(id),
	kind            TEXT NOT NULL CHECK (kind = 'declared' OR
	                    kind = 'address_changed' OR kind = 'cancelled'),
	date            TEXT NOT NULL,
	deadline        TEXT,
	late            INTEGER,
	detail          TEXT NOT NULL DEFAULT '{}',
	user_id         INTEGER REFERENCES users(id),
	at              TEXT NOT NULL
);
INSERT INTO registration_events_new SELECT id, registration_id, kind, date,
	deadline, late, detail, user_id, at FROM registration_events;
DROP TABLE registration_events;
ALTER TABLE registration_events_new RENAME TO registration_events;
CREATE INDEX registration_events_reg ON registration_events(registration_id);
CREATE INDEX registration_events_late ON registration_events(kind, date)
	WHERE late = 1;

CREATE TABLE reports_new (
	id            INTEGER PRIMARY KEY,
	org_id        INTEGER NOT NULL REFERENCES organisations(id),
	kind          TEXT NOT NULL CHECK (kind = 'tenant_move_in' OR
	                  kind = 'tenant_move_out' OR kind = 'hire' OR
	                  kind = 'separation' OR kind = 'placement'),
	id_number     TEXT NOT NULL,
	name          TEXT NOT NULL,
	phone         TEXT NOT NULL DEFAULT '',
	hukou_code    TEXT NOT NULL,
	event_date    TEXT NOT NULL,
	event_minute  INTEGER,
	reported_date TEXT NOT NULL,
	deadline      TEXT NOT NULL,
	late          INTEGER NOT NULL,
	house_id      INTEGER REFERENCES houses(id),
	grid          TEXT NOT NULL,
	community     TEXT NOT NULL,
	address       TEXT NOT NULL DEFAULT '',
	in_scope      INTEGER NOT NULL,
	registered    INTEGER NOT NULL,
	upload_id     INTEGER REFERENCES uploads(id),
	user_id       INTEGER REFERENCES users(id),
	created_at    TEXT NOT NULL
);
INSERT INTO reports_new SELECT id, org_id, kind, id_number, name, phone,
	hukou_code, event_date, event_minute, reported_date, deadline, late,
	house_id, grid, community, address, in_scope, registered, upload_id,
	user_id, created_at FROM reports;
DROP TABLE reports;
ALTER TABLE reports_new RENAME TO reports;
CREATE INDEX reports_org ON reports(org_id, id);
CREATE INDEX reports_community ON reports(community, id);
CREATE INDEX reports_person ON reports(id_number);
CREATE INDEX reports_late ON reports(community, event_date) WHERE late = 1;

CREATE TABLE tasks_new (
	id         INTEGER PRIMARY KEY,
	kind       TEXT NOT NULL CHECK (kind = 'unregistered' OR
	               kind = 'group_rental' OR kind = 'absent'),
	grid       TEXT NOT NULL REFERENCES areas(code),
	community  TEXT NOT NULL,
	id_number  TEXT,
	name       TEXT NOT NULL DEFAULT '',
	house_id   INTEGER REFERENCES houses(id),
	report_id  INTEGER REFERENCES reports(id),
	visit_id   INTEGER REFERENCES visits(id),
	detail     TEXT NOT NULL DEFAULT '',
	due_date   TEXT NOT NULL,
	status     TEXT NOT NULL CHECK (status = 'open' OR status = 'done'),
	outcome    TEXT CHECK (outcome = 'visited' OR outcome = 'registered' OR
	               outcome = 'moved_away' OR outcome = 'not_found'),
	note       TEXT NOT NULL DEFAULT '',
	assignee   INTEGER REFERENCES users(id),
	closed_by  INTEGER REFERENCES users(id),
	closed_at  TEXT,
	created_at TEXT NOT NULL
);
INSERT INTO tasks_new SELECT id, kind, grid, community, id_number, name,
	house_id, report_id, visit_id, detail, due_date, status, outcome, note,
	assignee, closed_by, closed_at, created_at FROM tasks;
DROP TABLE tasks;
ALTER TABLE tasks_new RENAME TO tasks;
CREATE INDEX tasks_open_grid ON tasks(grid, due_date) WHERE status = 'open';
CREATE INDEX tasks_open_community ON tasks(community, due_date)
	WHERE status = 'open';
CREATE INDEX tasks_open_person ON tasks(id_number) WHERE status = 'open';
CREATE INDEX tasks_open_house ON tasks(house_id, kind) WHERE status = 'open';
