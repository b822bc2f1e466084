package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

// SeedKVK is the organisation Seed gives the first of every SeedOrgs
// applications: a valid KVK number, for a manager token.
const SeedKVK = "69599084"

// SeedOrgs is how many organisations Seed spreads the applications over.
const SeedOrgs = 100

// Seed fills an empty database with n applications for benchmarks of
// status listing: SeedOrgs organisations taking turns, usersPer users each;
// every other application is submitted, its users invited (with a deadline
// a year on, so nothing expires), the rest are drafts. It writes through
// the store in one transaction, which is much faster than the wizard.
func Seed(tb testing.TB, st store.Store, n, usersPer int) {
	tb.Helper()
	now := time.Now().UTC()
	err := st.Update(context.Background(), func(tx store.Tx) error {
		kvks := make([]reconi.KVK, SeedOrgs)
		for i := range kvks {
			kvks[i] = reconi.KVK(SeedKVK)
			if i > 0 {
				// Never parsed: only listed.
				kvks[i] = reconi.KVK(fmt.Sprintf("1%07d", i))
			}
			if err := tx.InsertOrganization(&reconi.Organization{KVK: kvks[i], Name: fmt.Sprintf("Organisation %d B.V.", i), CreatedAt: now}); err != nil {
				return err
			}
		}
		for i := range n {
			a := &reconi.Application{State: reconi.AppDraft, Organization: reconi.OrgRef{KVK: kvks[i%SeedOrgs]}, Level: reconi.EH3,
				CreatedBy: "seed", CreatedAt: now}
			if err := tx.InsertApplication(a); err != nil {
				return err
			}
			rows := make([]store.UserRow, usersPer)
			for j := range rows {
				rows[j] = store.UserRow{Line: j + 2, User: &reconi.User{ApplicationID: a.ID, Email: fmt.Sprintf("user%d.%d@example.com", i, j),
					FirstName: "Jan", LastName: "Jansen", Phone: fmt.Sprintf("+3161%07d", (i*usersPer+j)%10_000_000), Employed: j%2 == 0,
					State: reconi.UserDraft, UpdatedAt: now}}
			}
			if _, err := tx.InsertUsers(a.ID, rows); err != nil {
				return err
			}
			if i%2 == 1 {
				a.State, a.SubmittedAt, a.ValidityYears = reconi.AppSubmitted, &now, 1
				if err := tx.UpdateApplication(a); err != nil {
					return err
				}
				if _, err := tx.AdvanceUsers(a.ID, reconi.UserDraft, reconi.UserInvited, now.AddDate(1, 0, 0),
					store.EventInfo{Actor: "seed", Reason: "invitation sent", At: now}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("seeding %d applications: %v", n, err)
	}
}
