// Flag-parsing tests of reconi invite, and of the link and code parsers its
// commands share: each command alone, through cmdtest, with its run function
// captured and no database. Its end-to-end tests are in invite_test.go and
// invite_resend_test.go, beside this file.
package cli_test

import (
	"context"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/cmd/invite"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/test/cli/cmdtest"
)

func TestInviteParseToken(t *testing.T) {
	for _, in := range []string{
		token,
		"  " + token + "\n",
		"http://127.0.0.1:8080/invite/" + token,
		"https://reconi.example.nl/base/invite/" + token + "/",
		"https://reconi.example.nl/invite/" + token + "/confirm",
		"https://reconi.example.nl/invite/" + token + "?lang=nl",
		"https://reconi.example.nl/invite/" + token + "#top",
	} {
		got, err := invite.ParseToken(in)
		if err != nil || got != token {
			t.Errorf("ParseToken(%q) = %q, %v; want %q", in, got, err, token)
		}
	}
	for _, in := range []string{"", "   ", "http://127.0.0.1:8080/invite/", "not a token", "https://example.nl/other/" + token, "tök"} {
		_, err := invite.ParseToken(in)
		if cmdtest.Kind(err) != reconi.KindInvalid {
			t.Errorf("ParseToken(%q): error %v, want an invalid token", in, err)
			continue
		}
		if strings.TrimSpace(in) != "" && strings.Contains(err.Error(), strings.TrimSpace(in)) {
			t.Errorf("ParseToken(%q): the error %q repeats the secret", in, err)
		}
	}
}

func TestInviteParseCode(t *testing.T) {
	for in, want := range map[string]string{"123456": "123456", " 123 456 ": "123456", "000000": "000000"} {
		if got, err := invite.ParseCode(in); err != nil || got != want {
			t.Errorf("ParseCode(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"12345", "1234567", "12345a", "", "１２３４５６"} {
		if _, err := invite.ParseCode(in); cmdtest.Kind(err) != reconi.KindInvalid {
			t.Errorf("ParseCode(%q): error %v, want invalid", in, err)
		}
	}
}

func TestInviteStepFlags(t *testing.T) {
	constructors := map[string]func(*cmdutil.Factory, func(context.Context, *invite.Options) error) *cobra.Command{
		"show": invite.NewCmdShow, "confirm": invite.NewCmdConfirm, "verify": invite.NewCmdVerify, "order": invite.NewCmdOrder,
	}
	tests := []struct {
		name      string
		step      string
		args      []string
		stdin     string
		want      invite.Options
		wantFmt   string
		wantErr   *cmdtest.ErrWant
		stdinOnly bool
	}{
		{name: "token", step: "show", args: []string{token}, want: invite.Options{Token: token}, wantFmt: "table"},
		{name: "link, json", step: "show", args: []string{"http://127.0.0.1:8080/invite/" + token, "-o", "json"}, want: invite.Options{Token: token}, wantFmt: "json"},
		{name: "stdin", step: "confirm", args: []string{"-"}, stdin: "http://127.0.0.1:8080/invite/" + token + "\n", want: invite.Options{Token: token, FromStdin: true}, wantFmt: "table"},
		{name: "stdin without newline", step: "order", args: []string{"-"}, stdin: token, want: invite.Options{Token: token, FromStdin: true}, wantFmt: "table"},
		{name: "stdin, first line only", step: "order", args: []string{"-"}, stdin: token + "\nsomething else\n", want: invite.Options{Token: token, FromStdin: true}, wantFmt: "table"},
		{name: "verify", step: "verify", args: []string{"-", "--code", "123 456"}, stdin: token, want: invite.Options{Token: token, FromStdin: true, Code: "123456"}, wantFmt: "table"},
		{name: "empty stdin", step: "show", args: []string{"-"},
			wantErr: &cmdtest.ErrWant{Kind: reconi.KindInvalid, Contains: []string{"standard input was empty"}}},
		{name: "not a token", step: "show", args: []string{"see my email"},
			wantErr: &cmdtest.ErrWant{Kind: reconi.KindInvalid, Contains: []string{"not an invitation link or token"}}},
		{name: "no argument", step: "confirm",
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"the link from the invitation email", "got 0"}}},
		{name: "two arguments", step: "order", args: []string{token, token},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"got 2"}}},
		{name: "verify without --code", step: "verify", args: []string{token},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"--code is required"}}},
		{name: "verify, a code of 5 digits", step: "verify", args: []string{token, "--code", "12345"},
			wantErr: &cmdtest.ErrWant{Kind: reconi.KindInvalid, Contains: []string{`"12345"`, "6 digits"}}},
		{name: "--code on show", step: "show", args: []string{token, "--code", "123456"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"--code"}}},
		{name: "-o xml", step: "order", args: []string{token, "-o", "xml"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{`"xml"`, "-o/--output"}}},
	}
	for _, tt := range tests {
		t.Run(tt.step+"/"+tt.name, func(t *testing.T) {
			f, _ := cmdtest.FlagFactory(t, nil)
			f.IOStreams.In = strings.NewReader(tt.stdin)
			got := cmdtest.CaptureWith(t, f, constructors[tt.step], tt.wantErr, tt.args...)
			if got == nil {
				return
			}
			if got.Token != tt.want.Token || got.FromStdin != tt.want.FromStdin || got.Code != tt.want.Code || got.Output.Format != tt.wantFmt {
				t.Errorf("got token %q, stdin %v, code %q, format %q; want %q, %v, %q, %q",
					got.Token, got.FromStdin, got.Code, got.Output.Format, tt.want.Token, tt.want.FromStdin, tt.want.Code, tt.wantFmt)
			}
		})
	}
}

// TestInvitePromptForToken: with "-" on a terminal the link is asked for,
// on stderr, so that it is pasted rather than typed into the command line.
func TestInvitePromptForToken(t *testing.T) {
	f, _ := cmdtest.FlagFactory(t, nil)
	f.IOStreams.In = strings.NewReader(token + "\n")
	f.IOStreams.SetStdinTTY(true)
	errOut := &strings.Builder{}
	f.IOStreams.ErrOut = errOut
	var got string
	if err := cmdtest.Exec(invite.NewCmdShow(f, func(_ context.Context, o *invite.Options) error {
		got = o.Token
		return nil
	}), "-"); err != nil {
		t.Fatal(err)
	}
	if got != token || !strings.Contains(errOut.String(), "Paste the link") {
		t.Errorf("token %q, stderr %q", got, errOut.String())
	}
}
