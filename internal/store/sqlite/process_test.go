package sqlite_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/service"
	"github.com/reconi/reconi/internal/store/sqlite"
)

// Two reconi processes on one file must never fail with "database is
// locked". These tests start copies of the test binary as those processes
// (the helper-process pattern of os/exec's own tests): TestHelperProcess is
// what each copy runs.

const (
	helperEnv   = "RECONI_SQLITE_HELPER" // "write" or "open"
	helperDB    = "RECONI_SQLITE_HELPER_DB"
	helperIndex = "RECONI_SQLITE_HELPER_INDEX"

	processes = 8
	// drafts each writer process starts, and users it adds to each.
	draftsPerProcess = 10
	usersPerDraft    = 3
	// kvkShared is the organisation every writer works for.
	kvkShared = "69599084"
)

var local = reconi.WithActor(context.Background(), reconi.Actor{Name: "process-test", Role: reconi.RoleLocal})

// TestHelperProcess is not a test: it is the body of a helper process.
func TestHelperProcess(t *testing.T) {
	mode := os.Getenv(helperEnv)
	if mode == "" {
		t.Skip("the body of the helper processes of the multi-process tests")
	}
	index, _ := strconv.Atoi(os.Getenv(helperIndex))
	if err := helper(mode, os.Getenv(helperDB), index); err != nil {
		fmt.Fprintf(os.Stderr, "helper %d: %v\n", index, err)
		os.Exit(2)
	}
	os.Exit(0)
}

// ready tells the parent the helper is at the starting line, and waits for
// the parent to close stdin: the start signal, given to all at once.
func ready() error {
	if _, err := fmt.Println("ready"); err != nil {
		return err
	}
	_, err := io.Copy(io.Discard, os.Stdin)
	return err
}

func helper(mode, path string, index int) error {
	ctx := context.Background()
	if mode == "open" {
		// Race the others to create and migrate a brand-new file.
		if err := ready(); err != nil {
			return err
		}
	}
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		return err
	}
	defer st.Close()
	svc, err := service.New(ctx, st)
	if err != nil {
		return err
	}
	switch mode {
	case "open":
		kvk := fmt.Sprintf("%08d", 10000000+index)
		if _, err := svc.RegisterOrganization(local, reconi.NewOrganization{KVK: kvk, Name: "Org " + kvk}); err != nil {
			return err
		}
		a, err := svc.CreateDraft(local, reconi.NewDraft{KVK: kvk, Level: "EH3"})
		if err != nil {
			return err
		}
		_, err = svc.AddUser(local, a.ID, helperUser(index, 0, 0))
		return err
	case "write":
		if err := ready(); err != nil {
			return err
		}
		for d := range draftsPerProcess {
			a, err := svc.CreateDraft(local, reconi.NewDraft{KVK: kvkShared, Level: "EH2+"})
			if err != nil {
				return fmt.Errorf("draft %d: %w", d, err)
			}
			for u := range usersPerDraft {
				if _, err := svc.AddUser(local, a.ID, helperUser(index, d, u)); err != nil {
					return fmt.Errorf("draft %d, user %d: %w", d, u, err)
				}
			}
			// A read between writes, as a command does.
			if _, err := svc.Application(local, a.ID); err != nil {
				return fmt.Errorf("draft %d: reading: %w", d, err)
			}
		}
		return nil
	}
	return fmt.Errorf("unknown mode %q", mode)
}

func helperUser(process, draft, user int) reconi.NewUser {
	employed := user%2 == 0
	return reconi.NewUser{
		FirstName: fmt.Sprintf("P%d", process), LastName: fmt.Sprintf("D%d U%d", draft, user),
		Email:    fmt.Sprintf("p%d.d%d.u%d@example.nl", process, draft, user),
		Phone:    fmt.Sprintf("06 %08d", 10000000+process*1000+draft*10+user),
		Employed: &employed,
	}
}

// runHelpers starts n helper processes in mode on the file at path, lets
// them all go at once, and fails the test if any of them fails.
func runHelpers(t *testing.T, mode, path string, n int) {
	t.Helper()
	type proc struct {
		cmd    *exec.Cmd
		stdin  io.WriteCloser
		stderr bytes.Buffer
	}
	procs := make([]*proc, n)
	for i := range procs {
		p := &proc{cmd: exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")}
		p.cmd.Env = append(os.Environ(), helperEnv+"="+mode, helperDB+"="+path, helperIndex+"="+strconv.Itoa(i))
		p.cmd.Stderr = &p.stderr
		var err error
		if p.stdin, err = p.cmd.StdinPipe(); err != nil {
			t.Fatal(err)
		}
		stdout, err := p.cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := p.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		procs[i] = p
		t.Cleanup(func() {
			// Only if the test stopped before waiting for it.
			if p.cmd.ProcessState == nil {
				p.cmd.Process.Kill()
				p.cmd.Wait()
			}
		})
		line, err := bufio.NewReader(stdout).ReadString('\n')
		if strings.TrimSpace(line) != "ready" {
			p.stdin.Close()
			p.cmd.Wait()
			t.Fatalf("helper %d did not get ready: %q, %v\n%s", i, line, err, p.stderr.String())
		}
	}
	// Everyone is at the starting line: go.
	for _, p := range procs {
		p.stdin.Close()
	}
	for i, p := range procs {
		err := p.cmd.Wait()
		out := p.stderr.String()
		if strings.Contains(out, "locked") || strings.Contains(out, "SQLITE_BUSY") {
			t.Errorf("helper %d: the database was locked:\n%s", i, out)
		}
		if err != nil {
			t.Errorf("helper %d failed: %v\n%s", i, err, out)
		}
	}
}

func TestProcessesWriteConcurrently(t *testing.T) {
	path := filepath.Join(t.TempDir(), "reconi.db")
	st := open(t, path)
	svc, err := service.New(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.RegisterOrganization(local, reconi.NewOrganization{KVK: kvkShared, Name: "Shared"}); err != nil {
		t.Fatal(err)
	}

	runHelpers(t, "write", path, processes)

	apps, err := reconi.AllApplications(local, svc, reconi.ApplicationFilter{KVK: kvkShared})
	if err != nil {
		t.Fatal(err)
	}
	if len(apps) != processes*draftsPerProcess {
		t.Fatalf("%d applications, want %d", len(apps), processes*draftsPerProcess)
	}
	for _, a := range apps {
		if a.UsersTotal != usersPerDraft || a.UsersByState[reconi.UserDraft] != usersPerDraft {
			t.Errorf("application %d has %d users (%v), want %d drafts", a.ID, a.UsersTotal, a.UsersByState, usersPerDraft)
		}
	}
	users, err := reconi.AllUsers(local, svc, reconi.UserFilter{KVK: kvkShared})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for p := range processes {
		for d := range draftsPerProcess {
			for u := range usersPerDraft {
				want[helperUser(p, d, u).Email] = true
			}
		}
	}
	if len(users) != len(want) {
		t.Fatalf("%d users, want %d", len(users), len(want))
	}
	for _, u := range users {
		if !want[u.Email] {
			t.Errorf("unexpected or repeated user %s", u.Email)
		}
		delete(want, u.Email)
	}
	// Every draft's history: started, and each user added.
	var events int
	if err := st.DB().QueryRow(`SELECT COUNT(*) FROM events`).Scan(&events); err != nil {
		t.Fatal(err)
	}
	if wantEvents := processes * draftsPerProcess * (1 + usersPerDraft); events != wantEvents {
		t.Errorf("%d events, want %d", events, wantEvents)
	}
}

func TestProcessesCreateANewFileConcurrently(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new", "reconi.db")

	runHelpers(t, "open", path, processes)

	st := open(t, path)
	if v := gooseVersions(t, st); len(v) != migrationFiles(t) {
		t.Errorf("applied versions %v, want each of %d migrations once", v, migrationFiles(t))
	}
	count := func(q string) int {
		t.Helper()
		var n int
		if err := st.DB().QueryRow(q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// The defaults were loaded by exactly one of them.
	if n := count(`SELECT COUNT(*) FROM price_lists`); n != 1 {
		t.Errorf("%d price lists, want the default once", n)
	}
	if n := count(`SELECT COUNT(*) FROM providers`); n != 5 {
		t.Errorf("%d providers, want the 5 of the default catalogue", n)
	}
	if n := count(`SELECT COUNT(*) FROM organizations`); n != processes {
		t.Errorf("%d organisations, want %d", n, processes)
	}
	if n := count(`SELECT COUNT(*) FROM applications`); n != processes {
		t.Errorf("%d applications, want %d", n, processes)
	}
	if n := count(`SELECT COUNT(*) FROM users`); n != processes {
		t.Errorf("%d users, want %d", n, processes)
	}
	if got := pragma(t, st, "journal_mode"); got != "wal" {
		t.Errorf("journal_mode = %q, want wal", got)
	}
}
