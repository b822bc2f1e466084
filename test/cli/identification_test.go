package cli_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/test/cli/clitest"
	"github.com/reconi/reconi/test/cli/flowtest"
)

func TestIdentificationComplete(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	app := flowtest.Submit(t, s)
	jan := strconv.FormatInt(flowtest.UserID(t, s, app, flowtest.Jan.Email), 10)
	piet := strconv.FormatInt(flowtest.UserID(t, s, app, flowtest.Piet.Email), 10)

	// Before ordering, Piet is not waiting for identification.
	s.Run("identification", "complete", piet, "--result", "passed").Expect(t, cmd.ExitConflict, "",
		"error: user "+piet+" (piet@example.nl) is not waiting for identification (state invited)\n")
	flowtest.Order(t, s, app, flowtest.Jan)
	flowtest.Order(t, s, app, flowtest.Piet)
	s.Run("identification", "complete", jan, "--result", "passed").Expect(t, cmd.ExitConflict, "",
		"error: user "+jan+" (jan@example.nl) is not waiting for identification (state issued)\n")
	s.Run("identification", "complete", "999", "--result", "passed").Expect(t, cmd.ExitNotFound, "", "error: user 999 not found\n")
	s.Run("identification", "complete", piet).Expect(t, cmd.ExitUsage, "",
		"error: --result is required: passed or failed\nRun 'reconi identification complete --help' for usage.\n")

	s.RunWith(clitest.Options{TTY: true}, "identification", "complete", piet, "--result", "passed", "--note", "in person").Expect(t, cmd.ExitOK,
		"ID  EMAIL            NAME      APPLICATION  STATE\n"+
			piet+"   piet@example.nl  Piet Puk  "+strconv.FormatInt(app, 10)+"            final_check\n",
		"✓ Identification of piet@example.nl passed; the final check is next: reconi review approve "+piet+"\n")
	r := s.MustRun("status", strconv.FormatInt(app, 10), "--email", "piet@example.nl")
	for _, want := range []string{"identification_pending → identified\tidentification passed: in person", "identified → final_check\tawaiting the final check"} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("status does not show %q:\n%s", want, r.Stdout)
		}
	}
	s.Run("identification", "complete", piet, "--result", "failed").Expect(t, cmd.ExitConflict, "",
		"error: user "+piet+" (piet@example.nl) is not waiting for identification (state final_check)\n")

	// failed rejects the request.
	app2 := flowtest.Submit(t, s, flowtest.Piet)
	flowtest.Order(t, s, app2, flowtest.Piet)
	piet2 := flowtest.UserID(t, s, app2, flowtest.Piet.Email)
	r = s.MustRun("identification", "complete", strconv.FormatInt(piet2, 10), "--result", "failed", "--note", "document expired", "-o", "json")
	var u reconi.User
	if err := json.Unmarshal([]byte(r.Stdout), &u); err != nil || u.State != reconi.UserRejected || u.ID != piet2 {
		t.Errorf("-o json: %v %+v", err, u)
	}
	if st := flowtest.State(t, s, app2, flowtest.Piet.Email); st != reconi.UserRejected {
		t.Errorf("after failed: %s", st)
	}
}
