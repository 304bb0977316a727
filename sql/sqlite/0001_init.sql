-- 0001_init.sql — the registry: areas, stations, users, sessions, persons,
-- residence registrations and their events, certificate serials, audit trail.
-- Forward-only: never edit an applied migration; add 0002_….sql instead.

-- The area hierarchy. Codes nest by prefix: district (6 digits, GB/T 2260),
-- street/town (9), community/village (12), grid (15).
CREATE TABLE areas (
	code     TEXT PRIMARY KEY,
	parent   TEXT REFERENCES areas(code),
	level    INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
	name     TEXT NOT NULL,
	-- For communities: the police station that serves it.
	station  TEXT REFERENCES stations(code)
) WITHOUT ROWID;
CREATE INDEX areas_parent ON areas(parent);
CREATE INDEX areas_station ON areas(station);

CREATE TABLE stations (
	code     TEXT PRIMARY KEY,
	name     TEXT NOT NULL,
	district TEXT NOT NULL,
	address  TEXT NOT NULL DEFAULT '',
	phone    TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;

CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	username      TEXT NOT NULL UNIQUE,
	display_name  TEXT NOT NULL DEFAULT '',
	role          TEXT NOT NULL CHECK (role IN ('admin','clerk','grid','auditor')),
	-- clerk: a station code; grid: a grid code; admin: NULL or a district.
	area          TEXT,
	password_hash TEXT NOT NULL,
	disabled      INTEGER NOT NULL DEFAULT 0,
	created_at    TEXT NOT NULL
);

-- Sessions are stored by the SM3 digest of their token, never the token.
CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users(id),
	created_at TEXT NOT NULL,
	expires_at INTEGER NOT NULL,
	address    TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE persons (
	id            INTEGER PRIMARY KEY,
	id_number     TEXT NOT NULL UNIQUE,
	name          TEXT NOT NULL,
	sex           TEXT NOT NULL CHECK (sex IN ('male','female')),
	ethnicity     TEXT NOT NULL,
	birth         TEXT NOT NULL,
	hukou_code    TEXT NOT NULL,
	hukou_address TEXT NOT NULL DEFAULT '',
	phone         TEXT NOT NULL DEFAULT '',
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL
);
CREATE INDEX persons_name ON persons(name);
CREATE INDEX persons_phone ON persons(phone);

CREATE TABLE registrations (
	id             INTEGER PRIMARY KEY,
	person_id      INTEGER NOT NULL REFERENCES persons(id),
	status         TEXT NOT NULL CHECK (status IN ('active','cancelled')),
	district       TEXT NOT NULL,
	street         TEXT NOT NULL,
	community      TEXT NOT NULL,
	grid           TEXT NOT NULL REFERENCES areas(code),
	road           TEXT NOT NULL DEFAULT '',
	house_number   TEXT NOT NULL DEFAULT '',
	building       TEXT NOT NULL DEFAULT '',
	unit           TEXT NOT NULL DEFAULT '',
	room           TEXT NOT NULL DEFAULT '',
	arrival_date   TEXT NOT NULL,
	declared_date  TEXT NOT NULL,
	deadline       TEXT NOT NULL,
	late           INTEGER NOT NULL,
	calendar_complete INTEGER NOT NULL DEFAULT 1,
	reason         TEXT NOT NULL,
	housing        TEXT NOT NULL,
	employer       TEXT NOT NULL DEFAULT '',
	in_scope       INTEGER NOT NULL,
	scope_reason   TEXT NOT NULL,
	exemption      TEXT,
	override_reason TEXT,
	certificate_no TEXT NOT NULL UNIQUE,
	cancelled_date TEXT,
	cancel_reason  TEXT,
	cancel_reporter TEXT,
	created_by     INTEGER REFERENCES users(id),
	created_at     TEXT NOT NULL
);
CREATE INDEX registrations_person ON registrations(person_id);
CREATE INDEX registrations_grid ON registrations(grid, status);
CREATE INDEX registrations_community ON registrations(community, status);
CREATE INDEX registrations_late ON registrations(late, community);
-- One active registration per person.
CREATE UNIQUE INDEX registrations_one_active ON registrations(person_id)
	WHERE status = 'active';

-- What happened to a registration, for the person's history.
CREATE TABLE registration_events (
	id              INTEGER PRIMARY KEY,
	registration_id INTEGER NOT NULL REFERENCES registrations(id),
	kind            TEXT NOT NULL CHECK (kind IN ('declared','address_changed','cancelled')),
	date            TEXT NOT NULL,
	deadline        TEXT,
	late            INTEGER,
	detail          TEXT NOT NULL DEFAULT '{}',
	user_id         INTEGER REFERENCES users(id),
	at              TEXT NOT NULL
);
CREATE INDEX registration_events_reg ON registration_events(registration_id);
CREATE INDEX registration_events_late ON registration_events(late, kind);

CREATE TABLE certificate_serials (
	district TEXT NOT NULL,
	year     INTEGER NOT NULL,
	next     INTEGER NOT NULL,
	PRIMARY KEY (district, year)
) WITHOUT ROWID;

-- Append-only, hash-chained with SM3: hash = SM3(prev_hash | seq | at |
-- user_id | username | action | target | reason | result | detail).
CREATE TABLE audit (
	seq       INTEGER PRIMARY KEY,
	at        TEXT NOT NULL,
	user_id   INTEGER,
	username  TEXT NOT NULL,
	action    TEXT NOT NULL,
	target    TEXT NOT NULL,
	reason    TEXT NOT NULL DEFAULT '',
	result    TEXT NOT NULL,
	detail    TEXT NOT NULL DEFAULT '',
	prev_hash TEXT NOT NULL,
	hash      TEXT NOT NULL
);
CREATE INDEX audit_target ON audit(target);
CREATE INDEX audit_user ON audit(user_id);
