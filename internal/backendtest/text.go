package backendtest

import (
	"context"
	"fmt"
	"testing"

	"github.com/reconi/reconi/internal/reconi"
)

// Text no database keeps alike, a NUL byte or bytes that are not UTF-8, is
// refused as invalid input naming its field: PostgreSQL used to answer such
// a value with an internal error where SQLite kept it. Issue 10, item 6.
var _ = register("NUL bytes and invalid UTF-8 are invalid, on every store", func(t *testing.T, e *env) {
	e.orgA(t)
	a := e.draft(t, kvkA, "EH3", "")
	e.addUser(t, a.ID, user(1, true))
	for _, bad := range []string{"Jan\x00sen", "Jan\xffsen", "\xc3\x28"} {
		for _, c := range []struct {
			field string
			call  func(ctx context.Context, b reconi.Backend) error
		}{
			{"name", func(ctx context.Context, b reconi.Backend) error {
				_, err := b.RegisterOrganization(ctx, reconi.NewOrganization{KVK: "12345678", Name: bad})
				return err
			}},
			{"branches[0]", func(ctx context.Context, b reconi.Backend) error {
				_, err := b.RegisterOrganization(ctx, reconi.NewOrganization{KVK: "12345678", Name: "X B.V.", Branches: []string{bad}})
				return err
			}},
			{"first_name", func(ctx context.Context, b reconi.Backend) error {
				u := user(2, true)
				u.FirstName = bad
				_, err := b.AddUser(ctx, a.ID, u)
				return err
			}},
			{"email", func(ctx context.Context, b reconi.Backend) error {
				u := user(3, true)
				u.Email = bad + "@example.nl"
				_, err := b.AddUser(ctx, a.ID, u)
				return err
			}},
			{"email", func(ctx context.Context, b reconi.Backend) error { return b.RemoveUser(ctx, a.ID, bad+"@example.nl") }},
			{"email", func(ctx context.Context, b reconi.Backend) error {
				_, err := b.Applications(ctx, reconi.ApplicationFilter{Email: bad})
				return err
			}},
			{"state", func(ctx context.Context, b reconi.Backend) error {
				_, err := b.Applications(ctx, reconi.ApplicationFilter{State: bad})
				return err
			}},
			{"kvk", func(ctx context.Context, b reconi.Backend) error {
				_, err := b.Users(ctx, reconi.UserFilter{KVK: bad})
				return err
			}},
			{"provider", func(ctx context.Context, b reconi.Backend) error {
				_, err := b.Services(ctx, reconi.ServiceFilter{Provider: bad})
				return err
			}},
			{"providers[0]", func(ctx context.Context, b reconi.Backend) error {
				_, err := b.SetPermissions(ctx, a.ID, reconi.PermissionsInput{Direct: true, Providers: []string{bad}, ValidityYears: 1})
				return err
			}},
			{"terms_version", func(ctx context.Context, b reconi.Backend) error {
				_, err := b.Submit(ctx, a.ID, reconi.Submission{AgreeTerms: true, TermsVersion: bad})
				return err
			}},
			{"reason", func(ctx context.Context, b reconi.Backend) error {
				_, err := b.Cancel(ctx, a.ID, "", bad)
				return err
			}},
			{"to", func(ctx context.Context, b reconi.Backend) error {
				_, err := b.Outbox(ctx, reconi.OutboxFilter{To: bad})
				return err
			}},
			{"token", func(ctx context.Context, b reconi.Backend) error {
				_, err := b.Invitation(ctx, bad)
				return err
			}},
		} {
			t.Run(fmt.Sprintf("%s=%q", c.field, bad), func(t *testing.T) {
				got := wantErr(t, c.call(e.ctx, e.b), reconi.KindInvalid, c.field)
				if len(got.Message) > 200 {
					t.Errorf("a %d-byte message", len(got.Message))
				}
			})
		}
	}
	// Nothing was added.
	eq(t, "users", len(e.users(t, a.ID)), 1)
})
