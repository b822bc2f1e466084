// Flag-parsing tests of reconi plan, with the exit code its errors map to
// (cmd.ExitCode): the command alone, through cmdtest, with its run function
// captured and no database. Its end-to-end tests are in plan_test.go,
// plan_link_test.go and plan_permissions_test.go, beside this file.
package cli_test

import (
	"context"
	"errors"
	"testing"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/cmd/plan"
	"github.com/reconi/reconi/test/cli/cmdtest"
)

func TestPlanExitError(t *testing.T) {
	var err error = &plan.ExitError{Code: plan.ExitChanges, Err: errors.New("changes")}
	if cmd.ExitCode(err) != 2 {
		t.Errorf("exit code %d, want 2", cmd.ExitCode(err))
	}
	// The run function's error goes through the same mapping.
	f, _ := cmdtest.FlagFactory(t, nil)
	var called bool
	c := plan.NewCmdPlan(f, func(_ context.Context, o *plan.Options) error {
		called = true
		if o.File != "m.yaml" || o.Output.Format != "json" {
			t.Errorf("options = %+v", o)
		}
		return errors.New("boom")
	})
	err = cmdtest.Exec(c, "-f", "m.yaml", "-o", "json")
	if !called || cmd.ExitCode(err) != plan.ExitFailure {
		t.Errorf("called %v, exit %d", called, cmd.ExitCode(err))
	}
}
