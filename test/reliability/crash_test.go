//go:build unix

package reliability

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// killTimeout is how long a process may take to die after SIGKILL.
const killTimeout = 30 * time.Second

// crashLoop runs one reference run of the command on a copy of template,
// to learn how long it takes here and when its transaction commits
// (committed is polled on a read-only connection), then kills copies of it
// at random moments until kills SIGKILLs landed (at most three attempts per
// kill). Half the moments are drawn from the whole run, half from the part
// before the commit (plus a fifth), where a half-written transaction would
// show. After each kill, check inspects the file and returns the outcome
// (complete, the state a run that finished leaves, or the state before it);
// next runs the command that must work afterwards.
func crashLoop(t *testing.T, e *env, template string, kills int, args []string, complete string,
	committed func(t *testing.T, db *sql.DB) bool,
	check func(t *testing.T, db string) string, next func(t *testing.T, it *env, outcome string)) {
	t.Helper()
	rnd, seed := newRand(t)

	ref := e.at(filepath.Join(e.dir, "reference.db"))
	copyDB(t, template, ref.db)
	window, commit := reference(t, ref, args, committed)
	if got := check(t, ref.db); got != complete {
		t.Fatalf("the reference run left %q, want %q", got, complete)
	}
	early := min(window, commit+commit/5)
	t.Logf("reference run: %s, committed after about %s; kills land in [0, %s) or [0, %s)",
		window.Round(time.Millisecond), commit.Round(time.Millisecond), window.Round(time.Millisecond), early.Round(time.Millisecond))
	removeDB(ref.db)

	outcomes := map[string]int{}
	var delays []string
	landed, attempts, finishedFirst := 0, 0, 0
	start := time.Now()
	for landed < kills && attempts < 3*kills {
		attempts++
		it := e.at(filepath.Join(e.dir, fmt.Sprintf("kill-%02d.db", attempts)))
		copyDB(t, template, it.db)
		span := window
		if attempts%2 == 0 {
			span = early
		}
		delay := time.Duration(rnd.Int64N(int64(span)))
		r, killed := it.killAfter(t, delay, killTimeout, args...)
		if !killed {
			// It finished before the signal: not a kill, but it must have
			// worked.
			if r.code != 0 {
				t.Fatalf("attempt %d (kill at %s came too late): %v", attempts, delay, r)
			}
			noLocked(t, r)
			finishedFirst++
			removeDB(it.db)
			continue
		}
		landed++
		outcome := check(t, it.db)
		outcomes[outcome]++
		delays = append(delays, fmt.Sprintf("%dms:%s", delay.Milliseconds(), outcome))
		t.Logf("kill %d at %s: %s", landed, delay.Round(time.Millisecond), outcome)
		next(t, it, outcome)
		removeDB(it.db)
	}
	if landed < kills {
		t.Fatalf("only %d of %d kills landed in %d attempts (%d finished first)", landed, kills, attempts, finishedFirst)
	}
	report(t, "%d SIGKILLs (%d attempts, %d finished before the signal), seed %d, reference run %s (commit after about %s), outcomes %v, %s in all; kill moments: %s",
		landed, attempts, finishedFirst, seed, window.Round(time.Millisecond), commit.Round(time.Millisecond), outcomes,
		time.Since(start).Round(time.Second), strings.Join(delays, " "))
}

// reference runs the command to its end, polling the file every 5ms, and
// returns how long it took and when committed first held.
func reference(t *testing.T, e *env, args []string, committed func(t *testing.T, db *sql.DB) bool) (elapsed, commit time.Duration) {
	t.Helper()
	db := openRO(t, e.db)
	defer db.Close()
	cmd, stdout, stderr := e.command(args...)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	deadline := time.After(10 * time.Minute)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
wait:
	for {
		select {
		case <-done:
			break wait
		case <-deadline:
			cmd.Process.Kill()
			<-done
			t.Fatalf("the reference run of reconi %s took over 10 minutes", strings.Join(args, " "))
		case <-tick.C:
			if commit == 0 && committed(t, db) {
				commit = time.Since(start)
			}
		}
	}
	r := finished(args, cmd, stdout, stderr, time.Since(start))
	if r.code != 0 {
		t.Fatalf("reference run: %v", r)
	}
	noLocked(t, r)
	if commit == 0 {
		commit = r.elapsed
	}
	return r.elapsed, commit
}

func removeDB(path string) {
	for _, s := range []string{"", "-wal", "-shm"} {
		os.Remove(path + s)
	}
}

// TestCrashImport kills `reconi users import` at random moments: the file
// must pass integrity_check, hold none or all of the rows, and the next
// import must work.
func TestCrashImport(t *testing.T) {
	// Not parallel: the kill moments are drawn from a reference run,
	// which other tests beside it would make longer or shorter.
	sz := sizes()
	e := newEnv(t)
	template := filepath.Join(e.dir, "template.db")
	draft := newOrgDraft(t, e.at(template), "12345678")
	csv := filepath.Join(e.dir, "users.csv")
	writeCSV(t, csv, 0, sz.ImportRows)
	args := []string{"users", "import", csv, "--draft", strconv.FormatInt(draft, 10)}

	check := func(t *testing.T, db string) string {
		t.Helper()
		var outcome string
		inspect(t, db, func(db *sql.DB) {
			users := count(t, db, "SELECT count(*) FROM users WHERE application_id = ?", draft)
			events := count(t, db, "SELECT count(*) FROM events WHERE application_id = ? AND reason LIKE '% users imported from CSV'", draft)
			switch {
			case users == 0 && events == 0:
				outcome = "none"
			case users == sz.ImportRows && events == 1:
				outcome = "all"
			default:
				t.Fatalf("%d users and %d import events in the draft: want 0 and 0, or %d and 1", users, events, sz.ImportRows)
			}
		})
		return outcome
	}
	next := func(t *testing.T, it *env, outcome string) {
		t.Helper()
		r := it.run(t, 5*time.Minute, args...)
		noLocked(t, r)
		if outcome == "none" {
			// Nothing was written: importing again adds every row.
			if r.code != 0 || !strings.Contains(r.stderr, fmt.Sprintf("Added %d users", sz.ImportRows)) {
				t.Fatalf("importing again after the kill: %v", r)
			}
		} else {
			// Everything was written: every row of the same file is now a
			// duplicate, reported as invalid, and nothing changes.
			if r.code != 3 || !strings.Contains(r.stderr, "no user was added") {
				t.Fatalf("importing again after a kill that came after the commit: want exit 3 (duplicates), got %v", r)
			}
		}
		if got := check(t, it.db); got != "all" {
			t.Fatalf("after importing again: %s", got)
		}
	}
	committed := func(t *testing.T, db *sql.DB) bool {
		return count(t, db, "SELECT count(*) FROM events WHERE application_id = ? AND reason LIKE '% users imported from CSV'", draft) > 0
	}
	crashLoop(t, e, template, sz.Kills, args, "all", committed, check, next)
}

// TestCrashApply kills `reconi apply` of a large draft at random moments:
// the draft is still a draft with nothing sent, or submitted with every
// user invited once, and applying again (with the same idempotency key, as
// a pipeline retries) works.
func TestCrashApply(t *testing.T) {
	// Not parallel: the kill moments are drawn from a reference run,
	// which other tests beside it would make longer or shorter.
	sz := sizes()
	e := newEnv(t)
	template := filepath.Join(e.dir, "template.db")
	tpl := e.at(template)
	draft := newOrgDraft(t, tpl, "12345678")
	id := strconv.FormatInt(draft, 10)
	csv := filepath.Join(e.dir, "users.csv")
	writeCSV(t, csv, 0, sz.ApplyUsers)
	tpl.must(t, 5*time.Minute, "users", "import", csv, "--draft", id)
	tpl.must(t, time.Minute, "permissions", "set", "--all-services", "--validity", "3y", "--draft", id)
	args := []string{"apply", "--draft", id, "--agree-terms", "--idempotency-key", "reliability-crash"}

	check := func(t *testing.T, db string) string {
		t.Helper()
		outcome := ""
		inspect(t, db, func(db *sql.DB) {
			outcome = applyState(t, db, draft, sz.ApplyUsers)
		})
		return outcome
	}
	next := func(t *testing.T, it *env, outcome string) {
		t.Helper()
		it.must(t, 5*time.Minute, args...)
		if got := check(t, it.db); got != "submitted" {
			t.Fatalf("after applying again: the application is a %s", got)
		}
	}
	committed := func(t *testing.T, db *sql.DB) bool {
		return count(t, db, "SELECT count(*) FROM applications WHERE id = ? AND state = 'submitted'", draft) > 0
	}
	crashLoop(t, e, template, sz.Kills, args, "submitted", committed, check, next)
}

// applyState checks that the application is in one of the two states an
// apply may leave it in, and returns which: "draft" (no user invited,
// nothing in the outbox) or "submitted" (every one of the users invited,
// with one invitation and one email each).
func applyState(t *testing.T, db *sql.DB, app int64, users int) string {
	t.Helper()
	var state string
	if err := db.QueryRow("SELECT state FROM applications WHERE id = ?", app).Scan(&state); err != nil {
		t.Fatalf("application %d: %v", app, err)
	}
	total := count(t, db, "SELECT count(*) FROM users WHERE application_id = ?", app)
	drafted := count(t, db, "SELECT count(*) FROM users WHERE application_id = ? AND state = 'draft'", app)
	invited := count(t, db, "SELECT count(*) FROM users WHERE application_id = ? AND state = 'invited'", app)
	invitations := count(t, db, "SELECT count(*) FROM invitations i JOIN users u ON u.id = i.user_id WHERE u.application_id = ?", app)
	outbox := count(t, db, "SELECT count(*) FROM outbox WHERE application_id = ?", app)
	emailed := count(t, db, "SELECT count(DISTINCT o.user_id) FROM outbox o JOIN users u ON u.id = o.user_id WHERE o.application_id = ? AND u.application_id = o.application_id AND o.channel = 'email'", app)
	submittedEv := count(t, db, "SELECT count(*) FROM events WHERE application_id = ? AND to_state = 'submitted'", app)
	invitedEv := count(t, db, "SELECT count(*) FROM events WHERE application_id = ? AND to_state = 'invited'", app)
	got := fmt.Sprintf("state %s, %d users (%d draft, %d invited), %d invitations, %d outbox rows for %d users, %d submit and %d invite events",
		state, total, drafted, invited, invitations, outbox, emailed, submittedEv, invitedEv)
	if total != users {
		t.Fatalf("application %d: %s; want %d users", app, got, users)
	}
	switch {
	case state == "draft" && drafted == users && invitations == 0 && outbox == 0 && submittedEv == 0 && invitedEv == 0:
		return "draft"
	case state == "submitted" && invited == users && invitations == users && outbox == users && emailed == users &&
		submittedEv == 1 && invitedEv == users:
		return "submitted"
	}
	t.Fatalf("application %d is half applied: %s", app, got)
	return ""
}
