// Flag-parsing tests of reconi means: each command alone, through cmdtest,
// with its run function captured and no database. Its end-to-end tests are in
// means_test.go and means_renew_test.go, beside this file.
package cli_test

import (
	"context"
	"strings"
	"testing"

	"github.com/reconi/reconi/cmd/means"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/test/cli/cmdtest"
)

func TestMeansFlags(t *testing.T) {
	got := cmdtest.Capture(t, nil, means.NewCmdList, nil, "--org", "69599084", "--state", "Withdrawn", "--expiring-within", "8w")
	if got.Filter.KVK != "69599084" || got.Filter.State != reconi.MeansWithdrawn || got.Filter.ExpiringWithin.Hours() != 8*7*24 {
		t.Errorf("list %+v", got.Filter)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--org", "69599084", "--reason", "x", "--yes"}, "EMAIL arguments, or --file"},
		{[]string{"a@example.nl", "--reason", "x", "--yes"}, "--org is required"},
		{[]string{"a@example.nl", "--org", "69599084", "--yes"}, "--reason is required"},
	} {
		f, _ := cmdtest.FlagFactory(t, nil)
		err := cmdtest.Exec(means.NewCmdWithdraw(f, func(context.Context, *means.WithdrawOptions) error { return nil }), tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want %q", tc.args, err, tc.want)
		}
	}
}
