-- 0006_grid.sql — rental housing (出租房屋), reporting organisations and
-- their keys, their reports, uploads, the grid's tasks and visits.

CREATE TABLE organisations (
	id          INTEGER PRIMARY KEY,
	kind        TEXT NOT NULL CHECK (kind IN
	                ('landlord','property','rental_agency','employer','job_agency')),
	name        TEXT NOT NULL,
	-- 统一社会信用代码 for a company, or the ID number of a landlord who
	-- is a person; one of the two.
	credit_code TEXT,
	id_number   TEXT,
	phone       TEXT NOT NULL DEFAULT '',
	-- Where it is: its reports without an address fall to this grid.
	grid        TEXT NOT NULL REFERENCES areas(code),
	community   TEXT NOT NULL,
	address     TEXT NOT NULL DEFAULT '',
	created_by  INTEGER REFERENCES users(id),
	created_at  TEXT NOT NULL
);
CREATE INDEX organisations_community ON organisations(community);

-- Keys are stored as SM3 digests; `prefix` (8 characters) names a key to
-- people without revealing it.
CREATE TABLE api_keys (
	key_hash    TEXT PRIMARY KEY,
	org_id      INTEGER NOT NULL REFERENCES organisations(id),
	prefix      TEXT NOT NULL,
	created_at  TEXT NOT NULL,
	revoked_at  TEXT
) WITHOUT ROWID;
CREATE INDEX api_keys_org ON api_keys(org_id);

CREATE TABLE houses (
	id           INTEGER PRIMARY KEY,
	district     TEXT NOT NULL,
	street       TEXT NOT NULL,
	community    TEXT NOT NULL,
	grid         TEXT NOT NULL REFERENCES areas(code),
	road         TEXT NOT NULL,
	house_number TEXT NOT NULL DEFAULT '',
	building     TEXT NOT NULL DEFAULT '',
	unit         TEXT NOT NULL DEFAULT '',
	room         TEXT NOT NULL DEFAULT '',
	landlord_org INTEGER NOT NULL REFERENCES organisations(id),
	agent_org    INTEGER REFERENCES organisations(id),
	filing_no    TEXT NOT NULL DEFAULT '',
	rooms        INTEGER NOT NULL CHECK (rooms >= 1),
	capacity     INTEGER NOT NULL CHECK (capacity >= 1),
	area_m2      REAL,
	-- Open tenancies, kept by the writer with every move in and out.
	occupants    INTEGER NOT NULL DEFAULT 0,
	-- The group-rental check (src/core/report.c) at the last change.
	flagged      INTEGER NOT NULL DEFAULT 0,
	created_by   INTEGER REFERENCES users(id),
	created_at   TEXT NOT NULL
);
CREATE INDEX houses_grid ON houses(grid);
CREATE INDEX houses_community ON houses(community);
CREATE INDEX houses_flagged ON houses(community) WHERE flagged = 1;
CREATE UNIQUE INDEX houses_address ON houses(grid, road, house_number,
	building, unit, room);

CREATE TABLE uploads (
	id         INTEGER PRIMARY KEY,
	org_id     INTEGER NOT NULL REFERENCES organisations(id),
	status     TEXT NOT NULL CHECK (status IN ('previewed','confirmed')),
	encoding   TEXT NOT NULL,
	rows       INTEGER NOT NULL,
	bad        INTEGER NOT NULL,
	-- The file as received; confirmation checks it again.
	data       BLOB NOT NULL,
	user_id    INTEGER REFERENCES users(id),
	created_at TEXT NOT NULL,
	confirmed_at TEXT
);

CREATE TABLE reports (
	id            INTEGER PRIMARY KEY,
	org_id        INTEGER NOT NULL REFERENCES organisations(id),
	kind          TEXT NOT NULL CHECK (kind IN ('tenant_move_in',
	                  'tenant_move_out','hire','separation','placement')),
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
CREATE INDEX reports_org ON reports(org_id, id);
CREATE INDEX reports_community ON reports(community, id);
CREATE INDEX reports_person ON reports(id_number);
CREATE INDEX reports_late ON reports(community, event_date) WHERE late = 1;

-- Who lives in a rental house: opened by a move-in report or a visit,
-- closed by a move-out report.
CREATE TABLE tenancies (
	id         INTEGER PRIMARY KEY,
	house_id   INTEGER NOT NULL REFERENCES houses(id),
	id_number  TEXT NOT NULL,
	name       TEXT NOT NULL,
	move_in    TEXT NOT NULL,
	move_out   TEXT,
	report_in  INTEGER REFERENCES reports(id),
	report_out INTEGER REFERENCES reports(id)
);
CREATE INDEX tenancies_open ON tenancies(house_id, id_number)
	WHERE move_out IS NULL;
CREATE INDEX tenancies_person ON tenancies(id_number) WHERE move_out IS NULL;

CREATE TABLE visits (
	id         INTEGER PRIMARY KEY,
	house_id   INTEGER REFERENCES houses(id),
	grid       TEXT NOT NULL,
	address    TEXT NOT NULL DEFAULT '',
	date       TEXT NOT NULL,
	occupants  TEXT NOT NULL, -- JSON array as recorded
	note       TEXT NOT NULL DEFAULT '',
	user_id    INTEGER REFERENCES users(id),
	created_at TEXT NOT NULL
);
CREATE INDEX visits_house ON visits(house_id);

CREATE TABLE tasks (
	id         INTEGER PRIMARY KEY,
	kind       TEXT NOT NULL CHECK (kind IN
	               ('unregistered','group_rental','absent')),
	grid       TEXT NOT NULL REFERENCES areas(code),
	community  TEXT NOT NULL,
	id_number  TEXT,
	name       TEXT NOT NULL DEFAULT '',
	house_id   INTEGER REFERENCES houses(id),
	report_id  INTEGER REFERENCES reports(id),
	visit_id   INTEGER REFERENCES visits(id),
	detail     TEXT NOT NULL DEFAULT '',
	due_date   TEXT NOT NULL,
	status     TEXT NOT NULL CHECK (status IN ('open','done')),
	outcome    TEXT CHECK (outcome IN
	               ('visited','registered','moved_away','not_found')),
	note       TEXT NOT NULL DEFAULT '',
	assignee   INTEGER REFERENCES users(id),
	closed_by  INTEGER REFERENCES users(id),
	closed_at  TEXT,
	created_at TEXT NOT NULL
);
CREATE INDEX tasks_open_grid ON tasks(grid, due_date) WHERE status = 'open';
CREATE INDEX tasks_open_community ON tasks(community, due_date)
	WHERE status = 'open';
CREATE INDEX tasks_open_person ON tasks(id_number) WHERE status = 'open';
CREATE INDEX tasks_open_house ON tasks(house_id, kind) WHERE status = 'open';
