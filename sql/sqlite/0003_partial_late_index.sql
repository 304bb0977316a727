-- 0003_partial_late_index.sql — the late work list only ever asks for late
-- events; index just those, so on-time events cost no index write.
DROP INDEX registration_events_late;
CREATE INDEX registration_events_late ON registration_events(kind, date)
	WHERE late = 1;
