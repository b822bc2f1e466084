package cli_test

import (
	"strings"
	"testing"

	"github.com/reconi/reconi/test/cli/clitest"
	"github.com/reconi/reconi/test/cli/flowtest"
)

// The manager's receipt goes to --notify-email, or to the email setting
// when the flag is not given.
func TestApplyNotifyEmail(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		env  string
		flag []string
		want string
	}{
		{"flag", "", []string{"--notify-email", "manager@example.nl"}, "manager@example.nl"},
		{"setting", "beheer@example.nl", nil, "beheer@example.nl"},
		{"flag over setting", "beheer@example.nl", []string{"--notify-email", "manager@example.nl"}, "manager@example.nl"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := clitest.New(t)
			if tc.env != "" {
				s.Setenv("RECONI_EMAIL", tc.env)
			}
			s.Register()
			s.Select("--level", "EH3")
			s.MustRun("users", "add", "--first-name", "Jan", "--last-name", "Jansen", "--email", "jan@example.nl",
				"--phone", "06 12345678", "--employed=true")
			s.MustRun("permissions", "set", "--all-services", "--validity", "1y")
			s.MustRun(append([]string{"apply", "--agree-terms"}, tc.flag...)...)
			receipts := flowtest.Outbox(t, s, "--to", tc.want)
			if len(receipts) != 1 || !strings.HasPrefix(receipts[0].Subject, "Receipt: application") {
				t.Fatalf("messages to %s: %+v, want one receipt", tc.want, receipts)
			}
		})
	}
	s := clitest.New(t)
	s.Register()
	s.Select("--level", "EH3")
	r := s.Run("apply", "--agree-terms", "--notify-email", "not-an-address")
	if r.Code != 3 || !strings.Contains(r.Stderr, "notify_email") {
		t.Errorf("apply --notify-email not-an-address: exit %d, stderr %q; want 3 naming notify_email", r.Code, r.Stderr)
	}
}
