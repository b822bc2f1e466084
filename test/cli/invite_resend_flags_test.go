package cli_test

import (
	"testing"

	"github.com/reconi/reconi/cmd/invite"
	"github.com/reconi/reconi/test/cli/cmdtest"
)

func TestInviteResendFlags(t *testing.T) {
	got := cmdtest.Capture(t, nil, invite.NewCmdResend, nil, "12", "--email", "Anna@example.nl", "--new-link", "-o", "json")
	if got.AppID != 12 || got.Email != "Anna@example.nl" || !got.NewLink || got.Output.Format != "json" {
		t.Errorf("options %+v", got)
	}
	cmdtest.Capture(t, nil, invite.NewCmdResend, &cmdtest.ErrWant{Flag: true, Contains: []string{"--email"}}, "12")
	cmdtest.Capture(t, nil, invite.NewCmdResend, &cmdtest.ErrWant{Flag: true, Contains: []string{"application ID"}}, "--email", "a@example.nl")
	cmdtest.Capture(t, nil, invite.NewCmdResend, &cmdtest.ErrWant{Kind: "invalid", Contains: []string{"email"}}, "12", "--email", "not an address")
	cmdtest.Capture(t, nil, invite.NewCmdResend, &cmdtest.ErrWant{Kind: "invalid", Contains: []string{"id"}}, "x", "--email", "a@example.nl")
}
