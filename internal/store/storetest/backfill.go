package storetest

import (
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

// BackfillIssuedAt is when the fixture's issued user was issued.
var BackfillIssuedAt = time.Date(2024, 2, 29, 10, 0, 0, 0, time.UTC)

// SeedBeforeMeans writes, with plain SQL that both databases accept, the
// data of a database migrated up to version 3 (before means existed): an
// application for two providers valid 3 years, with one issued user (and
// the event that issued it) and one still invited.
func SeedBeforeMeans(t *testing.T, db *sql.DB) {
	t.Helper()
	at := BackfillIssuedAt.UnixMicro()
	for _, q := range []string{
		`INSERT INTO organizations (kvk, name, created_at) VALUES ('69599084', 'Bakkerij', 1)`,
		`INSERT INTO applications (id, state, kvk, level, permissions, validity_years, created_by, created_at)
			VALUES (1, 'submitted', '69599084', 'EH3', '{"direct":true,"scope":"providers","providers":["RVO","Kadaster"]}', 3, 'tester', 1)`,
		`INSERT INTO users (id, application_id, email, email_key, first_name, last_name, phone, employed, state, updated_at)
			VALUES (1, 1, 'Jan@example.nl', 'jan@example.nl', 'Jan', 'Jansen', '+31612345678', 1, 'issued', 99)`,
		`INSERT INTO users (id, application_id, email, email_key, first_name, last_name, phone, employed, state, updated_at)
			VALUES (2, 1, 'piet@example.nl', 'piet@example.nl', 'Piet', 'Puk', '+31612345679', 1, 'invited', 99)`,
		`INSERT INTO events (application_id, user_id, email, from_state, to_state, actor, reason, at)
			VALUES (1, 1, 'Jan@example.nl', 'ordered', 'issued', 'user', 'employed', $1)`,
	} {
		var err error
		if strings.Contains(q, "$1") {
			_, err = db.Exec(q, at)
		} else {
			_, err = db.Exec(q)
		}
		if err != nil {
			t.Fatalf("seeding: %v\n%s", err, q)
		}
	}
}

// CheckMeansBackfill checks that the means migration gave the issued user
// of SeedBeforeMeans a means, and nobody else.
func CheckMeansBackfill(t *testing.T, st store.Store) {
	t.Helper()
	var ms []reconi.Means
	err := st.View(t.Context(), func(tx store.Tx) (err error) {
		ms, err = tx.ListMeans(store.MeansFilter{Now: BackfillIssuedAt})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 {
		t.Fatalf("%d means after the migration, want 1: %+v", len(ms), ms)
	}
	m := ms[0]
	// 29 February plus three years is 1 March in Go, SQLite and here; the
	// backfill must agree with what the service computes for new means.
	want := BackfillIssuedAt.AddDate(3, 0, 0)
	if m.UserID != 1 || m.Email != "Jan@example.nl" || m.State != reconi.MeansActive || m.Level != "EH3" ||
		!m.IssuedAt.Equal(BackfillIssuedAt) || m.ApplicationID != 1 || m.Organization.KVK != "69599084" {
		t.Errorf("means %+v", m)
	}
	if !m.ExpiresAt.Equal(want) && !m.ExpiresAt.Equal(want.AddDate(0, 0, -1)) {
		t.Errorf("expires_at %s, want %s", m.ExpiresAt, want)
	}
	if len(m.Permissions) != 2 || m.Permissions[0].Provider != "RVO" || m.Permissions[1].Provider != "Kadaster" ||
		m.Permissions[0].Scope != reconi.ScopeProviders || !m.Permissions[1].ExpiresAt.Equal(m.ExpiresAt) {
		t.Errorf("permissions %+v", m.Permissions)
	}
}
