package cli_test

import (
	"context"
	"strings"
	"testing"

	"github.com/reconi/reconi/cmd/permissions"
	"github.com/reconi/reconi/test/cli/cmdtest"
)

func TestPermissionsGrantAndWithdrawFlags(t *testing.T) {
	t.Parallel()
	got := cmdtest.Capture(t, nil, permissions.NewCmdGrant, nil, "--org", "69599084", "--email", "a@example.nl", "--email", "b@example.nl",
		"--provider", "RVO", "--validity", "5y")
	if got.In.KVK != "69599084" || len(got.In.Emails) != 2 || got.In.Providers[0] != "RVO" || got.In.ValidityYears != 5 {
		t.Errorf("grant %+v", got.In)
	}
	w := cmdtest.Capture(t, nil, permissions.NewCmdWithdraw, nil, "--org", "69599084", "--email", "a@example.nl", "--all", "--reason", "x", "--dry-run")
	if !w.In.All || !w.In.DryRun || w.In.Reason != "x" {
		t.Errorf("withdraw %+v", w.In)
	}
	for _, tc := range []struct {
		grant bool
		args  []string
		want  string
	}{
		{true, []string{"--email", "a@example.nl", "--all-services", "--validity", "1y"}, "--org is required"},
		{true, []string{"--org", "69599084", "--all-services", "--validity", "1y"}, "--email is required"},
		{true, []string{"--org", "69599084", "--email", "a@example.nl", "--validity", "1y"}, "--all-services, --provider NAME or --service ID"},
		{true, []string{"--org", "69599084", "--email", "a@example.nl", "--all-services", "--provider", "RVO", "--validity", "1y"}, "not --all-services and --provider together"},
		{true, []string{"--org", "69599084", "--email", "a@example.nl", "--all-services"}, "--validity is required"},
		{false, []string{"--org", "69599084", "--email", "a@example.nl", "--reason", "x", "--yes"}, "one of --provider NAME, --service ID or --all"},
		{false, []string{"--org", "69599084", "--email", "a@example.nl", "--all", "--provider", "RVO", "--reason", "x", "--yes"}, "one of"},
		{false, []string{"--org", "69599084", "--email", "a@example.nl", "--all", "--yes"}, "--reason is required"},
		{false, []string{"--org", "69599084", "--all", "--reason", "x", "--yes"}, "--email is required"},
	} {
		f, _ := cmdtest.FlagFactory(t, nil)
		c := permissions.NewCmdGrant(f, func(context.Context, *permissions.GrantOptions) error { return nil })
		if !tc.grant {
			c = permissions.NewCmdWithdraw(f, func(context.Context, *permissions.WithdrawOptions) error { return nil })
		}
		if err := cmdtest.Exec(c, tc.args...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want %q", tc.args, err, tc.want)
		}
	}
}
