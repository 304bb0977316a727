-- 0011_staff_passwords.sql — staff passwords: a generated password must be
-- changed at first login, and when each password was set and each account
-- last signed in (for the admin's list of accounts).
--
-- Accounts that exist already keep working as they are (flag 0): they may
-- be demo accounts, which are exempt, and forcing a change on an upgrade
-- would lock staff out in the middle of their work.
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0
	CHECK (must_change_password IN (0, 1));
ALTER TABLE users ADD COLUMN password_changed_at TEXT;
ALTER TABLE users ADD COLUMN last_login_at TEXT;
