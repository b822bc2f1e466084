// Flag-parsing tests of reconi gen-docs: the command alone, through cmdtest,
// with its run function captured and no database. Its end-to-end tests are in
// gendocs_test.go, beside this file.
package cli_test

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
