package cmdutil

import "github.com/spf13/cobra"

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
