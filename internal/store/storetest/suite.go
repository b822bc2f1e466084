package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

// NewDatabase makes a fresh, empty database for one test and returns what
// opens it. Every call of open returns another store on that database, with
// its own connections, as a second process or replica would have; the
// suite closes what it opens.
type NewDatabase func(t *testing.T) (open func() (store.Store, error))

// Run is the contract suite of store.Store: what the service relies on
// from any database, above all under concurrency (two stores on one
// database, several goroutines on each), where SQLite and PostgreSQL get
// there by different means (one writer at a time; row locks, SKIP LOCKED
// and conditional updates).
func Run(t *testing.T, newDB NewDatabase) {
	for _, c := range suite {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			open := newDB(t)
			stores := func(n int) []store.Store {
				t.Helper()
				out := make([]store.Store, n)
				for i := range out {
					st, err := open()
					if err != nil {
						t.Fatalf("opening the database: %v", err)
					}
					t.Cleanup(func() { st.Close() })
					out[i] = st
				}
				return out
			}
			c.fn(t, stores)
		})
	}
}

type suiteCase struct {
	name string
	fn   func(t *testing.T, stores func(n int) []store.Store)
}

var suite = []suiteCase{
	{"RollbackAndConflict", testRollbackAndConflict},
	{"TimesKeepMicroseconds", testTimes},
	{"ClaimMetaHasOneWinner", testClaimMeta},
	{"InsertUsersLeavesDuplicatesOut", testInsertUsersConflict},
	{"LockApplicationSerialisesChanges", testLockApplication},
	{"SetUserStateMovesOnce", testSetUserState},
	{"ClaimMessagesNeverTwice", testClaimMessages},
	{"FinishMessageNeedsTheLease", testFinishMessage},
	{"RequeueMessageOnlyFromItsState", testRequeueMessage},
	{"IdempotencyKeyHasOneOwner", testIdempotencyKey},
	{"OTPAttemptsAreCountedExactly", testOTPAttempts},
	{"ApplicationsCountUsersByState", testApplications},
	{"DeadlinesAndAdvance", testDeadlines},
}

var ctx = context.Background()

// t0 has nanoseconds on purpose: stores keep microseconds.
var t0 = time.Date(2026, 3, 2, 9, 30, 0, 123456789, time.UTC)

const kvk = reconi.KVK("69599084")

// fixture registers an organisation and starts a draft with n users.
func fixture(t *testing.T, st store.Store, n int) (appID int64, userIDs []int64) {
	t.Helper()
	err := st.Update(ctx, func(tx store.Tx) error {
		if o, err := tx.Organization(kvk); err != nil || o == nil {
			if err != nil {
				return err
			}
			if err := tx.InsertOrganization(&reconi.Organization{KVK: kvk, Name: "Org A B.V.", CreatedAt: t0}); err != nil {
				return err
			}
		}
		a := &reconi.Application{State: reconi.AppDraft, Organization: reconi.OrgRef{KVK: kvk}, Level: reconi.EH3,
			CreatedBy: "storetest", CreatedAt: t0}
		if err := tx.InsertApplication(a); err != nil {
			return err
		}
		appID = a.ID
		rows := make([]store.UserRow, n)
		for i := range rows {
			u := user(a.ID, i)
			rows[i] = store.UserRow{User: &u, Line: i + 2}
		}
		if _, err := tx.InsertUsers(a.ID, rows); err != nil {
			return err
		}
		users, err := tx.Users(store.UserFilter{ApplicationID: a.ID})
		for _, u := range users {
			userIDs = append(userIDs, u.ID)
		}
		return err
	})
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	return appID, userIDs
}

func user(appID int64, i int) reconi.User {
	return reconi.User{ApplicationID: appID, Email: fmt.Sprintf("user%d@example.com", i), FirstName: "Jan",
		LastName: fmt.Sprintf("Jansen %d", i), Phone: fmt.Sprintf("+3161%07d", i), Employed: i%2 == 0,
		State: reconi.UserDraft, UpdatedAt: t0}
}

// parallel runs fn(i) for i in [0, n) at once and fails the test on the
// first error.
func parallel(t *testing.T, n int, fn func(i int) error) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make([]error, n)
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = fn(i)
		})
	}
	close(start)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
}

func testRollbackAndConflict(t *testing.T, stores func(int) []store.Store) {
	st := stores(1)[0]
	boom := errors.New("boom")
	org := &reconi.Organization{KVK: kvk, Name: "A", CreatedAt: t0, Branches: []reconi.Branch{{Number: "000037178598"}}}
	err := st.Update(ctx, func(tx store.Tx) error {
		if err := tx.InsertOrganization(org); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update returned %v, want the function's error", err)
	}
	var got *reconi.Organization
	if err := st.View(ctx, func(tx store.Tx) (err error) { got, err = tx.Organization(kvk); return err }); err != nil || got != nil {
		t.Fatalf("a rolled back insert is visible: %+v, %v", got, err)
	}
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.InsertOrganization(org) }); err != nil {
		t.Fatal(err)
	}
	// The same branch for another organisation breaks a uniqueness rule:
	// ErrConflict, and nothing of that organisation is kept.
	err = st.Update(ctx, func(tx store.Tx) error {
		return tx.InsertOrganization(&reconi.Organization{KVK: "68750110", Name: "B", CreatedAt: t0,
			Branches: []reconi.Branch{{Number: "000037178598"}}})
	})
	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("a branch registered twice: %v, want ErrConflict", err)
	}
	if err := st.View(ctx, func(tx store.Tx) (err error) { got, err = tx.Organization("68750110"); return err }); err != nil || got != nil {
		t.Fatalf("half of a refused insert is visible: %+v, %v", got, err)
	}
	if err := st.View(ctx, func(tx store.Tx) (err error) { got, err = tx.Organization(kvk); return err }); err != nil || got == nil ||
		len(got.Branches) != 1 || !got.CreatedAt.Equal(t0.Truncate(time.Microsecond)) {
		t.Fatalf("Organization(%s) = %+v, %v", kvk, got, err)
	}
}

func testTimes(t *testing.T, stores func(int) []store.Store) {
	st := stores(1)[0]
	appID, _ := fixture(t, st, 1)
	var a *reconi.Application
	var users []reconi.User
	err := st.View(ctx, func(tx store.Tx) (err error) {
		if a, err = tx.Application(appID); err != nil {
			return err
		}
		users, err = tx.Users(store.UserFilter{ApplicationID: appID})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	want := t0.Truncate(time.Microsecond)
	if a == nil || !a.CreatedAt.Equal(want) || a.CreatedAt.Location() != time.UTC {
		t.Fatalf("application created at %v, want %v in UTC", a.CreatedAt, want)
	}
	if len(users) != 1 || !users[0].UpdatedAt.Equal(want) || users[0].DeadlineAt != nil {
		t.Fatalf("users %+v, want one updated at %v without a deadline", users, want)
	}
	// Unknown rows are (nil, nil): the service decides what that means.
	err = st.View(ctx, func(tx store.Tx) error {
		a, err := tx.Application(appID + 1000)
		if a != nil || err != nil {
			return fmt.Errorf("tx.Application of an unknown ID: %+v, %v", a, err)
		}
		u, err := tx.User(-1)
		if u != nil || err != nil {
			return fmt.Errorf("tx.User of an unknown ID: %+v, %v", u, err)
		}
		m, err := tx.MessageByID(-1)
		if m != nil || err != nil {
			return fmt.Errorf("tx.MessageByID of an unknown ID: %+v, %v", m, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func testClaimMeta(t *testing.T, stores func(int) []store.Store) {
	sts := stores(2)
	const n = 8
	won := make([]bool, n)
	parallel(t, n, func(i int) error {
		return sts[i%2].Update(ctx, func(tx store.Tx) (err error) {
			won[i], err = tx.ClaimMeta("defaults_loaded", fmt.Sprint(i))
			return err
		})
	})
	winner := slices.Index(won, true)
	if winner < 0 || slices.Index(won[winner+1:], true) >= 0 {
		t.Fatalf("claims won: %v, want exactly one", won)
	}
	var v string
	if err := sts[0].View(ctx, func(tx store.Tx) (err error) { v, err = tx.Meta("defaults_loaded"); return err }); err != nil || v != fmt.Sprint(winner) {
		t.Fatalf("meta = %q, %v; want the winner's %d", v, err, winner)
	}
}

// testInsertUsersConflict: a repeated email, in any case, is left out
// whether it repeats a row of the same call or a user already there; the
// transaction goes on, and calls larger than one statement lose nothing.
func testInsertUsersConflict(t *testing.T, stores func(int) []store.Store) {
	st := stores(1)[0]
	appID, _ := fixture(t, st, 0)
	row := func(i, line int, email string) store.UserRow {
		u := user(appID, i)
		if email != "" {
			u.Email = email
		}
		return store.UserRow{User: &u, Line: line}
	}
	const many = 1234 // three statements
	err := st.Update(ctx, func(tx store.Tx) error {
		added, err := tx.InsertUsers(appID, []store.UserRow{row(1, 2, ""), row(1, 3, "USER1@Example.com"), row(2, 4, "")})
		if err != nil {
			return err
		}
		if fmt.Sprint(added) != "[true false true]" {
			return fmt.Errorf("the same email twice in one call: added %v, want [true false true]", added)
		}
		// PostgreSQL aborts a transaction at a failed statement; a
		// duplicate must not, or an import could not go on to list the
		// other bad rows.
		rows := []store.UserRow{row(2, 5, "User2@EXAMPLE.com")}
		for i := range many {
			rows = append(rows, row(i+10, i+6, ""))
		}
		rows = append(rows, row(9, many+6, "user1@example.com"))
		added, err = tx.InsertUsers(appID, rows)
		if err != nil {
			return fmt.Errorf("inserting after a duplicate: %w", err)
		}
		for i, ok := range added {
			if want := i > 0 && i < len(rows)-1; ok != want {
				return fmt.Errorf("row %d (%s): added %v, want %v", i, rows[i].User.Email, ok, want)
			}
		}
		su, err := tx.UserByEmail(appID, "User1@EXAMPLE.com")
		if err != nil || su == nil || su.ImportLine != 2 {
			return fmt.Errorf("UserByEmail: %+v, %v; want the user of line 2", su, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var total, notEmployed int64
	if err := st.View(ctx, func(tx store.Tx) (err error) { total, notEmployed, err = tx.UserCounts(appID); return err }); err != nil {
		t.Fatal(err)
	}
	if total != 2+many || notEmployed != (2+many)/2 {
		t.Fatalf("UserCounts = %d, %d; want %d users, %d not employed", total, notEmployed, 2+many, (2+many)/2)
	}
}

// testLockApplication: read-modify-write of one application from many
// transactions on two stores loses nothing when each locks it first.
func testLockApplication(t *testing.T, stores func(int) []store.Store) {
	sts := stores(2)
	appID, _ := fixture(t, sts[0], 0)
	const workers, rounds = 6, 5
	parallel(t, workers, func(i int) error {
		for range rounds {
			err := sts[i%2].Update(ctx, func(tx store.Tx) error {
				if err := tx.LockApplication(appID); err != nil {
					return err
				}
				a, err := tx.Application(appID)
				if err != nil {
					return err
				}
				a.ValidityYears++
				return tx.UpdateApplication(a)
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	var a *reconi.Application
	if err := sts[1].View(ctx, func(tx store.Tx) (err error) { a, err = tx.Application(appID); return err }); err != nil {
		t.Fatal(err)
	}
	if a.ValidityYears != workers*rounds {
		t.Fatalf("after %d locked increments the counter is %d: updates were lost", workers*rounds, a.ValidityYears)
	}
	// Locking an application that does not exist is not an error.
	if err := sts[0].Update(ctx, func(tx store.Tx) error { return tx.LockApplication(appID + 1000) }); err != nil {
		t.Fatal(err)
	}
}

func testSetUserState(t *testing.T, stores func(int) []store.Store) {
	sts := stores(2)
	appID, ids := fixture(t, sts[0], 1)
	deadline := t0.Add(time.Hour)
	if err := sts[0].Update(ctx, func(tx store.Tx) error {
		n, err := tx.AdvanceUsers(appID, reconi.UserDraft, reconi.UserInvited, deadline, store.EventInfo{Actor: "t", Reason: "invited", At: t0})
		if err == nil && n != 1 {
			err = fmt.Errorf("AdvanceUsers moved %d users, want 1", n)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	const n = 8
	moved := make([]bool, n)
	parallel(t, n, func(i int) error {
		return sts[i%2].Update(ctx, func(tx store.Tx) (err error) {
			moved[i], err = tx.SetUserState(ids[0], reconi.UserInvited, reconi.UserExpired, time.Time{},
				store.EventInfo{Actor: fmt.Sprint("sweeper ", i), Reason: "expired", At: t0})
			return err
		})
	})
	if c := count(moved); c != 1 {
		t.Fatalf("%d of %d concurrent moves from invited to expired succeeded, want 1", c, n)
	}
	var events []reconi.Event
	if err := sts[1].View(ctx, func(tx store.Tx) (err error) { events, err = tx.Events(appID, 0, 0); return err }); err != nil {
		t.Fatal(err)
	}
	expired := 0
	for _, e := range events {
		if e.To == string(reconi.UserExpired) {
			expired++
			if e.UserID != ids[0] || e.From != string(reconi.UserInvited) || e.Email != "user0@example.com" {
				t.Errorf("expiry event %+v", e)
			}
		}
	}
	if expired != 1 {
		t.Fatalf("%d expiry events, want 1: %+v", expired, events)
	}
}

func count(bs []bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

func insertMessages(t *testing.T, st store.Store, n int, at time.Time) []int64 {
	t.Helper()
	var ids []int64
	err := st.Update(ctx, func(tx store.Tx) error {
		for i := range n {
			m := &store.Message{Message: reconi.Message{Channel: reconi.ChannelEmail, To: fmt.Sprintf("user%d@example.com", i),
				Subject: "Invitation", Body: "secret link", State: reconi.MessagePending, CreatedAt: at},
				Redacted: "link", NextAttemptAt: at}
			if err := tx.InsertMessage(m); err != nil {
				return err
			}
			ids = append(ids, m.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// testClaimMessages: dispatchers on two stores claim in small batches at
// once; every message is claimed by exactly one of them.
func testClaimMessages(t *testing.T, stores func(int) []store.Store) {
	sts := stores(2)
	const n, workers, batch = 300, 6, 7
	ids := insertMessages(t, sts[0], n, t0)
	claimed := make([][]int64, workers)
	parallel(t, workers, func(i int) error {
		for {
			var ms []store.Message
			err := sts[i%2].Update(ctx, func(tx store.Tx) (err error) {
				ms, err = tx.ClaimMessages(t0, t0.Add(time.Minute), batch)
				return err
			})
			if err != nil {
				return err
			}
			if len(ms) == 0 {
				return nil
			}
			if len(ms) > batch {
				return fmt.Errorf("claimed %d messages with a limit of %d", len(ms), batch)
			}
			for _, m := range ms {
				if !m.LockedUntil.Equal(t0.Add(time.Minute).Truncate(time.Microsecond)) || m.Body != "secret link" {
					return fmt.Errorf("claimed message %+v: want the lease and the body", m)
				}
				claimed[i] = append(claimed[i], m.ID)
			}
		}
	})
	seen := map[int64]int{}
	for _, c := range claimed {
		for _, id := range c {
			seen[id]++
		}
	}
	for _, id := range ids {
		if seen[id] != 1 {
			t.Errorf("message %d claimed %d times, want once", id, seen[id])
		}
	}
	if len(seen) != n {
		t.Errorf("%d messages claimed, want %d", len(seen), n)
	}
	// Once the lease ran out, a message is due again.
	var again []store.Message
	if err := sts[1].Update(ctx, func(tx store.Tx) (err error) {
		again, err = tx.ClaimMessages(t0.Add(2*time.Minute), t0.Add(3*time.Minute), n+1)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(again) != n {
		t.Fatalf("after the lease, %d messages claimed again, want %d", len(again), n)
	}
}

func testFinishMessage(t *testing.T, stores func(int) []store.Store) {
	st := stores(1)[0]
	insertMessages(t, st, 1, t0)
	claim := func(now time.Time) store.Message {
		t.Helper()
		var ms []store.Message
		if err := st.Update(ctx, func(tx store.Tx) (err error) { ms, err = tx.ClaimMessages(now, now.Add(time.Minute), 10); return err }); err != nil || len(ms) != 1 {
			t.Fatalf("claim at %v: %d messages, %v", now, len(ms), err)
		}
		return ms[0]
	}
	first := claim(t0)
	// The first dispatcher stalls past its lease; a second claims it.
	second := claim(t0.Add(2 * time.Minute))
	sent := t0.Add(2 * time.Minute)
	second.State, second.SentAt, second.Attempts = reconi.MessageSent, &sent, 1
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.FinishMessage(second) }); err != nil {
		t.Fatalf("the owner's outcome: %v", err)
	}
	first.State, first.Attempts, first.LastError = reconi.MessagePending, 1, "timeout"
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.FinishMessage(first) }); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("an outcome under a lost lease: %v, want ErrConflict", err)
	}
	var m *store.Message
	if err := st.View(ctx, func(tx store.Tx) (err error) { m, err = tx.MessageByID(first.ID); return err }); err != nil {
		t.Fatal(err)
	}
	if m.State != reconi.MessageSent || m.Body != "link" || m.LastError != "" || m.LockedUntil.UnixMicro() != 0 {
		t.Fatalf("message after both outcomes: %+v; want the owner's (sent, body redacted)", m)
	}
}

// testRequeueMessage: a failed message goes back to pending, due and
// claimable, with no attempts or error; requeueing it twice at once from
// two stores succeeds once.
func testRequeueMessage(t *testing.T, stores func(int) []store.Store) {
	sts := stores(2)
	id := insertMessages(t, sts[0], 1, t0)[0]
	var ms []store.Message
	if err := sts[0].Update(ctx, func(tx store.Tx) (err error) { ms, err = tx.ClaimMessages(t0, t0.Add(time.Minute), 1); return err }); err != nil || len(ms) != 1 {
		t.Fatalf("claim: %d messages, %v", len(ms), err)
	}
	failed := ms[0]
	failed.State, failed.Attempts, failed.LastError = reconi.MessageFailed, 5, "550 mailbox unavailable"
	if err := sts[0].Update(ctx, func(tx store.Tx) error { return tx.FinishMessage(failed) }); err != nil {
		t.Fatal(err)
	}

	later := t0.Add(time.Hour)
	if err := sts[0].Update(ctx, func(tx store.Tx) error {
		ok, err := tx.RequeueMessage(id, reconi.MessageKept, later)
		if err == nil && ok {
			return errors.New("requeued from kept, but the message is failed")
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	oks := make([]bool, 2)
	parallel(t, 2, func(i int) error {
		return sts[i].Update(ctx, func(tx store.Tx) (err error) {
			oks[i], err = tx.RequeueMessage(id, reconi.MessageFailed, later)
			return err
		})
	})
	if count(oks) != 1 {
		t.Fatalf("requeued by %d of two concurrent calls, want 1", count(oks))
	}
	var m *store.Message
	if err := sts[1].View(ctx, func(tx store.Tx) (err error) { m, err = tx.MessageByID(id); return err }); err != nil {
		t.Fatal(err)
	}
	if m.State != reconi.MessagePending || m.Attempts != 0 || m.LastError != "" || m.Body != "secret link" ||
		!m.NextAttemptAt.Equal(later.Truncate(time.Microsecond)) || m.LockedUntil.UnixMicro() != 0 {
		t.Fatalf("requeued message: %+v; want pending, due at %v, no attempts or error, body kept", m, later)
	}
	if err := sts[1].Update(ctx, func(tx store.Tx) (err error) {
		ms, err = tx.ClaimMessages(later, later.Add(time.Minute), 10)
		return err
	}); err != nil || len(ms) != 1 {
		t.Fatalf("claim after requeue: %d messages, %v; want it due", len(ms), err)
	}
}

func testIdempotencyKey(t *testing.T, stores func(int) []store.Store) {
	sts := stores(2)
	const n = 8
	prior := make([]*store.IdempotencyRecord, n)
	parallel(t, n, func(i int) error {
		return sts[i%2].Update(ctx, func(tx store.Tx) (err error) {
			prior[i], err = tx.ClaimIdempotencyKey(store.IdempotencyRecord{TokenID: 7, Key: "k", Fingerprint: "fp", CreatedAt: t0})
			return err
		})
	})
	owners := 0
	for _, p := range prior {
		switch {
		case p == nil:
			owners++
		case p.State != "pending" || p.Fingerprint != "fp" || p.TokenID != 7 || !p.CreatedAt.Equal(t0.Truncate(time.Microsecond)):
			t.Errorf("the record a later claim found: %+v", p)
		}
	}
	if owners != 1 {
		t.Fatalf("%d of %d concurrent claims of one key own it, want 1", owners, n)
	}
	// Another token may use the same key.
	if err := sts[0].Update(ctx, func(tx store.Tx) error {
		p, err := tx.ClaimIdempotencyKey(store.IdempotencyRecord{TokenID: 8, Key: "k", Fingerprint: "other", CreatedAt: t0})
		if err == nil && p != nil {
			err = fmt.Errorf("another token's key was found: %+v", p)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := sts[1].Update(ctx, func(tx store.Tx) error {
		return tx.CompleteIdempotencyKey(store.IdempotencyRecord{TokenID: 7, Key: "k", Status: 201, Body: `{"id":1}`})
	}); err != nil {
		t.Fatal(err)
	}
	// A completed key is kept: Release only frees a pending one.
	if err := sts[0].Update(ctx, func(tx store.Tx) error { return tx.ReleaseIdempotencyKey(7, "k") }); err != nil {
		t.Fatal(err)
	}
	if err := sts[0].Update(ctx, func(tx store.Tx) error {
		p, err := tx.ClaimIdempotencyKey(store.IdempotencyRecord{TokenID: 7, Key: "k", Fingerprint: "fp", CreatedAt: t0})
		if err == nil && (p == nil || p.State != "done" || p.Status != 201 || p.Body != `{"id":1}`) {
			err = fmt.Errorf("the completed key: %+v, want done, 201 and the body", p)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

func testOTPAttempts(t *testing.T, stores func(int) []store.Store) {
	sts := stores(2)
	_, ids := fixture(t, sts[0], 1)
	if err := sts[0].Update(ctx, func(tx store.Tx) error {
		return tx.PutOTP(store.OTP{UserID: ids[0], CodeHash: "salt:hash", ExpiresAt: t0.Add(10 * time.Minute), SentAt: t0, WindowStart: t0, WindowSends: 1})
	}); err != nil {
		t.Fatal(err)
	}
	const n = 10
	got := make([]int, n)
	parallel(t, n, func(i int) error {
		return sts[i%2].Update(ctx, func(tx store.Tx) (err error) {
			got[i], err = tx.CountOTPAttempt(ids[0])
			return err
		})
	})
	slices.Sort(got)
	for i, c := range got {
		if c != i+1 {
			t.Fatalf("counts returned %v, want each of 1..%d once", got, n)
		}
	}
	var o *store.OTP
	if err := sts[1].View(ctx, func(tx store.Tx) (err error) { o, err = tx.OTP(ids[0]); return err }); err != nil {
		t.Fatal(err)
	}
	if o == nil || o.Attempts != n || o.CodeHash != "salt:hash" || o.WindowSends != 1 || !o.ExpiresAt.Equal(t0.Add(10*time.Minute).Truncate(time.Microsecond)) {
		t.Fatalf("OTP after %d wrong tries: %+v", n, o)
	}
	// A new code starts over.
	if err := sts[1].Update(ctx, func(tx store.Tx) error {
		return tx.PutOTP(store.OTP{UserID: ids[0], CodeHash: "salt2:hash2", ExpiresAt: t0.Add(time.Hour), SentAt: t0.Add(time.Minute), WindowStart: t0, WindowSends: 2})
	}); err != nil {
		t.Fatal(err)
	}
	if err := sts[0].View(ctx, func(tx store.Tx) (err error) { o, err = tx.OTP(ids[0]); return err }); err != nil || o.Attempts != 0 || o.WindowSends != 2 {
		t.Fatalf("OTP after a new code: %+v, %v", o, err)
	}
}

func testApplications(t *testing.T, stores func(int) []store.Store) {
	st := stores(1)[0]
	a1, _ := fixture(t, st, 3)
	a2, _ := fixture(t, st, 2)
	if err := st.Update(ctx, func(tx store.Tx) error {
		_, err := tx.AdvanceUsers(a2, reconi.UserDraft, reconi.UserInvited, t0.Add(time.Hour), store.EventInfo{Actor: "t", Reason: "invited", At: t0})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	list := func(f store.ApplicationFilter) []reconi.ApplicationSummary {
		t.Helper()
		var out []reconi.ApplicationSummary
		if err := st.View(ctx, func(tx store.Tx) (err error) { out, err = tx.Applications(f); return err }); err != nil {
			t.Fatal(err)
		}
		return out
	}
	all := list(store.ApplicationFilter{})
	if len(all) != 2 || all[0].ID != a1 || all[1].ID != a2 {
		t.Fatalf("Applications() = %+v, want %d and %d in order", all, a1, a2)
	}
	if all[0].UsersTotal != 3 || all[0].UsersByState[reconi.UserDraft] != 3 || all[1].UsersByState[reconi.UserInvited] != 2 ||
		all[0].Organization.Name != "Org A B.V." {
		t.Fatalf("counts by state: %+v", all)
	}
	if got := list(store.ApplicationFilter{UserState: reconi.UserInvited}); len(got) != 1 || got[0].ID != a2 {
		t.Fatalf("applications with invited users: %+v, want %d", got, a2)
	}
	if got := list(store.ApplicationFilter{Email: "USER2@example.com"}); len(got) != 1 || got[0].ID != a1 {
		t.Fatalf("applications of user2: %+v, want %d", got, a1)
	}
	if got := list(store.ApplicationFilter{Orgs: []reconi.KVK{}}); len(got) != 0 {
		t.Fatalf("applications of no organisation: %+v", got)
	}
	if got := list(store.ApplicationFilter{Orgs: []reconi.KVK{kvk, "68750110"}}); len(got) != 2 {
		t.Fatalf("applications of the token's organisations: %+v", got)
	}
}

func testDeadlines(t *testing.T, stores func(int) []store.Store) {
	st := stores(1)[0]
	appID, _ := fixture(t, st, 5)
	if err := st.Update(ctx, func(tx store.Tx) error {
		_, err := tx.AdvanceUsers(appID, reconi.UserDraft, reconi.UserInvited, t0.Add(time.Hour), store.EventInfo{Actor: "t", Reason: "invited", At: t0})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	err := st.View(ctx, func(tx store.Tx) error {
		if n, err := tx.CountUsersPastDeadline(t0.Add(time.Hour)); err != nil || n != 0 {
			return fmt.Errorf("past deadline at the deadline: %d, %v; want 0", n, err)
		}
		n, err := tx.CountUsersPastDeadline(t0.Add(time.Hour + time.Microsecond))
		if err != nil || n != 5 {
			return fmt.Errorf("past deadline after it: %d, %v; want 5", n, err)
		}
		users, err := tx.UsersPastDeadline(t0.Add(2*time.Hour), 3)
		if err != nil || len(users) != 3 || users[0].State != reconi.UserInvited || users[0].DeadlineAt == nil {
			return fmt.Errorf("UsersPastDeadline with a limit of 3: %+v, %v", users, err)
		}
		events, err := tx.Events(appID, 0, 0)
		if err != nil || len(events) != 5 {
			return fmt.Errorf("events of AdvanceUsers: %d, %v; want one per user", len(events), err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
