-- 0005_residents.sql — residents sign in with their ID number, their phone
-- and a one-time code sent to that phone. Codes and session tokens are kept
-- only as SM3 digests.

CREATE TABLE resident_codes (
	id_number  TEXT NOT NULL,
	phone      TEXT NOT NULL,
	code_hash  TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	attempts   INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (id_number, phone)
) WITHOUT ROWID;

CREATE TABLE resident_sessions (
	token_hash TEXT PRIMARY KEY,
	id_number  TEXT NOT NULL,
	phone      TEXT NOT NULL,
	expires_at INTEGER NOT NULL
) WITHOUT ROWID;
