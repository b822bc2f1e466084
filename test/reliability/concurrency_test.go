//go:build unix

package reliability

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

// runAll starts every command at once, waits for all (each within
// timeout) and fails the test unless each exited 0 without "database is
// locked". It returns the wall time of the whole batch and the slowest
// process's.
func runAll(t *testing.T, e *env, timeout time.Duration, cmds [][]string) (wall, slowest time.Duration) {
	t.Helper()
	results := make([]result, len(cmds))
	var wg sync.WaitGroup
	start := time.Now()
	for i, args := range cmds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = e.runNoFatal(timeout, args...)
		}()
	}
	wg.Wait()
	wall = time.Since(start)
	for _, r := range results {
		if r.code != 0 {
			t.Errorf("%v", r)
		}
		noLocked(t, r)
		slowest = max(slowest, r.elapsed)
	}
	if t.Failed() {
		t.FailNow()
	}
	return wall, slowest
}

// runNoFatal is run for other goroutines than the test's: a process that
// does not end within timeout is killed and reported as exit -1.
func (e *env) runNoFatal(timeout time.Duration, args ...string) result {
	cmd, stdout, stderr := e.command(args...)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return result{args: args, code: -1, stderr: err.Error()}
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(timeout):
		cmd.Process.Kill()
		<-done
		stderr.WriteString(fmt.Sprintf("\n(killed: still running after %s)", timeout))
	}
	return finished(args, cmd, stdout, stderr, time.Since(start))
}

// TestConcurrentImports runs eight (-short: four) `reconi users import` processes on one
// SQLite file at once, first into eight drafts, then into one draft with
// disjoint users: every one must succeed, and every row must be there.
func TestConcurrentImports(t *testing.T) {
	t.Parallel()
	sz := sizes()
	n, processes := sz.ConcurrentRows, sz.Processes
	e := newEnv(t)
	csvs := make([]string, processes)
	for i := range csvs {
		csvs[i] = filepath.Join(e.dir, fmt.Sprintf("users-%d.csv", i))
		writeCSV(t, csvs[i], i*n, n)
	}

	t.Run("separate drafts", func(t *testing.T) {
		e := e.at(filepath.Join(e.dir, "separate.db"))
		drafts := make([]int64, processes)
		drafts[0] = newOrgDraft(t, e, "12345678")
		for i := 1; i < processes; i++ {
			drafts[i] = newDraft(t, e, "12345678")
		}
		cmds := make([][]string, processes)
		for i := range cmds {
			cmds[i] = []string{"users", "import", csvs[i], "--draft", strconv.FormatInt(drafts[i], 10)}
		}
		wall, slowest := runAll(t, e, 10*time.Minute, cmds)
		inspect(t, e.db, func(db *sql.DB) {
			for _, d := range drafts {
				if got := count(t, db, "SELECT count(*) FROM users WHERE application_id = ?", d); got != n {
					t.Errorf("draft %d: %d users, want %d", d, got, n)
				}
			}
			if got := count(t, db, "SELECT count(*) FROM users"); got != processes*n {
				t.Errorf("%d users in the file, want %d", got, processes*n)
			}
		})
		report(t, "%d processes x %d rows into %d drafts: all exited 0, no \"database is locked\", %d users; %s wall (slowest process %s)",
			processes, n, processes, processes*n, wall.Round(time.Millisecond), slowest.Round(time.Millisecond))
	})

	t.Run("one draft", func(t *testing.T) {
		e := e.at(filepath.Join(e.dir, "shared.db"))
		draft := newOrgDraft(t, e, "12345678")
		cmds := make([][]string, processes)
		for i := range cmds {
			cmds[i] = []string{"users", "import", csvs[i], "--draft", strconv.FormatInt(draft, 10)}
		}
		wall, slowest := runAll(t, e, 10*time.Minute, cmds)
		inspect(t, e.db, func(db *sql.DB) {
			if got := count(t, db, "SELECT count(*) FROM users WHERE application_id = ?", draft); got != processes*n {
				t.Errorf("draft %d: %d users, want %d", draft, got, processes*n)
			}
			if got := count(t, db, "SELECT count(DISTINCT email_key) FROM users WHERE application_id = ?", draft); got != processes*n {
				t.Errorf("draft %d: %d distinct emails, want %d", draft, got, processes*n)
			}
			if got := count(t, db, "SELECT count(*) FROM events WHERE application_id = ? AND reason LIKE '% users imported from CSV'", draft); got != processes {
				t.Errorf("draft %d: %d import events, want %d", draft, got, processes)
			}
		})
		report(t, "%d processes x %d disjoint rows into one draft: all exited 0, no \"database is locked\", %d users; %s wall (slowest process %s)",
			processes, n, processes*n, wall.Round(time.Millisecond), slowest.Round(time.Millisecond))
	})
}

// TestConcurrentApply runs eight (-short: four) `reconi apply` on as many drafts of one
// SQLite file at once: each must submit its draft whole.
func TestConcurrentApply(t *testing.T) {
	t.Parallel()
	sz := sizes()
	m, processes := sz.ConcurrentApplyUsers, sz.Processes
	e := newEnv(t)
	drafts := make([]int64, processes)
	for i := range drafts {
		if i == 0 {
			drafts[i] = newOrgDraft(t, e, "12345678")
		} else {
			drafts[i] = newDraft(t, e, "12345678")
		}
		id := strconv.FormatInt(drafts[i], 10)
		csv := filepath.Join(e.dir, fmt.Sprintf("users-%d.csv", i))
		writeCSV(t, csv, i*m, m)
		e.must(t, 5*time.Minute, "users", "import", csv, "--draft", id)
		e.must(t, time.Minute, "permissions", "set", "--all-services", "--validity", "3y", "--draft", id)
	}
	cmds := make([][]string, processes)
	for i, d := range drafts {
		cmds[i] = []string{"apply", "--draft", strconv.FormatInt(d, 10), "--agree-terms"}
	}
	wall, slowest := runAll(t, e, 10*time.Minute, cmds)
	inspect(t, e.db, func(db *sql.DB) {
		for _, d := range drafts {
			if got := applyState(t, db, d, m); got != "submitted" {
				t.Errorf("application %d: %s", d, got)
			}
		}
		if got := count(t, db, "SELECT count(*) FROM outbox"); got != processes*m {
			t.Errorf("%d outbox rows, want %d", got, processes*m)
		}
	})
	report(t, "%d applies of %d users each at once: all exited 0, no \"database is locked\", %d users invited with %d invitations and emails; %s wall (slowest process %s)",
		processes, m, processes*m, processes*m, wall.Round(time.Millisecond), slowest.Round(time.Millisecond))
}
