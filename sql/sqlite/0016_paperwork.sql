-- 0016_paperwork.sql — what a residence permit carries (《居住证暂行条例》
-- 第四条: 本人相片) and who signs it (第十条: the county-level police).
--
-- photos: a person's photos, taken at the counter or sent online, each a
-- JPEG or PNG file as checked and stripped of its metadata by the server
-- (src/util/image.c). The latest is the person's current photo; a card
-- version names the one printed on it (permit_versions.photo_id), and the
-- earlier photos no card shows are deleted when a new one is stored.
CREATE TABLE photos (
	id           INTEGER PRIMARY KEY,
	person_id    INTEGER NOT NULL REFERENCES persons(id),
	content_type TEXT NOT NULL CHECK (content_type = 'image/jpeg' OR
	                 content_type = 'image/png'),
	width        INTEGER NOT NULL CHECK (width BETWEEN 100 AND 2000),
	height       INTEGER NOT NULL CHECK (height BETWEEN 100 AND 2000),
	bytes        INTEGER NOT NULL,
	-- SM3 of `data`, hex.
	sm3          TEXT NOT NULL,
	data         BLOB NOT NULL CHECK (length(data) <= 524288),
	-- counter: taken by the clerk user_id; online: sent by the resident.
	channel      TEXT NOT NULL CHECK (channel = 'counter' OR channel = 'online'),
	user_id      INTEGER REFERENCES users(id),
	created_at   TEXT NOT NULL
);
CREATE INDEX photos_of_person ON photos (person_id, id);

-- The photo printed on each card version (NULL for versions made before
-- photos were kept).
ALTER TABLE permit_versions ADD COLUMN photo_id INTEGER REFERENCES photos(id);
CREATE INDEX permit_versions_photo ON permit_versions (photo_id)
	WHERE photo_id IS NOT NULL;

-- The authority that signs the permits of each district and county: its
-- county-level public security bureau (条例 第十条: 县级人民政府公安机关).
-- `liudong serve --issuing-authorities FILE` overrides rows for a run;
-- `--issuing-authority` names the city-level fallback for any other code.
CREATE TABLE issuing_authorities (
	district TEXT PRIMARY KEY CHECK (length(district) = 6),
	name     TEXT NOT NULL CHECK (length(name) > 0)
) WITHOUT ROWID;
INSERT INTO issuing_authorities (district, name) VALUES
	('370102', '济南市公安局历下区分局'),
	('370103', '济南市公安局市中区分局'),
	('370104', '济南市公安局槐荫区分局'),
	('370105', '济南市公安局天桥区分局'),
	('370112', '济南市公安局历城区分局'),
	('370113', '济南市公安局长清区分局'),
	('370114', '济南市公安局章丘区分局'),
	('370115', '济南市公安局济阳区分局'),
	('370116', '济南市公安局莱芜区分局'),
	('370117', '济南市公安局钢城区分局'),
	('370124', '平阴县公安局'),
	('370126', '商河县公安局');
