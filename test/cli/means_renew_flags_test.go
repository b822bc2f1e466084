package cli_test

import (
	"context"
	"strings"
	"testing"

	"github.com/reconi/reconi/cmd/means"
	"github.com/reconi/reconi/test/cli/cmdtest"
)

func TestMeansRenewFlags(t *testing.T) {
	got := cmdtest.Capture(t, nil, means.NewCmdRenew, nil, "jan@example.nl", "42", "--org", "69599084", "--validity", "3y")
	if got.In.KVK != "69599084" || got.In.ValidityYears != 3 || strings.Join(got.In.Means, ",") != "jan@example.nl,42" {
		t.Errorf("renew %+v", got.In)
	}
	got = cmdtest.Capture(t, nil, means.NewCmdRenew, nil, "--expiring-within", "8w", "--org", "69599084", "--validity", "1y")
	if got.In.ExpiringWithin != "8w" || len(got.In.Means) != 0 {
		t.Errorf("renew %+v", got.In)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--org", "69599084", "--validity", "1y"}, "EMAIL or ID arguments, or --expiring-within"},
		{[]string{"a@example.nl", "--expiring-within", "60d", "--org", "69599084", "--validity", "1y"}, "not both"},
		{[]string{"--expiring-within", "soon", "--org", "69599084", "--validity", "1y"}, "60d"},
		{[]string{"a@example.nl", "--validity", "1y"}, "--org is required"},
		{[]string{"a@example.nl", "--org", "69599084"}, "--validity is required"},
		{[]string{"a@example.nl", "--org", "69599084", "--validity", "2y"}, "1y, 3y or 5y"},
	} {
		f, _ := cmdtest.FlagFactory(t, nil)
		err := cmdtest.Exec(means.NewCmdRenew(f, func(context.Context, *means.RenewOptions) error { return nil }), tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want %q", tc.args, err, tc.want)
		}
	}
}
