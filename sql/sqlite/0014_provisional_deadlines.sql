-- 0014_provisional_deadlines.sql — deadlines counted over a year with no
-- State Council holiday arrangement are provisional, stored as such, and
-- decided again when the year's arrangement is loaded (docs/calendar.md).
--
-- registrations already hold calendar_complete (0 = provisional). The other
-- stored decisions get a flag of their own: the events of registrations
-- (a declaration's copy of its deadline, and address changes), reports,
-- tasks (with the start and length of their count, which a re-decision
-- repeats), the issue deadline of permits, and online declarations
-- awaiting verification.
ALTER TABLE registration_events ADD COLUMN provisional INTEGER NOT NULL DEFAULT 0;
ALTER TABLE reports ADD COLUMN provisional INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN provisional INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN due_from TEXT;
ALTER TABLE tasks ADD COLUMN due_days INTEGER;
ALTER TABLE permits ADD COLUMN issue_deadline_provisional INTEGER NOT NULL DEFAULT 0;
ALTER TABLE declarations ADD COLUMN provisional INTEGER NOT NULL DEFAULT 0;

-- Rows stored before this migration. A declaration's event follows its
-- registration. Elsewhere no flag was kept; the binaries before this one
-- had the arrangements of 2025 and 2026 only, so a count that began or
-- ended in another year was counted by weekends alone: flag it, and the
-- first start re-decides it (one counted under an arrangement loaded from
-- a file then comes out the same, and loses its flag). Tasks stored before
-- have no record of their count and keep their due date.
UPDATE registration_events SET provisional = 1
	WHERE kind = 'declared' AND registration_id IN
		(SELECT id FROM registrations WHERE calendar_complete = 0);
UPDATE registration_events SET provisional = 1
	WHERE kind = 'address_changed' AND deadline IS NOT NULL AND (
		substr(json_extract(detail, '$.moved_date'), 1, 4)
			NOT IN ('2025', '2026') OR
		substr(deadline, 1, 4) NOT IN ('2025', '2026'));
UPDATE reports SET provisional = 1
	WHERE substr(event_date, 1, 4) NOT IN ('2025', '2026') OR
		substr(deadline, 1, 4) NOT IN ('2025', '2026');
UPDATE permits SET issue_deadline_provisional = 1
	WHERE issue_deadline IS NOT NULL AND (
		substr(accepted_date, 1, 4) NOT IN ('2025', '2026') OR
		substr(issue_deadline, 1, 4) NOT IN ('2025', '2026'));
UPDATE declarations SET provisional = 1
	WHERE substr(arrival_date, 1, 4) NOT IN ('2025', '2026') OR
		substr(deadline, 1, 4) NOT IN ('2025', '2026');

-- The re-decision at start reads only what is provisional.
CREATE INDEX registrations_provisional ON registrations(id)
	WHERE calendar_complete = 0;
CREATE INDEX registration_events_provisional ON registration_events(id)
	WHERE provisional = 1;
CREATE INDEX reports_provisional ON reports(id) WHERE provisional = 1;
CREATE INDEX tasks_provisional ON tasks(id) WHERE provisional = 1;
CREATE INDEX permits_provisional ON permits(id)
	WHERE issue_deadline_provisional = 1;
CREATE INDEX declarations_provisional ON declarations(id)
	WHERE provisional = 1;
