package cmdutil

import (
	"github.com/spf13/cobra"

	"github.com/reconi/reconi/internal/config"
)

// annotationCreatesDatabase marks the commands that may create the local
// SQLite database when --db names a file that does not exist.
const annotationCreatesDatabase = "reconi/creates-database"

// CreatesDatabase marks cmd as a command that may create the local
// database: one that can put the first thing in it (an organisation, a
// draft, the broker's data, a token) or serves it. Every other command
// needs the database to exist, so a mistyped --db is a not-found error
// instead of a new empty database. Unmarked is the safe default: a new
// command that forgets the mark fails loudly on a fresh machine, it never
// leaves stray databases behind.
func CreatesDatabase(cmd *cobra.Command) {
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[annotationCreatesDatabase] = "true"
}

// MayCreateDatabase reports whether cmd was marked with CreatesDatabase.
func MayCreateDatabase(cmd *cobra.Command) bool {
	return cmd != nil && cmd.Annotations[annotationCreatesDatabase] == "true"
}

// ServerSet is the usage error of a command that works on the database
// itself (serve, tokens) while a server is configured: it says where the
// setting may come from, since a profile's server applies even beside --db,
// and how to leave it out for one run.
func ServerSet(cfg *config.Config, what string) error {
	return FlagErrorf("%s: the server %s is configured (by --server, RECONI_SERVER or profile %q of %s); "+
		"add --server '' to use the database (--db or RECONI_DB) instead", what, cfg.Get(config.KeyServer), cfg.Profile, cfg.File)
}
