package sqldb_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/reconi/reconi/internal/store/sqldb"
)

// Migrated's shortcut counts on migrations numbered 1 to N; a gap or a
// stray name is an error, not a wrong count.
func TestMigrationCount(t *testing.T) {
	file := &fstest.MapFile{Data: []byte("-- +goose Up\n")}
	for _, tt := range []struct {
		name  string
		files []string
		want  int
		err   string
	}{
		{"numbered", []string{"00001_a.sql", "00002_b.sql", "00003_c.sql", "README"}, 3, ""},
		{"gap", []string{"00001_a.sql", "00003_c.sql"}, 0, "00003_c.sql: want number 2"},
		{"name", []string{"00001_a.sql", "second.sql"}, 0, "second.sql: want number 2"},
		{"none", nil, 0, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for _, f := range tt.files {
				fsys[f] = file
			}
			got, err := sqldb.MigrationCount(fsys)
			if got != tt.want || (err == nil) != (tt.err == "") || (err != nil && !strings.Contains(err.Error(), tt.err)) {
				t.Fatalf("MigrationCount = %d, %v; want %d, %q", got, err, tt.want, tt.err)
			}
		})
	}
}
