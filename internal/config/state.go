package config

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// State remembers what the previous command chose, such as the current draft,
// per profile and backend: a draft of one database means nothing in another.
type State struct {
	path string
}

// NewState keeps state in dir/state.json.
func NewState(dir string) *State { return &State{path: filepath.Join(dir, "state.json")} }

type stateFile struct {
	Drafts map[string]int64 `json:"drafts"`
}

func (s *State) read() (stateFile, error) {
	var f stateFile
	b, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return stateFile{Drafts: map[string]int64{}}, nil
	}
	if err != nil {
		return f, err
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return f, err
	}
	if f.Drafts == nil {
		f.Drafts = map[string]int64{}
	}
	return f, nil
}

// CurrentDraft returns the draft that `org select` last started for key, or 0.
func (s *State) CurrentDraft(key string) (int64, error) {
	f, err := s.read()
	return f.Drafts[key], err
}

// SetCurrentDraft records id as the current draft of key (0 forgets it).
// The file is replaced atomically, so a concurrent reader never sees half.
func (s *State) SetCurrentDraft(key string, id int64) error {
	f, err := s.read()
	if err != nil {
		return err
	}
	if id == 0 {
		delete(f.Drafts, key)
	} else {
		f.Drafts[key] = id
	}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(s.path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(s.path), ".state-*.json")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), s.path)
}
