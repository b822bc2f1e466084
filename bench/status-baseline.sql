-- The baseline of `reconi status` in bench/run.sh: the sqlite3 shell
-- running the two queries reconi's store runs for the list (the
-- applications with their organisation, then the users per state), printed
-- as JSON, on the same database file, opened read-only.
SELECT a.id, a.kvk, o.name, a.level, a.branch, a.state, a.created_at, a.submitted_at
    FROM applications a JOIN organizations o ON o.kvk = a.kvk ORDER BY a.id;
SELECT u.application_id, u.state, COUNT(*) FROM users u JOIN applications a ON a.id = u.application_id
    GROUP BY u.application_id, u.state;
