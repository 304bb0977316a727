-- 0017_workflow.sql — what the workflow the law assumes needs recorded
-- (issue 13):
--
-- * A back-dated act — a declaration, a permit step or a paper report
--   recorded with a date other than the day it is entered — keeps the day
--   it was entered and the reason given (README, "Back-dating"). Every new
--   event records the day it was entered; the reason is NULL when the date
--   is that day. Rows from before this migration have neither.
-- * A permit application may be returned (退回) with a reason its applicant
--   reads. It is closed like a cancelled one (status 'cancelled', the
--   reason in cancel_reason, the day in cancelled_date), so the one-permit
--   rule and the status CHECK stay as they are, and `returned` tells the
--   two apart.
-- * A registration whose holder the grid found moved away (an `absent`
--   task closed as moved_away) says so until the station cancels it: the
--   finding is not a cancellation declared by the person or a reporter
--   (docs/grid.md).
--
-- Columns only (ALTER TABLE … ADD COLUMN): no table is rebuilt.

ALTER TABLE registration_events ADD COLUMN entered_date TEXT;
ALTER TABLE registration_events ADD COLUMN date_reason TEXT;
ALTER TABLE permit_events ADD COLUMN entered_date TEXT;
ALTER TABLE permit_events ADD COLUMN date_reason TEXT;
ALTER TABLE reports ADD COLUMN entered_date TEXT;
ALTER TABLE reports ADD COLUMN date_reason TEXT;

ALTER TABLE permits ADD COLUMN returned INTEGER NOT NULL DEFAULT 0;
-- The station's queue of applications waiting for acceptance (待受理).
CREATE INDEX permits_waiting ON permits(applied_date) WHERE status = 'applied';

ALTER TABLE registrations ADD COLUMN moved_away_date TEXT;
-- The task's id, for the record (no REFERENCES: a column that has one
-- cannot be dropped again, and a task is never deleted).
ALTER TABLE registrations ADD COLUMN moved_away_task INTEGER;
CREATE INDEX registrations_moved_away ON registrations(community)
	WHERE status = 'active' AND moved_away_date IS NOT NULL;
