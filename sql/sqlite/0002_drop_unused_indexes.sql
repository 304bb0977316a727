-- 0002_drop_unused_indexes.sql — no query uses these indexes, and every
-- registration and audit entry paid a page write for each of them.
-- Late work lists read registration_events(late, kind); the audit API
-- filters by target. An index comes back with the query that needs it.
DROP INDEX registrations_late;
DROP INDEX audit_user;
