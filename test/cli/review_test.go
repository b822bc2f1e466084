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

func TestReview(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	s.CreateDatabase()
	s.RunWith(clitest.Options{TTY: true}, "review", "list").Expect(t, cmd.ExitOK, "", "! no users await the final check\n")
	s.Run("review", "list", "-o", "json").Expect(t, cmd.ExitOK, "[]\n", "")

	app := flowtest.Submit(t, s)
	flowtest.Order(t, s, app, flowtest.Jan)
	flowtest.Order(t, s, app, flowtest.Piet)
	jan := strconv.FormatInt(flowtest.UserID(t, s, app, flowtest.Jan.Email), 10)
	piet := strconv.FormatInt(flowtest.UserID(t, s, app, flowtest.Piet.Email), 10)
	s.Run("review", "approve", piet).Expect(t, cmd.ExitConflict, "",
		"error: user "+piet+" (piet@example.nl) is not awaiting the final check (state identification_pending)\n")
	s.MustRun("identification", "complete", piet, "--result", "passed")

	s.RunWith(clitest.Options{TTY: true}, "review", "list").Expect(t, cmd.ExitOK,
		"ID  EMAIL            NAME      ORGANISATION                  LEVEL  SINCE\n"+
			piet+"   piet@example.nl  Piet Puk  Test EMZ Dagobert (69599084)  EH3    0000-00-00 00:00\n", "")
	r := s.MustRun("review", "list", "-o", "json")
	var reviews []reconi.Review
	if err := json.Unmarshal([]byte(r.Stdout), &reviews); err != nil || len(reviews) != 1 ||
		reviews[0].User.Email != flowtest.Piet.Email || reviews[0].Organization.KVK != clitest.KVK || reviews[0].Since.IsZero() {
		t.Errorf("review list -o json: %v\n%s", err, r.Stdout)
	}

	// Refusals: Jan is issued already, 999 is nobody, a reason is needed.
	s.Run("review", "approve", jan).Expect(t, cmd.ExitConflict, "",
		"error: user "+jan+" (jan@example.nl) is not awaiting the final check (state issued)\n")
	s.Run("review", "reject", "999", "--reason", "x").Expect(t, cmd.ExitNotFound, "", "error: user 999 not found\n")
	s.Run("review", "reject", piet).Expect(t, cmd.ExitUsage, "",
		"error: --reason is required: say why the request is rejected; the authorization manager is told\nRun 'reconi review reject --help' for usage.\n")
	s.Run("review", "approve", "0").Expect(t, cmd.ExitInvalid, "",
		"error: user: \"0\" is not a user ID: want a positive number like 17 (see reconi status APP_ID or reconi review list)\n")

	s.RunWith(clitest.Options{TTY: true}, "review", "approve", piet).Expect(t, cmd.ExitOK,
		"ID  EMAIL            NAME      APPLICATION  STATE\n"+
			piet+"   piet@example.nl  Piet Puk  "+strconv.FormatInt(app, 10)+"            issued\n",
		"✓ Approved piet@example.nl: the means is issued\n")
	s.Run("review", "list", "-o", "json").Expect(t, cmd.ExitOK, "[]\n", "")
	// The user is emailed that the means is issued.
	var issued bool
	for _, m := range flowtest.Outbox(t, s, "--to", flowtest.Piet.Email) {
		issued = issued || strings.Contains(m.Subject, "Your eHerkenning was issued")
	}
	if !issued {
		t.Error("no email to Piet that the means was issued")
	}

	// Reject, in a second application.
	app2 := flowtest.Submit(t, s, flowtest.Piet)
	flowtest.Order(t, s, app2, flowtest.Piet)
	piet2 := strconv.FormatInt(flowtest.UserID(t, s, app2, flowtest.Piet.Email), 10)
	s.MustRun("identification", "complete", piet2, "--result", "passed")
	s.Run("review", "reject", piet2, "--reason", "not known at the organisation", "-o", "json", "--jq", ".state").
		Expect(t, cmd.ExitOK, "rejected\n", "")
	r = s.MustRun("status", strconv.FormatInt(app2, 10))
	if !strings.Contains(r.Stdout, "final_check → rejected\tfinal check rejected: not known at the organisation") {
		t.Errorf("status after reject:\n%s", r.Stdout)
	}
	s.Run("review", "reject", piet2, "--reason", "again").Expect(t, cmd.ExitConflict, "",
		"error: user "+piet2+" (piet@example.nl) is not awaiting the final check (state rejected)\n")
}
