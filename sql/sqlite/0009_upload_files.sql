-- 0009_upload_files.sql — an upload's file in a table of its own.
--
-- Confirming an upload changes its status; with the file in the same row,
-- SQLite wrote the whole file again (8 MB for 100,000 rows) to change
-- one word. Now the file is written once, when it is received.
CREATE TABLE upload_files (
	upload_id INTEGER PRIMARY KEY REFERENCES uploads(id),
	-- The file as received; confirmation checks it again.
	data      BLOB NOT NULL
);
INSERT INTO upload_files (upload_id, data) SELECT id, data FROM uploads;
ALTER TABLE uploads DROP COLUMN data;
