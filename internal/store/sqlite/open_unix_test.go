//go:build unix

package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
	"github.com/reconi/reconi/internal/store/sqlite"
)

// A database reconi creates, and the -wal and -shm files SQLite keeps
// beside it, are for their owner only, even with umask 0 in a folder open
// to all.
func TestOpenCreatesPrivateFiles(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "new", "reconi.db")
	st := open(t, path)
	// A write makes SQLite create the log and its index.
	if err := st.Update(context.Background(), func(tx store.Tx) error { return tx.SetMeta("probe", "1") }); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm", path + ".lock"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != 0o600 {
			t.Errorf("%s: mode %04o, want 0600", filepath.Base(p), got)
		}
	}
	if fi, _ := os.Stat(filepath.Dir(path)); fi.Mode().Perm() != 0o700 {
		t.Errorf("new folder: mode %04o, want 0700", fi.Mode().Perm())
	}
}

// An existing database others may read opens, with a warning that says how
// to fix it; a private one opens without a word.
func TestOpenWarnsAboutAWideMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "reconi.db")
	open(t, path).Close()
	var warned []string
	warn := func(m string) { warned = append(warned, m) }
	reopen := func() {
		st, err := sqlite.OpenWith(context.Background(), path, sqlite.Options{MustExist: true, Warn: warn})
		if err != nil {
			t.Fatal(err)
		}
		st.Close()
	}
	reopen()
	if len(warned) != 0 {
		t.Fatalf("a private database: warned %q", warned)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	reopen()
	if len(warned) != 1 || !strings.Contains(warned[0], "can be read by other users (mode 0644): make it private with chmod go-rwx "+path+"*") {
		t.Fatalf("warned %q, want one warning about mode 0644", warned)
	}
}

// A database that must exist and does not is a not-found error, and
// nothing is created: no file, no folder, no lock.
func TestOpenMustExist(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "typo", "reconi.db")
	_, err := sqlite.OpenWith(context.Background(), path, sqlite.Options{MustExist: true})
	var e *reconi.Error
	if !errors.As(err, &e) || e.Kind != reconi.KindNotFound || e.Message != "no database at "+path {
		t.Fatalf("err = %v, want not found: no database at %s", err, path)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("left %v behind", entries)
	}
}

// What is not a reconi database gets one sentence, not a driver error, and
// no lock file beside it.
func TestOpenRefusesWhatIsNotOurs(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(text, []byte("hello, these are my notes\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	foreign := filepath.Join(dir, "other.sqlite")
	db, err := sql.Open("sqlite", foreign)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE mine (x)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	folder := filepath.Join(dir, "folder")
	if err := os.Mkdir(folder, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ path, want string }{
		{folder, "database " + folder + " is a directory, not a reconi database file"},
		{text, text + " is not a reconi database (not an SQLite file)"},
		{foreign, foreign + " is not a reconi database (another program's SQLite database)"},
	} {
		for _, mustExist := range []bool{false, true} {
			_, err := sqlite.OpenWith(context.Background(), tt.path, sqlite.Options{MustExist: mustExist})
			var e *reconi.Error
			if !errors.As(err, &e) || e.Kind != reconi.KindInvalid || e.Message != tt.want {
				t.Errorf("%s: err = %v, want invalid: %s", filepath.Base(tt.path), err, tt.want)
			}
			if _, err := os.Stat(tt.path + ".lock"); err == nil {
				t.Errorf("%s: left a lock file", filepath.Base(tt.path))
			}
		}
	}
	if data, _ := os.ReadFile(text); string(data) != "hello, these are my notes\n" {
		t.Errorf("the text file was changed: %q", data)
	}
}

// A database file or a folder this user may not write gets one sentence.
// Root may write anything, so these run as another user only.
func TestOpenRefusesWhatCannotBeWritten(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes read-only files; run as another user")
	}
	dir := t.TempDir()
	ro := filepath.Join(dir, "ro.db")
	open(t, ro).Close()
	if err := os.Chmod(ro, 0o400); err != nil {
		t.Fatal(err)
	}
	roDir := filepath.Join(dir, "locked")
	if err := os.Mkdir(roDir, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(roDir, 0o700) })
	for _, tt := range []struct{ path, want string }{
		{ro, "database " + ro + " is read-only: reconi writes to it even to read (its lock, log and migrations)"},
		{filepath.Join(roDir, "reconi.db"), "cannot create database " + filepath.Join(roDir, "reconi.db") + ": the folder " + roDir + " is read-only"},
	} {
		_, err := sqlite.Open(context.Background(), tt.path)
		var e *reconi.Error
		if !errors.As(err, &e) || e.Message != tt.want {
			t.Errorf("err = %v, want %s", err, tt.want)
		}
	}
}
