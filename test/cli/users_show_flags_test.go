package cli_test

import (
	"testing"

	"github.com/reconi/reconi/cmd/users"
	"github.com/reconi/reconi/test/cli/cmdtest"
)

func TestUsersShowFlags(t *testing.T) {
	got := cmdtest.Capture(t, nil, users.NewCmdShow, nil, "jan@example.nl", "--org", "69599084")
	if got.Email != "jan@example.nl" || got.KVK != "69599084" {
		t.Errorf("options %+v", got)
	}
	cmdtest.Capture(t, nil, users.NewCmdShow, &cmdtest.ErrWant{Flag: true, Contains: []string{"email address"}})
}
