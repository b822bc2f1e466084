-- The baseline of the import benchmarks: what the sqlite3 shell does with the
-- same CSV file, read by bench/import.sh and BenchmarkSQLiteImportBaseline
-- (internal/service), which then run
--
--	.import --csv --skip 1 FILE users
--
-- The table is like reconi's users table: the file's six columns as text (the
-- shell's .import wants as many columns as the file has) and a unique email.
-- The file is new, in WAL mode like reconi's; .import loads it in one
-- transaction. Nothing is validated: this is the floor for "CSV into SQLite".
.output /dev/null
PRAGMA journal_mode = WAL;
.output stdout
PRAGMA synchronous = NORMAL;
CREATE TABLE users (
    first_name    TEXT NOT NULL,
    last_name     TEXT NOT NULL,
    email         TEXT NOT NULL UNIQUE,
    phone         TEXT NOT NULL,
    date_of_birth TEXT NOT NULL,
    employed      TEXT NOT NULL
);
