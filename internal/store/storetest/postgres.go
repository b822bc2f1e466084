// Package storetest helps tests run against real databases (STYLE.md,
// convention 8): a fresh PostgreSQL schema per test when
// RECONI_TEST_POSTGRES_URL names a server, and Run, the contract suite of
// store.Store that SQLite and PostgreSQL both pass.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// PostgresEnv names the PostgreSQL server the tests may use, as a URL:
//
//	RECONI_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test?sslmode=disable
//
// Each test gets a schema of its own there, dropped when it ends, so runs
// (and parallel tests) never see each other's rows.
const PostgresEnv = "RECONI_TEST_POSTGRES_URL"

// schemaPrefix starts the name of every schema the tests make; the creation
// time follows it, so schemas left by a killed run can be told apart.
const schemaPrefix = "reconi_test_"

// SkipWithoutPostgres skips the test, saying why, when no PostgreSQL server
// is configured.
func SkipWithoutPostgres(t testing.TB) {
	t.Helper()
	if os.Getenv(PostgresEnv) == "" {
		t.Skip(PostgresEnv + " is not set: the PostgreSQL tests are skipped " +
			"(set it to a server's URL, e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable, to run them)")
	}
}

// PostgresURL creates an empty schema on the server of RECONI_TEST_POSTGRES_URL
// and returns the URL with search_path set to it (pgx sends unknown URL
// parameters to the server as runtime parameters), so that everything the
// test opens with it — migrations included — lives in that schema. The
// schema is dropped when the test ends. Without the variable the test is
// skipped.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base, db := server(t)
	schema := newSchema(t, db)
	t.Cleanup(func() {
		if err := dropSchema(db, schema); err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
		}
	})
	return withSchema(base, schema)
}

// ReusedPostgresURL is PostgresURL for a test that opens a store on the
// schema, which migrates it: a schema is emptied when its test ends (every
// table but goose's truncated, identities restarted) and handed to the next
// test, so that the migrations run once per test running at the same time
// rather than once per test. Creating and migrating a schema was most of
// what PostgreSQL did in the contract suite (13 s of its 76 cases, 85 % of
// two cores). The package's TestMain calls DropReused when its tests end.
func ReusedPostgresURL(t testing.TB) string {
	t.Helper()
	base, db := server(t)
	reuseMu.Lock()
	var schema string
	if free := reusable[base]; len(free) > 0 {
		schema, reusable[base] = free[len(free)-1], free[:len(free)-1]
	}
	reuseMu.Unlock()
	if schema == "" {
		schema = newSchema(t, db)
		reuseMu.Lock()
		reused = append(reused, reusedSchema{db, schema})
		reuseMu.Unlock()
	}
	t.Cleanup(func() {
		// The test's stores were closed by the cleanups registered after
		// this one, which run first.
		if err := emptySchema(db, schema); err != nil {
			t.Logf("emptying schema %s for the next test: %v (it is dropped instead)", schema, err)
			return
		}
		reuseMu.Lock()
		reusable[base] = append(reusable[base], schema)
		reuseMu.Unlock()
	})
	return withSchema(base, schema)
}

// DropReused drops the schemas ReusedPostgresURL made; call it from
// TestMain after m.Run. A schema left by a killed run is dropped a day later
// by the next run (dropStale).
func DropReused() {
	reuseMu.Lock()
	defer reuseMu.Unlock()
	for _, r := range reused {
		dropSchema(r.db, r.schema)
	}
	reused, reusable = nil, map[string][]string{}
}

type reusedSchema struct {
	db     *sql.DB
	schema string
}

var (
	reuseMu sync.Mutex
	// reusable holds, per server URL, the emptied schemas waiting for a test.
	reusable = map[string][]string{}
	// reused lists every schema ReusedPostgresURL made, for DropReused.
	reused []reusedSchema
)

// server returns the URL of RECONI_TEST_POSTGRES_URL and its admin pool,
// or skips the test without one.
func server(t testing.TB) (string, *sql.DB) {
	t.Helper()
	SkipWithoutPostgres(t)
	base := os.Getenv(PostgresEnv)
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatalf("%s=%q: want a postgres:// URL", PostgresEnv, base)
	}
	db, err := admin(base)
	if err != nil {
		t.Fatalf("connecting to %s: %v", PostgresEnv, err)
	}
	return base, db
}

// newSchema creates an empty schema with a new name.
func newSchema(t testing.TB, db *sql.DB) string {
	t.Helper()
	var raw [6]byte
	if _, err := rand.Read(raw[:]); err != nil {
		t.Fatal(err)
	}
	schema := fmt.Sprintf("%s%d_%s", schemaPrefix, time.Now().Unix(), hex.EncodeToString(raw[:]))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		t.Fatalf("creating schema %s: %v", schema, err)
	}
	return schema
}

func dropSchema(db *sql.DB, schema string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := db.ExecContext(ctx, `DROP SCHEMA IF EXISTS `+schema+` CASCADE`)
	return err
}

// emptySchema deletes the rows of every table of schema but goose's record
// of the migrations (and the meta row saying the migrations are complete),
// children before their parents, and restarts the schema's sequences, in
// one transaction; on failure it drops the schema.
// A test leaves a few rows: DELETE takes milliseconds where TRUNCATE, which
// gives each of the 25 tables new files, took 0.2-0.35 s a test.
func emptySchema(db *sql.DB, schema string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := func() error {
		tables, err := deleteOrder(ctx, db, schema)
		if err != nil {
			return err
		}
		seqs, err := column(ctx, db, `SELECT quote_ident(c.relname) FROM pg_class c
			JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE c.relkind = 'S' AND n.nspname = $1 AND c.relname NOT LIKE 'goose\_db\_version%'`, schema)
		if err != nil {
			return err
		}
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		for _, t := range tables {
			q := `DELETE FROM ` + schema + "." + t
			if t == "meta" {
				// What Open records after migrating stays, as in a
				// schema just migrated: the next Open needs no goose.
				q += ` WHERE key <> 'service_uuids_filled'`
			}
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		for _, s := range seqs {
			if _, err := tx.ExecContext(ctx, `ALTER SEQUENCE `+schema+"."+s+` RESTART`); err != nil {
				return err
			}
		}
		return tx.Commit()
	}()
	if err != nil {
		dropSchema(db, schema)
	}
	return err
}

// deleteOrder lists the tables of schema but goose's, each after every
// table whose foreign keys refer to it.
func deleteOrder(ctx context.Context, db *sql.DB, schema string) ([]string, error) {
	tables, err := column(ctx, db, `SELECT quote_ident(tablename) FROM pg_tables
		WHERE schemaname = $1 AND tablename <> 'goose_db_version' ORDER BY tablename`, schema)
	if err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, `SELECT quote_ident(ch.relname), quote_ident(pa.relname) FROM pg_constraint c
		JOIN pg_class ch ON ch.oid = c.conrelid JOIN pg_class pa ON pa.oid = c.confrelid
		JOIN pg_namespace n ON n.oid = ch.relnamespace
		WHERE c.contype = 'f' AND n.nspname = $1`, schema)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	children := map[string][]string{} // a table: the tables referring to it
	for rows.Next() {
		var child, parent string
		if err := rows.Scan(&child, &parent); err != nil {
			return nil, err
		}
		if child != parent {
			children[parent] = append(children[parent], child)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var order []string
	done := map[string]bool{}
	for len(order) < len(tables) {
		before := len(order)
		for _, t := range tables {
			if done[t] {
				continue
			}
			ready := true
			for _, c := range children[t] {
				ready = ready && done[c]
			}
			if ready {
				order, done[t] = append(order, t), true
			}
		}
		if len(order) == before { // a cycle: DELETE says which
			for _, t := range tables {
				if !done[t] {
					order, done[t] = append(order, t), true
				}
			}
		}
	}
	return order, nil
}

// column runs q with args and returns its one column.
func column(ctx context.Context, db *sql.DB, q string, args ...any) ([]string, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// withSchema is base with search_path set to schema, and commits that do
// not wait for the disk: a test's data need not outlive a crash of the
// server, and what one session commits is still seen at once by the others.
func withSchema(base, schema string) string {
	u, _ := url.Parse(base) // checked by server
	q := u.Query()
	q.Set("search_path", schema)
	if !q.Has("synchronous_commit") {
		q.Set("synchronous_commit", "off")
	}
	u.RawQuery = q.Encode()
	return u.String()
}

var (
	adminMu sync.Mutex
	// admins holds one small pool per server URL, for the whole test
	// binary: creating and dropping schemas.
	admins = map[string]*sql.DB{}
)

// admin returns the pool that creates and drops schemas. On first use it
// also drops the schemas a killed run left behind more than a day ago.
func admin(base string) (*sql.DB, error) {
	adminMu.Lock()
	defer adminMu.Unlock()
	if db := admins[base]; db != nil {
		return db, nil
	}
	db, err := sql.Open("pgx", base)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(2)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, err
	}
	dropStale(ctx, db)
	admins[base] = db
	return db, nil
}

// dropStale drops test schemas made more than a day ago: no test runs that
// long, so their run was killed before its cleanup. Failures are ignored;
// this is housekeeping.
func dropStale(ctx context.Context, db *sql.DB) {
	rows, err := db.QueryContext(ctx, `SELECT nspname FROM pg_namespace WHERE starts_with(nspname, $1)`, schemaPrefix)
	if err != nil {
		return
	}
	var stale []string
	for rows.Next() {
		var name string
		if rows.Scan(&name) != nil {
			continue
		}
		stamp, _, _ := strings.Cut(strings.TrimPrefix(name, schemaPrefix), "_")
		if sec, err := strconv.ParseInt(stamp, 10, 64); err == nil && time.Since(time.Unix(sec, 0)) > 24*time.Hour {
			stale = append(stale, name)
		}
	}
	rows.Close()
	for _, name := range stale {
		db.ExecContext(ctx, `DROP SCHEMA IF EXISTS `+name+` CASCADE`)
	}
}
