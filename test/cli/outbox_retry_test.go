package cli_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/internal/notify/notifytest"
	"github.com/reconi/reconi/test/cli/clitest"
	"github.com/reconi/reconi/test/cli/flowtest"
)

// TestRetry: invitations kept while nothing was configured go out once
// SMTP is configured and they are retried; invitations the SMTP server
// refused for good go out when retried by ID after it is fixed.
func TestOutboxRetry(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	app := flowtest.Submit(t, s)
	s.Run("outbox", "retry", "--all").Expect(t, cmd.ExitOK, "", "! no failed messages to send again\n")
	s.Run("outbox", "retry", "--all", "-o", "json").Expect(t, cmd.ExitOK, "[]\n", "")

	srv := notifytest.NewSMTPServer(t)
	s.Setenv("RECONI_SMTP_HOST", srv.Host)
	s.Setenv("RECONI_SMTP_PORT", strconv.Itoa(srv.Port))
	s.Setenv("RECONI_SMTP_TLS", "none")
	s.Setenv("RECONI_SMTP_FROM", "noreply@broker.example")
	r := s.RunWith(clitest.Options{TTY: true}, "outbox", "retry", "--all", "--state", "kept")
	if !strings.Contains(r.Stdout, "jan@example.nl") || !strings.Contains(r.Stdout, "pending") ||
		!strings.Contains(r.Stderr, "Queued 2 messages for delivery again") {
		t.Errorf("retry --all --state kept:\n%s%s", r.Stdout, r.Stderr)
	}
	if n := len(srv.Mails()); n != 2 {
		t.Fatalf("%d emails arrived after the retry, want the 2 kept invitations", n)
	}
	if got := strings.TrimSpace(s.MustRun("outbox", "list", "--state", "sent", "-o", "json", "--jq", "length").Stdout); got != "2" {
		t.Errorf("%s messages sent, want 2", got)
	}
	s.Run("outbox", "retry", "1").Expect(t, cmd.ExitConflict, "",
		"error: message 1 is sent: only failed or kept messages are sent again\n")

	// The SMTP server refuses the next application's invitations for good.
	srv.RefuseNext(-1, 550)
	second := flowtest.Submit(t, s)
	failed := strings.Fields(s.MustRun("outbox", "list", "--state", "failed", "-o", "json", "--jq", ".[].id").Stdout)
	if len(failed) != 2 {
		t.Fatalf("failed messages %v, want the 2 invitations of application %d", failed, second)
	}
	s.Run("outbox", "retry", failed[0], "999").Expect(t, cmd.ExitNotFound, "", "error: message 999 not found\n")
	srv.RefuseNext(0, 0)
	before := len(srv.Mails())
	r = s.MustRun(append([]string{"outbox", "retry", "-o", "json", "--jq", "map(.state) | join(\",\")"}, failed...)...)
	if r.Stdout != "pending,pending\n" {
		t.Errorf("retry -o json: %q", r.Stdout)
	}
	if n := len(srv.Mails()) - before; n != 2 {
		t.Errorf("%d emails arrived after retrying the failed ones, want 2", n)
	}
	hist := s.MustRun("status", strconv.FormatInt(second, 10)).Stdout
	if strings.Count(hist, "sent again (message") != 2 {
		t.Errorf("the retries are not in the history of application %d:\n%s", second, hist)
	}
	if app == second {
		t.Fatal("one application twice")
	}
}
