package cmdutil

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/internal/config"
	"github.com/reconi/reconi/internal/reconi"
)

// DraftFlag registers --draft on a command that works on one draft or
// application; the value also comes from RECONI_DRAFT or the profile.
func DraftFlag(cmd *cobra.Command) {
	cmd.Flags().String(config.KeyDraft, "", "draft or application `ID` (default: the current draft started by org select; env RECONI_DRAFT)")
}

// ResolveDraft returns the draft to work on: --draft, RECONI_DRAFT or the
// profile's setting, else the current draft that `org select` started,
// remembered in the state directory getenv names.
func ResolveDraft(cmd *cobra.Command, cfgFunc func() (*config.Config, error), getenv func(string) string) (int64, error) {
	cfg, err := cfgFunc()
	if err != nil {
		return 0, err
	}
	if fl := cmd.Flags().Lookup(config.KeyDraft); fl != nil && fl.Changed {
		return ParseID("draft", fl.Value.String())
	}
	if v := cfg.Get(config.KeyDraft); v != "" {
		return ParseID("draft", v)
	}
	id, err := state(getenv).CurrentDraft(StateKey(cfg))
	if err != nil {
		return 0, err
	}
	if id == 0 {
		return 0, reconi.Invalid("draft", "no draft selected: start one with 'reconi org select KVK --level LEVEL', carry on with one with 'reconi drafts use ID' (reconi drafts list), or name one with --draft ID")
	}
	return id, nil
}

// RememberDraft makes id the current draft of cfg's profile and backend,
// which the commands after `org select` work on.
func RememberDraft(cfg *config.Config, getenv func(string) string, id int64) error {
	if err := state(getenv).SetCurrentDraft(StateKey(cfg), id); err != nil {
		return fmt.Errorf("remembering the current draft: %w", err)
	}
	return nil
}

// state returns where the current draft is remembered.
func state(getenv func(string) string) *config.State {
	return config.NewState(config.StateDir(getenv))
}

// StateKey identifies the profile and backend whose current draft is kept.
func StateKey(cfg *config.Config) string { return cfg.Profile + "|" + Target(cfg) }

// Target names the backend in use: the server URL, the database URL or the
// database file. The current draft is remembered per profile and target.
func Target(cfg *config.Config) string {
	if s := cfg.Get(config.KeyServer); s != "" {
		return s
	}
	db := cfg.Get(config.KeyDB)
	if IsDatabaseURL(db) {
		return db
	}
	if abs, err := filepath.Abs(db); err == nil {
		return abs
	}
	return db
}

// IsDatabaseURL reports whether the db setting names a PostgreSQL server
// rather than a SQLite file. cmd/factory opens the database by the same
// test, so that Target and the database opened always agree.
func IsDatabaseURL(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}
