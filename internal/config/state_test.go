package config_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/reconi/reconi/internal/config"
)

func TestStateRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state", "reconi") // created on first write
	s := config.NewState(dir)
	if id, err := s.CurrentDraft("default@/a.db"); err != nil || id != 0 {
		t.Fatalf("no state yet: %d, %v; want 0", id, err)
	}
	if err := s.SetCurrentDraft("default@/a.db", 7); err != nil {
		t.Fatal(err)
	}
	if err := s.SetCurrentDraft("work@https://srv", 12); err != nil {
		t.Fatal(err)
	}
	// A fresh State reads what the last one wrote.
	s2 := config.NewState(dir)
	for key, want := range map[string]int64{"default@/a.db": 7, "work@https://srv": 12, "other": 0} {
		if id, err := s2.CurrentDraft(key); err != nil || id != want {
			t.Errorf("CurrentDraft(%q) = %d, %v; want %d", key, id, err, want)
		}
	}
	if err := s2.SetCurrentDraft("default@/a.db", 0); err != nil {
		t.Fatal(err)
	}
	if id, _ := s.CurrentDraft("default@/a.db"); id != 0 {
		t.Errorf("a forgotten draft is %d", id)
	}
	if id, _ := s.CurrentDraft("work@https://srv"); id != 12 {
		t.Errorf("forgetting one key lost another: %d", id)
	}
	b, err := os.ReadFile(filepath.Join(dir, "state.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f struct{ Drafts map[string]int64 }
	if err := json.Unmarshal(b, &f); err != nil || len(f.Drafts) != 1 || f.Drafts["work@https://srv"] != 12 {
		t.Errorf("state.json = %s (%v)", b, err)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("state directory: %v, mode %v; want 0700", err, fi.Mode().Perm())
	}
}

func TestStateCorrupt(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "state.json"), "{not json")
	if _, err := config.NewState(dir).CurrentDraft("k"); err == nil {
		t.Fatal("a corrupt state file must be reported, not taken as empty")
	}
}

// TestStateWriteIsAtomic reads the state while it is being rewritten: a
// reader must always see a whole file, one version or the other, and no
// temporary file may be left behind.
func TestStateWriteIsAtomic(t *testing.T) {
	dir := t.TempDir()
	w := config.NewState(dir)
	// Many keys make the file big enough that a torn write would show.
	for i := range 60 {
		if err := w.SetCurrentDraft(filepath.Join("profile", string(rune('a'+i%26)), string(rune('A'+i/26))), int64(i+1)); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	done := make(chan struct{})
	errs := make(chan error, 2)
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := config.NewState(dir)
			for {
				select {
				case <-done:
					return
				default:
				}
				if _, err := r.CurrentDraft("current"); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for i := range 100 {
		if err := w.SetCurrentDraft("current", int64(i+1)); err != nil {
			t.Error(err)
			break
		}
	}
	close(done)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("a reader saw a partial state file: %v", err)
	}
	if id, err := w.CurrentDraft("current"); err != nil || id != 100 {
		t.Errorf("CurrentDraft = %d, %v; want 100", id, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "state.json" {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("files in the state directory: %v, want only state.json", names)
	}
}
