-- 0013_upload_parts.sql — uploads received in parts, with a quota and an
-- expiry (docs/grid.md, docs/security/uploads.md).
--
-- A request body may be at most 1 MiB (the HTTP layer refuses more before
-- anything else runs), so a larger file arrives in numbered parts. Every
-- upload's file is now kept as its parts: a file sent in one request is
-- one part. An upload is opened ('receiving', for files sent in parts),
-- checked ('previewed'), and then either confirmed (its rows are written
-- as reports and its file is deleted) or dropped: discarded by its sender
-- or expired, unconfirmed, at `expires_at` (Unix time) — the file is
-- deleted and the row kept, so the audit trail's "upload:N" still names
-- something.
--
-- The CHECK of a status cannot be altered in place: the table is rebuilt
-- (the runner turns foreign keys off around a migration and checks them
-- all before it commits). Five values are spelled as an OR chain, not
-- IN (...): see 0007.

CREATE TABLE uploads_new (
	id           INTEGER PRIMARY KEY,
	org_id       INTEGER NOT NULL REFERENCES organisations(id),
	status       TEXT NOT NULL CHECK (status = 'receiving' OR
	                 status = 'previewed' OR status = 'confirmed' OR
	                 status = 'discarded' OR status = 'expired'),
	-- The file's name as its sender gave it (for people; never a path).
	name         TEXT NOT NULL DEFAULT '',
	-- Its size in bytes, declared when opened in parts; the parts must
	-- add up to it.
	size         INTEGER NOT NULL DEFAULT 0,
	-- The SM3 digest the sender declared (hex), checked when complete.
	sm3          TEXT,
	-- Bumped by every part written, so a check of the parts can tell
	-- whether they changed before its result is recorded.
	revision     INTEGER NOT NULL DEFAULT 0,
	-- Known once checked ('' and 0 while receiving).
	encoding     TEXT NOT NULL DEFAULT '',
	rows         INTEGER NOT NULL DEFAULT 0,
	bad          INTEGER NOT NULL DEFAULT 0,
	user_id      INTEGER REFERENCES users(id),
	created_at   TEXT NOT NULL,
	-- Unix time after which an unconfirmed upload is dropped.
	expires_at   INTEGER NOT NULL,
	confirmed_at TEXT,
	-- When it was discarded or expired.
	dropped_at   TEXT
);

-- The file in parts 1..n of at most 1 MiB, concatenated in order.
CREATE TABLE upload_parts (
	upload_id INTEGER NOT NULL REFERENCES uploads(id),
	n         INTEGER NOT NULL CHECK (n >= 1),
	data      BLOB NOT NULL,
	PRIMARY KEY (upload_id, n)
);

-- Uploads made before this migration: a preview gets a day from now to be
-- confirmed, and keeps its file as one part. A confirmed upload's rows are
-- all in `reports`, so its copy of the file is not kept.
INSERT INTO uploads_new (id, org_id, status, size, encoding, rows, bad,
	user_id, created_at, expires_at, confirmed_at)
	SELECT u.id, u.org_id, u.status, coalesce(length(f.data), 0),
	       u.encoding, u.rows, u.bad, u.user_id, u.created_at,
	       CAST(strftime('%s', 'now') AS INTEGER) + 86400, u.confirmed_at
	FROM uploads u LEFT JOIN upload_files f ON f.upload_id = u.id;
INSERT INTO upload_parts (upload_id, n, data)
	SELECT f.upload_id, 1, f.data FROM upload_files f
	JOIN uploads u ON u.id = f.upload_id WHERE u.status = 'previewed';
DROP TABLE upload_files;
DROP TABLE uploads;
ALTER TABLE uploads_new RENAME TO uploads;

-- What is pending (receiving or previewed) counts against the quota of
-- its organisation and of its clerk, and expires. The queries repeat
-- this WHERE word for word, so the planner can use these indexes.
CREATE INDEX uploads_pending_org ON uploads(org_id)
	WHERE status = 'receiving' OR status = 'previewed';
CREATE INDEX uploads_pending_user ON uploads(user_id)
	WHERE status = 'receiving' OR status = 'previewed';
CREATE INDEX uploads_pending_expiry ON uploads(expires_at)
	WHERE status = 'receiving' OR status = 'previewed';
