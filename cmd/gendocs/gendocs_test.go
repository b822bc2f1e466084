// These are the flag-parsing tests of reconi gen-docs; its end-to-end tests,
// through cmd.Run against a real SQLite file, are in test/cli:
// gendocs_test.go.
package gendocs_test

import (
	"testing"

	"github.com/reconi/reconi/cmd/gendocs"
	"github.com/reconi/reconi/test/cli/cmdtest"
)

func TestGenDocsDirRequired(t *testing.T) {
	f, _ := cmdtest.FlagFactory(t, nil)
	err := cmdtest.Exec(gendocs.NewCmdGenDocs(f, func(*gendocs.Options) error {
		t.Error("the run function was called")
		return nil
	}), "--dir", "")
	cmdtest.ErrWant{Flag: true, Contains: []string{"--dir"}}.Check(t, err)
}
