package storetest

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

// UserReferences are the tables whose rows name a user (a foreign key to
// users), which migration 00011 must leave as they are while it rebuilds
// the users table on SQLite.
var UserReferences = []string{"invitations", "otp_codes", "identifications", "means", "application_means"}

// SeedBeforeEmailFirst writes, with plain SQL that both databases accept,
// the data of a database migrated up to version 10: one person (Jan) in two
// applications of one organisation, with an issued means, a renewal of it
// and a row in every other table that references a user. The users' IDs
// are above those PostgreSQL's identity hands out first.
func SeedBeforeEmailFirst(t *testing.T, db *sql.DB) {
	t.Helper()
	for _, q := range []string{
		`INSERT INTO organizations (kvk, name, created_at) VALUES ('69599084', 'Bakkerij', 1)`,
		`INSERT INTO applications (id, state, kvk, level, permissions, validity_years, created_by, created_at)
			VALUES (1, 'submitted', '69599084', 'EH3', '{"direct":true,"scope":"all"}', 1, 'tester', 1)`,
		`INSERT INTO applications (id, state, kvk, level, permissions, validity_years, created_by, created_at, kind)
			VALUES (2, 'draft', '69599084', 'EH3', '{"direct":true,"scope":"all"}', 1, 'tester', 2, 'renewal')`,
		`INSERT INTO users (id, application_id, email, email_key, first_name, last_name, phone, employed, state, updated_at)
			VALUES (101, 1, 'Jan@example.nl', 'jan@example.nl', 'Jan', 'Jansen', '+31612345678', 1, 'issued', 10)`,
		`INSERT INTO users (id, application_id, email, email_key, first_name, last_name, phone, employed, state, updated_at, deadline_at)
			VALUES (102, 1, 'piet@example.nl', 'piet@example.nl', 'Piet', 'Puk', '+31612345679', 0, 'identifying', 11, 99)`,
		`INSERT INTO users (id, application_id, email, email_key, first_name, last_name, phone, employed, state, updated_at)
			VALUES (103, 2, 'jan@example.nl', 'jan@example.nl', 'Jan', 'Jansen', '+31612345678', 1, 'draft', 12)`,
		`INSERT INTO means (id, user_id, application_id, kvk, email_key, level, state, issued_at, expires_at)
			VALUES (1, 101, 1, '69599084', 'jan@example.nl', 'EH3', 'active', 10, 20)`,
		`INSERT INTO application_means (application_id, means_id, user_id, previous_expires_at) VALUES (2, 1, 103, 20)`,
		`INSERT INTO invitations (user_id, token_hash, expires_at, created_at) VALUES (102, 'hash', 30, 11)`,
		`INSERT INTO otp_codes (user_id, code_hash, expires_at, sent_at, window_start, window_sends) VALUES (102, 'code', 30, 11, 11, 1)`,
		`INSERT INTO identifications (user_id, reference, state, requested_at) VALUES (102, 'ref-1', 'requested', 11)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("seeding: %v\n%s", err, q)
		}
	}
}

// DumpUsers is every user row and every row that references one, as text
// in a fixed order: what a migration of the users table must keep.
func DumpUsers(t *testing.T, db *sql.DB) string {
	t.Helper()
	var b strings.Builder
	dump := func(q string) {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				if s, ok := v.([]byte); ok {
					v = string(s)
				}
				fmt.Fprintf(&b, "%s=%v ", cols[i], v)
			}
			b.WriteByte('\n')
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	dump(`SELECT id, application_id, email, email_key, first_name, last_name, phone, date_of_birth,
		employed, state, import_line, updated_at, deadline_at FROM users ORDER BY id`)
	for _, table := range UserReferences {
		b.WriteString(table + ":\n")
		dump(`SELECT * FROM ` + table + ` ORDER BY user_id`)
	}
	return b.String()
}

// CheckEmailFirst checks the users table after migration 00011 through the
// store: an email is still unique within an application and may be in
// another, and a person is found in every application.
func CheckEmailFirst(t *testing.T, st store.Store) {
	t.Helper()
	row := func(email string) []store.UserRow {
		return []store.UserRow{{User: &reconi.User{Email: email, FirstName: "Jan", LastName: "Jansen",
			Phone: "+31612345678", Employed: true, State: reconi.UserDraft}}}
	}
	err := st.Update(t.Context(), func(tx store.Tx) error {
		for _, c := range []struct {
			app   int64
			email string
			added bool
		}{
			{2, "JAN@example.nl", false}, // Jan is in application 2 already
			{2, "piet@example.nl", true}, // Piet is in application 1 only
			{2, "Piet@example.nl", false},
		} {
			added, err := tx.InsertUsers(c.app, row(c.email))
			if err != nil {
				return fmt.Errorf("adding %s to application %d: %w", c.email, c.app, err)
			}
			if added[0] != c.added {
				t.Errorf("adding %s to application %d: added %v, want %v", c.email, c.app, added[0], c.added)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = st.View(t.Context(), func(tx store.Tx) error {
		for email, want := range map[string]int{"Jan@example.nl": 2, "piet@example.nl": 2, "kees@example.nl": 0} {
			reqs, err := tx.PersonRequests(email, "", nil)
			if err != nil {
				return err
			}
			if len(reqs) != want {
				t.Errorf("%s is in %d applications, want %d: %+v", email, len(reqs), want, reqs)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
