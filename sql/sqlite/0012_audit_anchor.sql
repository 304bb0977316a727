-- 0012_audit_anchor.sql — the anchor record the database has seen.
--
-- The audit chain is anchored by signed records in a log kept outside the
-- database (src/store/anchor.h). This one row names the latest record of
-- that log the server knew when it last wrote here: its number and the SM3
-- of its line. Verification then requires the log to hold that record, so
-- cutting records off the end of the anchor log is detected too.
CREATE TABLE audit_anchor (
	id   INTEGER PRIMARY KEY CHECK (id = 1),
	n    INTEGER NOT NULL CHECK (n > 0),
	hash TEXT NOT NULL,
	at   TEXT NOT NULL
);
