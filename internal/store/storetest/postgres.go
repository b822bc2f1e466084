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
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := db.ExecContext(ctx, `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema)
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
