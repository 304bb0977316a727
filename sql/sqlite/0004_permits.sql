-- 0004_permits.sql — residence permits (居住证): applications, issue,
-- endorsements, card versions (replacement, changes) and their events.

CREATE TABLE permits (
	id                 INTEGER PRIMARY KEY,
	person_id          INTEGER NOT NULL REFERENCES persons(id),
	registration_id    INTEGER REFERENCES registrations(id),
	status             TEXT NOT NULL CHECK (status IN
	                       ('applied','accepted','issued','cancelled')),
	basis              TEXT NOT NULL CHECK (basis IN ('employment','housing','study')),
	channel            TEXT NOT NULL CHECK (channel IN ('counter','online')),
	applicant          TEXT NOT NULL CHECK (applicant IN ('self','guardian')),
	guardian_name      TEXT,
	guardian_id_number TEXT,
	guardian_relation  TEXT,
	-- Materials handed in (条例 第九条), comma-separated codes.
	materials          TEXT NOT NULL DEFAULT '',
	district           TEXT NOT NULL,
	applied_date       TEXT NOT NULL,
	accepted_date      TEXT,
	issue_deadline     TEXT,
	issued_date        TEXT,
	issuing_authority  TEXT,
	permit_no          TEXT UNIQUE,
	version            INTEGER NOT NULL DEFAULT 0,
	cancelled_date     TEXT,
	cancel_reason      TEXT,
	created_by         INTEGER REFERENCES users(id),
	created_at         TEXT NOT NULL
);
-- One person, one permit (办法 第九条第二款).
CREATE UNIQUE INDEX permits_one_per_person ON permits(person_id)
	WHERE status IN ('applied','accepted','issued');
CREATE INDEX permits_status ON permits(status, district);

CREATE TABLE permit_endorsements (
	id          INTEGER PRIMARY KEY,
	permit_id   INTEGER NOT NULL REFERENCES permits(id),
	date        TEXT NOT NULL,
	anniversary TEXT NOT NULL,
	late        INTEGER NOT NULL,
	user_id     INTEGER REFERENCES users(id),
	at          TEXT NOT NULL
);
CREATE INDEX permit_endorsements_permit ON permit_endorsements(permit_id, date);

-- Each card version carries its own electronic licence identifier and the
-- signed content its QR code holds; replacing or changing a permit adds a
-- version and invalidates the earlier ones.
CREATE TABLE permit_versions (
	id               INTEGER PRIMARY KEY,
	permit_id        INTEGER NOT NULL REFERENCES permits(id),
	version          INTEGER NOT NULL,
	licence_id       TEXT NOT NULL UNIQUE,
	issued_date      TEXT NOT NULL,
	reason           TEXT NOT NULL CHECK (reason IN
	                     ('issue','replace_damaged','replace_lost','change')),
	payload          TEXT NOT NULL,
	key_id           TEXT NOT NULL,
	invalidated_date TEXT,
	UNIQUE (permit_id, version)
);

CREATE TABLE permit_events (
	id        INTEGER PRIMARY KEY,
	permit_id INTEGER NOT NULL REFERENCES permits(id),
	kind      TEXT NOT NULL,
	date      TEXT NOT NULL,
	detail    TEXT NOT NULL DEFAULT '{}',
	user_id   INTEGER REFERENCES users(id),
	at        TEXT NOT NULL
);
CREATE INDEX permit_events_permit ON permit_events(permit_id);
