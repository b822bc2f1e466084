package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
)

// Migrated reports whether db has every migration of fsys applied and the
// ServiceUUIDs filled in after them (FillServiceUUIDs), so that opening it
// needs neither goose nor its lock: goose reads and parses every migration
// file and asks the database several questions, 40-50 ms on PostgreSQL and
// about a millisecond on SQLite, at every start of every command. The
// migrations are numbered 1 to N without gaps (a test checks), so "every
// migration applied" is N distinct applied versions, the highest N. A
// database without goose's table, or any other answer, is not up to date,
// and the caller migrates as before.
func Migrated(ctx context.Context, db *sql.DB, fsys fs.FS) (bool, error) {
	n, err := MigrationCount(fsys)
	if err != nil {
		return false, err
	}
	var applied, highest, filled int
	err = db.QueryRowContext(ctx, `SELECT count(DISTINCT version_id), COALESCE(max(version_id), 0),
		(SELECT count(*) FROM meta WHERE key = 'service_uuids_filled')
		FROM goose_db_version WHERE version_id > 0`).Scan(&applied, &highest, &filled)
	if err != nil {
		return false, nil // no goose table or no meta table yet: goose decides
	}
	return applied == n && highest == n && filled > 0, nil
}

// MigrationCount is the number of migrations in fsys, after checking that
// they are numbered 1 to N: NNNNN_name.sql.
func MigrationCount(fsys fs.FS) (int, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		n++
		num, _, _ := strings.Cut(e.Name(), "_")
		if v, err := strconv.Atoi(num); err != nil || v != n {
			return 0, fmt.Errorf("migration %s: want number %d: the migrations are numbered 1 to N", e.Name(), n)
		}
	}
	return n, nil
}
