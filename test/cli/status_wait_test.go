package cli_test

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/cmd/status"
	"github.com/reconi/reconi/test/cli/clitest"
	"github.com/reconi/reconi/test/cli/flowtest"
)

func TestStatusExitCodesInStep(t *testing.T) {
	t.Parallel()
	if cmd.ExitTimeout != status.ExitTimeout || cmd.ExitEnded != status.ExitEnded {
		t.Errorf("cmd has %d and %d, status %d and %d", cmd.ExitTimeout, cmd.ExitEnded, status.ExitTimeout, status.ExitEnded)
	}
	for _, c := range []int{status.ExitTimeout, status.ExitEnded} {
		err := fmt.Errorf("wrapped: %w", &status.ExitError{Code: c, Err: errors.New("x")})
		if got := cmd.ExitCode(err); got != c {
			t.Errorf("cmd.ExitCode of an ExitError with code %d = %d", c, got)
		}
	}
}

// TestWaitEndToEnd runs status --wait through cmd.Run with the real clock
// and pauses of a few milliseconds.
func TestStatusWaitEndToEnd(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	app, piet := flowtest.AtFinalCheck(t, s)
	id := strconv.FormatInt(app, 10)

	r := s.Run("status", id, "--wait", "issued", "--timeout", "50ms", "--interval", "10ms", "-o", "json", "--jq", ".users[1].state")
	r.Expect(t, cmd.ExitTimeout, "final_check\n",
		`{"error":{"kind":"timeout","message":"timed out after 50ms waiting until every user of application `+id+` is issued: still waiting for piet@example.nl (final_check)"}}`+"\n")

	s.Run("status", "999", "--wait", "issued").Expect(t, cmd.ExitNotFound, "", "error: application 999 not found\n")
	s.Run("status", "--wait", "issued").Expect(t, cmd.ExitUsage, "",
		"error: --wait needs the ID of the application to wait for: reconi status APP_ID --wait issued\nRun 'reconi status --help' for usage.\n")

	draft := s.Select("--level", "EH3")
	s.Run("status", strconv.FormatInt(draft, 10), "--wait", "issued").Expect(t, cmd.ExitConflict, "",
		fmt.Sprintf("error: application %d is a draft: submit it with reconi apply first, then wait for it\n", draft))
	s.MustRun("drafts", "discard", strconv.FormatInt(draft, 10), "--yes")
	s.Run("status", strconv.FormatInt(draft, 10), "--wait", "issued").Expect(t, cmd.ExitConflict, "",
		fmt.Sprintf("error: application %d is a discarded draft: there is nothing to wait for\n", draft))

	s.MustRun("review", "approve", strconv.FormatInt(piet, 10))
	r = s.Run("status", id, "--wait", "issued", "--timeout", "10s")
	if r.Code != cmd.ExitOK || !strings.Contains(r.Stdout, "piet@example.nl\tPiet Puk\tno\tissued\t") || r.Stderr != "" {
		t.Errorf("wait after approve: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}

	// A second application whose user is rejected ends the wait with 8.
	app2 := flowtest.Submit(t, s, flowtest.Piet)
	flowtest.Order(t, s, app2, flowtest.Piet)
	piet2 := strconv.FormatInt(flowtest.UserID(t, s, app2, flowtest.Piet.Email), 10)
	s.MustRun("identification", "complete", piet2, "--result", "failed", "--note", "document expired")
	id2 := strconv.FormatInt(app2, 10)
	r = s.Run("status", id2, "--wait", "issued", "--timeout", "10m")
	if r.Code != cmd.ExitEnded || r.Stderr != "error: application "+id2+": the request of piet@example.nl (rejected) ended before it was issued\n" ||
		!strings.Contains(r.Stdout, "identification_pending → rejected\tidentification failed: document expired") {
		t.Errorf("wait on a rejected user: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
}
