// Package invite holds `reconi invite`: the user's steps behind the link in
// the invitation email, in a terminal. The web pages `reconi serve` shows
// under the link take the same steps.
package invite

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
)

// Options are the inputs of every `reconi invite` step.
type Options struct {
	IO      *output.IOStreams
	Backend func() (reconi.Backend, error)
	Output  cmdutil.OutputFlags
	// Token is the invitation token, taken out of a pasted link. It is a
	// secret: it is never printed.
	Token string
	// FromStdin says the token was read from standard input ("-"), so the
	// hints repeat "-" rather than asking for the link again.
	FromStdin bool
	// Code is the SMS code (verify only).
	Code string
}

// NewCmdInvite returns `reconi invite` and its steps.
func NewCmdInvite(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "invite <command>",
		Short: "The user's steps from the invitation email: check, confirm, verify, order",
		Long: `After the authorization manager submits an application, each user gets an
email with a link. Behind it the user checks their details, confirms them and
their mobile number (a 6-digit code is sent by SMS), enters the code and
orders the means. These commands take the same steps in a terminal:

  1. reconi invite show LINK      check the details
  2. reconi invite confirm LINK   approve them; a code is sent by SMS
  3. reconi invite verify LINK --code 123456
  4. reconi invite order LINK     order the means

An employed user is issued the means at once. A user not employed by the
organisation identifies with the broker's partner first; a final check
follows.

LINK is the whole link from the email or the token at its end. The link is
the user's key, so keep it out of your shell history: give "-" and paste it
on standard input instead.

The helpdesk, the manager or an operator sends an invitation again with
reconi invite resend APP_ID --email EMAIL.`,
		Example: `  reconi invite show -
  reconi invite confirm - < link.txt
  reconi invite verify - --code 123456 < link.txt
  reconi invite order - < link.txt`,
	}
	cmd.AddCommand(NewCmdShow(f, nil), NewCmdConfirm(f, nil), NewCmdVerify(f, nil), NewCmdOrder(f, nil), NewCmdResend(f, nil))
	return cmd
}

// step builds one of the user's steps: TOKEN|LINK|- as the only argument,
// the output flags, and validate for the step's own flags.
func step(f *cmdutil.Factory, use, short, long, example string, validate func(*Options) error,
	runF, defaultRun func(context.Context, *Options) error) (*cobra.Command, *Options) {
	opts := &Options{IO: f.IOStreams, Backend: f.Backend}
	cmd := &cobra.Command{
		Use:     use,
		Short:   short,
		Long:    long,
		Example: example,
		Args:    cmdutil.ExactArgs(1, "the link from the invitation email, its token, or - to read it from standard input"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Output.Validate(); err != nil {
				return err
			}
			if validate != nil {
				if err := validate(opts); err != nil {
					return err
				}
			}
			raw := args[0]
			if raw == "-" {
				s, err := readToken(opts.IO)
				if err != nil {
					return err
				}
				raw, opts.FromStdin = s, true
			}
			token, err := ParseToken(raw)
			if err != nil {
				return err
			}
			opts.Token = token
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return defaultRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddOutputFlags(cmd, &opts.Output)
	return cmd, opts
}

// maxTokenInput bounds what "-" reads: a link is well under this.
const maxTokenInput = 4096

// readToken reads the first line of standard input, asking for it when a
// person is at the terminal.
func readToken(ios *output.IOStreams) (string, error) {
	if ios.IsStdinTTY() {
		fmt.Fprint(ios.ErrOut, "Paste the link from the invitation email and press Enter: ")
	}
	line, err := bufio.NewReader(io.LimitReader(ios.In, maxTokenInput)).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("reading the link from standard input: %w", err)
	}
	if strings.TrimSpace(line) == "" {
		return "", reconi.Invalid("token", `standard input was empty: with "-", give the link from the invitation email on standard input`)
	}
	return line, nil
}

// ParseToken returns the invitation token in s: the token itself or a whole
// link ending in /invite/TOKEN, with or without a trailing path, query or
// fragment. The error never repeats s, which is a secret.
func ParseToken(s string) (string, error) {
	t := strings.TrimSpace(s)
	if i := strings.LastIndex(t, "/invite/"); i >= 0 {
		t = t[i+len("/invite/"):]
	}
	if i := strings.IndexAny(t, "/?#"); i >= 0 {
		t = t[:i]
	}
	if t == "" {
		return "", reconi.Invalid("token", "is empty: give the link from the invitation email, or the token at its end")
	}
	for _, r := range t {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_'
		if !ok {
			return "", reconi.Invalid("token", "this is not an invitation link or token: copy the whole link from the invitation email")
		}
	}
	return t, nil
}

// NewCmdShow returns `reconi invite show`: what the link shows first.
func NewCmdShow(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	cmd, _ := step(f, "show TOKEN|LINK|-", "Show the request behind an invitation link and the next step",
		`Show what the authorization manager requested for you: your details, the
organisation, the level of the means, the permissions and the validity, how
long the link is valid, and what to do next. Nothing changes.`,
		`  reconi invite show -
  reconi invite show - -o json < link.txt`,
		nil, runF, showRun)
	return cmd
}

func showRun(ctx context.Context, opts *Options) error {
	b, err := opts.Backend()
	if err != nil {
		return err
	}
	inv, err := b.Invitation(ctx, opts.Token)
	if err != nil {
		return err
	}
	return printInvitation(opts, inv, true)
}

// NewCmdConfirm returns `reconi invite confirm`: approve the details and
// have a code sent, as "Next" on the web page does.
func NewCmdConfirm(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	cmd, _ := step(f, "confirm TOKEN|LINK|-", "Approve your details and get a 6-digit code by SMS",
		`Approve the details that reconi invite show lists and have a 6-digit code
sent by SMS to your mobile number; enter it with reconi invite verify.

Run it again for a new code when the code did not arrive, expired, or was
entered wrong too often. Codes are limited: one a minute, five an hour.`,
		`  reconi invite confirm - < link.txt`,
		nil, runF, confirmRun)
	return cmd
}

func confirmRun(ctx context.Context, opts *Options) error {
	b, err := opts.Backend()
	if err != nil {
		return err
	}
	inv, err := b.Invitation(ctx, opts.Token)
	if err != nil {
		return err
	}
	switch inv.Next {
	case "confirm":
		if _, err = b.ConfirmDetails(ctx, opts.Token); err != nil {
			return err
		}
		opts.IO.Successf("Details confirmed")
	case "send_code", "verify":
		// Confirmed before: this asks for a (new) code.
	case "order":
		return reconi.Errorf(reconi.KindConflict, "your mobile number is verified already; order the means with: %s", hint(opts, "order"))
	default:
		return reconi.Errorf(reconi.KindConflict, "there is nothing left to confirm: the request is %s", inv.User.State)
	}
	if inv, err = b.SendCode(ctx, opts.Token); err != nil {
		return err
	}
	opts.IO.Successf("A 6-digit code was sent by SMS to %s", inv.User.Phone)
	return printInvitation(opts, inv, false)
}

// NewCmdVerify returns `reconi invite verify`: enter the SMS code.
func NewCmdVerify(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	cmd, opts := step(f, "verify TOKEN|LINK|- --code CODE", "Enter the 6-digit code from the SMS",
		`Enter the 6-digit code that reconi invite confirm had sent by SMS. A code is
valid for 10 minutes; after 5 wrong tries it is void and reconi invite
confirm sends a new one.`,
		`  reconi invite verify - --code 123456 < link.txt`,
		func(o *Options) error {
			if o.Code == "" {
				return cmdutil.FlagErrorf("--code is required: the 6-digit code from the SMS")
			}
			code, err := ParseCode(o.Code)
			if err != nil {
				return err
			}
			o.Code = code
			return nil
		}, runF, verifyRun)
	cmd.Flags().StringVar(&opts.Code, "code", "", "the 6-digit `code` from the SMS")
	return cmd
}

// ParseCode checks that s is 6 digits (spaces allowed), so that a typo is
// not counted as a wrong try.
func ParseCode(s string) (string, error) {
	c := strings.Join(strings.Fields(s), "")
	if len(c) != 6 || strings.Trim(c, "0123456789") != "" {
		return "", reconi.Invalid("code", "%q is not a code: want the 6 digits from the SMS, like 123456", s)
	}
	return c, nil
}

func verifyRun(ctx context.Context, opts *Options) error {
	b, err := opts.Backend()
	if err != nil {
		return err
	}
	inv, err := b.VerifyCode(ctx, opts.Token, opts.Code)
	if err != nil {
		return err
	}
	opts.IO.Successf("Mobile number %s verified", inv.User.Phone)
	return printInvitation(opts, inv, false)
}

// NewCmdOrder returns `reconi invite order`: the last step.
func NewCmdOrder(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	cmd, _ := step(f, "order TOKEN|LINK|-", "Order the means",
		`Order the eHerkenning means once your mobile number is verified. When you are
employed by the organisation it is issued at once. Otherwise you are asked by
email to identify yourself with the broker's partner within 30 days; a final
check follows, and you are emailed when the means is issued.`,
		`  reconi invite order - < link.txt`,
		nil, runF, orderRun)
	return cmd
}

func orderRun(ctx context.Context, opts *Options) error {
	b, err := opts.Backend()
	if err != nil {
		return err
	}
	inv, err := b.Order(ctx, opts.Token)
	if err != nil {
		return err
	}
	opts.IO.Successf("Ordered an eHerkenning means %s for %s", inv.Level, inv.Organization.Name)
	return printInvitation(opts, inv, true)
}

// printInvitation prints the invitation as the page would show it: all the
// details (full) or where the request stands, with the next step.
func printInvitation(opts *Options, inv *reconi.Invitation, full bool) error {
	if opts.Output.Machine() {
		return opts.Output.Print(opts.IO, inv, nil)
	}
	u := inv.User
	var pairs [][2]string
	if full {
		employed := "no: an identification with the broker's partner and a final check come first"
		if u.Employed {
			employed = "yes: the means is issued when you order"
		}
		branch := "none (all establishments)"
		if inv.Branch != "" {
			branch = string(inv.Branch)
		}
		pairs = append(pairs,
			[2]string{"Name", u.FirstName + " " + u.LastName},
			[2]string{"Email", u.Email},
			[2]string{"Mobile", u.Phone},
		)
		if u.DateOfBirth != "" {
			pairs = append(pairs, [2]string{"Date of birth", string(u.DateOfBirth)})
		}
		pairs = append(pairs,
			[2]string{"Employed", employed},
			[2]string{"Organisation", fmt.Sprintf("%s (%s)", inv.Organization.Name, inv.Organization.KVK)},
			[2]string{"Means", fmt.Sprintf("eHerkenning %s, valid %s", inv.Level, reconi.Years(inv.ValidityYears))},
			[2]string{"Branch", branch},
			[2]string{"Permissions", inv.Permissions.String()},
			[2]string{"Link valid until", inv.ExpiresAt.Local().Format("2006-01-02 15:04")},
		)
	}
	pairs = append(pairs, [2]string{"State", string(u.State)}, [2]string{"Next", nextStep(opts, inv)})
	return output.PrintKV(opts.IO, pairs)
}

// nextStep says what the user does next, in words and as a command.
func nextStep(opts *Options, inv *reconi.Invitation) string {
	u := inv.User
	switch inv.Next {
	case "confirm":
		return "if these details are right, approve them and get an SMS code: " + hint(opts, "confirm")
	case "send_code":
		return "get a code by SMS: " + hint(opts, "confirm")
	case "verify":
		return fmt.Sprintf("enter the code sent to %s: %s (no code? %s sends a new one)", u.Phone, hint(opts, "verify"), hint(opts, "confirm"))
	case "order":
		return "order the means: " + hint(opts, "order")
	}
	switch u.State {
	case reconi.UserIssued:
		return "nothing: your eHerkenning means is issued"
	case reconi.UserIdentificationPending:
		deadline := ""
		if u.DeadlineAt != nil {
			deadline = " before " + u.DeadlineAt.Local().Format("2006-01-02")
		}
		return "identify yourself with the broker's partner" + deadline + ", as the email explains; a final check follows"
	case reconi.UserOrdered, reconi.UserIdentified, reconi.UserFinalCheck:
		return "nothing: a final check follows, and you are emailed when your means is issued"
	}
	return fmt.Sprintf("nothing: the request is %s; ask your authorization manager", u.State)
}

// hint is the command for a step, with "-" when the token came from
// standard input and LINK otherwise: the token itself is never printed.
func hint(opts *Options, verb string) string {
	arg := "LINK"
	if opts.FromStdin {
		arg = "-"
	}
	s := "reconi invite " + verb + " " + arg
	if verb == "verify" {
		s += " --code CODE"
	}
	return s
}
