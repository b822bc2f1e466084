package cli_test

import (
	"testing"

	"github.com/reconi/reconi/cmd/users"
	"github.com/reconi/reconi/test/cli/cmdtest"
)

func TestUsersUpdateFlags(t *testing.T) {
	got := cmdtest.Capture(t, nil, users.NewCmdUpdate, nil, "3", "--email", "jan@exmaple.nl", "--new-email", "jan@example.nl", "--phone", "0612345678")
	if got.AppID != 3 || got.Email != "jan@exmaple.nl" || got.Update.Email != "jan@example.nl" || got.Update.Phone != "0612345678" {
		t.Errorf("options %+v", got)
	}
	cmdtest.Capture(t, nil, users.NewCmdUpdate, &cmdtest.ErrWant{Flag: true, Contains: []string{"--new-email", "--phone"}}, "3", "--email", "jan@example.nl")
	cmdtest.Capture(t, nil, users.NewCmdUpdate, &cmdtest.ErrWant{Flag: true, Contains: []string{"--email"}}, "3", "--phone", "0612345678")
	cmdtest.Capture(t, nil, users.NewCmdUpdate, &cmdtest.ErrWant{Flag: true, Contains: []string{"application ID"}})
}
