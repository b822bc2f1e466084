// Package wizard holds `reconi wizard`: every step of the web portal's
// add-users wizard in order, asked on the terminal.
//
// Its end-to-end tests are in test/cli: wizard_test.go.
package wizard

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/cmd/internal/prompt"
	"github.com/reconi/reconi/cmd/shared"
	"github.com/reconi/reconi/internal/config"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
)

// Options are the inputs of `reconi wizard`.
type Options struct {
	IO      *output.IOStreams
	Backend func() (reconi.Backend, error)
	// Config and Getenv say where the new draft is remembered as current;
	// Getenv also chooses how questions are asked.
	Config func() (*config.Config, error)
	Getenv func(string) string
	Now    func() time.Time
}

// NewCmdWizard returns `reconi wizard`.
func NewCmdWizard(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Backend: f.Backend, Config: f.Config, Getenv: f.Getenv, Now: f.Now}
	cmd := &cobra.Command{
		Use:   "wizard",
		Short: "Walk through every step, asked on the terminal: organisation to agreement",
		Long: `Take every step of the add-users wizard in the web portal's order, answering
questions on the terminal:

  3-6  the organisation, the assurance level, and whether to restrict the
       users to a branch (not advised)
  7    add users one by one, or import a CSV file, as often as needed
  9    permissions (directly? all services? else providers or services) and
       their validity; the quote follows
  10   the summary and the conditions: agree, and the application is
       submitted

The draft it starts becomes the current draft, so that if you stop halfway
the other commands (users add, permissions set, apply) carry on from there.
When there is a current draft, the wizard first offers to resume it: yes
goes on at step 7 with its users (and offers to keep its permissions), no
starts a new draft. 'reconi drafts use ID' makes another draft the current
one; declining at step 10 keeps the draft and says how to resume or
discard it.
The wizard needs a terminal: with --no-input, CI=true or without one, use
those commands, or 'reconi apply -f FILE' for a whole onboarding from a file.
RECONI_ACCESSIBLE=1 asks line by line, for screen readers.`,
		Example: `  reconi wizard`,
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !f.IOStreams.CanPrompt() {
				return cmdutil.FlagErrorf("reconi wizard asks its questions on a terminal; without one (or with --no-input, or CI=true) use org select, users add or import, permissions set and apply, or apply -f FILE")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return wizardRun(cmd.Context(), opts)
		},
	}
	cmdutil.CreatesDatabase(cmd)
	return cmd
}

func wizardRun(ctx context.Context, opts *Options) error {
	ios := opts.IO
	p := prompt.New(ios, opts.Getenv)
	b, err := opts.Backend()
	if err != nil {
		return err
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	cs := ios.ColorScheme()
	step := func(n, title string) {
		fmt.Fprintf(ios.ErrOut, "\n%s\n", cs.Bold(fmt.Sprintf("Step %s: %s", n, title)))
	}

	a, err := resume(ctx, opts, p, b)
	if err != nil {
		return err
	}
	resumed := a != nil
	if !resumed {
		step("3-6", "organisation, level and branch")
		if a, err = start(ctx, opts, p, b); err != nil {
			return err
		}
	}

	step("7", "users")
	if err := addUsers(ctx, ios, p, b, a.ID, now, a.UsersTotal); err != nil {
		return err
	}

	step("9", "permissions and validity")
	keep := false
	if resumed && a.Permissions != nil {
		if keep, err = p.Confirm(ctx, fmt.Sprintf("Keep the permissions set before (%s, %s)?", a.Permissions, reconi.Years(a.ValidityYears)), true); err != nil {
			return err
		}
	}
	for !keep {
		in := reconi.PermissionsInput{Direct: true}
		if err := (shared.Ask{Direct: true, Scope: true, Validity: true}).Run(ctx, p, b, a.Level, &in); err != nil {
			return err
		}
		withPerms, err := b.SetPermissions(ctx, a.ID, in)
		if retry(ios, err, reconi.KindInvalid) {
			continue
		}
		if err != nil {
			return err
		}
		for _, w := range withPerms.Warnings {
			ios.Warnf("%s", w)
		}
		break
	}

	step("10", "summary and conditions")
	return shared.Submit(ctx, ios, b, shared.SubmitOptions{DraftID: a.ID, Output: cmdutil.OutputFlags{Format: string(output.FormatTable)}})
}

// resume offers to carry on with the current draft, when there is one
// still a draft, and returns it when the answer is yes; nil otherwise.
func resume(ctx context.Context, opts *Options, p *prompt.Prompter, b reconi.Backend) (*reconi.Application, error) {
	id, err := shared.CurrentDraft(opts.Config, opts.Getenv)
	if err != nil || id == 0 {
		return nil, err
	}
	a, err := b.Application(ctx, id)
	if reconi.ErrorKind(err) == reconi.KindNotFound || (err == nil && a.State != reconi.AppDraft) {
		// Gone or submitted since: nothing to resume.
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	ok, err := p.Confirm(ctx, fmt.Sprintf("Resume the current draft %d for %s (%s) at %s, with %s?",
		a.ID, output.Safe(a.Organization.Name), a.Organization.KVK, a.Level, cmdutil.Count(a.UsersTotal, "user", "users")), true)
	if err != nil || !ok {
		return nil, err
	}
	opts.IO.Successf("Resuming draft %d", a.ID)
	return a, nil
}

// start is steps 3-6: it asks for the organisation, level and branch and
// starts a draft, which becomes the current draft.
func start(ctx context.Context, opts *Options, p *prompt.Prompter, b reconi.Backend) (*reconi.Application, error) {
	kvk, err := shared.AskOrganization(ctx, p, b)
	if err != nil {
		return nil, err
	}
	level, err := shared.AskLevel(ctx, p)
	if err != nil {
		return nil, err
	}
	o, err := b.Organization(ctx, reconi.KVK(kvk))
	if err != nil {
		return nil, err
	}
	branch, err := shared.AskBranch(ctx, p, o)
	if err != nil {
		return nil, err
	}
	a, err := shared.StartDraft(ctx, opts.IO, b, reconi.NewDraft{KVK: kvk, Level: level, Branch: branch}, opts.Config, opts.Getenv)
	if err != nil {
		return nil, err
	}
	shared.PrintStarted(opts.IO, a, o)
	return a, nil
}

// addUsers is step 7: users one by one or from CSV files, until done;
// count users are in the draft already.
func addUsers(ctx context.Context, ios *output.IOStreams, p *prompt.Prompter, b reconi.Backend, draftID int64, now func() time.Time, count int) error {
	for {
		def := "add"
		done := "Done: on to the permissions"
		if count > 0 {
			def = "done"
			done = fmt.Sprintf("Done with %d users: on to the permissions", count)
			if count == 1 {
				done = "Done with 1 user: on to the permissions"
			}
		}
		choice, err := p.Select(ctx, "Add users", []prompt.Option{
			{Label: "Add a user", Value: "add"},
			{Label: "Import a CSV file (reconi users import --template shows the columns)", Value: "import"},
			{Label: done, Value: "done"},
		}, def)
		if err != nil {
			return err
		}
		switch choice {
		case "add":
			var u reconi.NewUser
			if err := shared.AskUser(ctx, p, &u, true, now()); err != nil {
				return err
			}
			added, err := b.AddUser(ctx, draftID, u)
			// A bad value, or an email already in the draft.
			if retry(ios, err, reconi.KindInvalid, reconi.KindConflict) {
				continue
			}
			if err != nil {
				return err
			}
			count++
			ios.Successf("Added %s", added.Email)
		case "import":
			path, err := p.Input(ctx, "CSV file to import", "", func(s string) error {
				if s == "" {
					return errors.New("name a CSV file")
				}
				_, err := os.Stat(s)
				return err
			})
			if err != nil {
				return err
			}
			res, err := shared.ImportFile(ctx, ios, func() (reconi.Backend, error) { return b, nil }, draftID, path, reconi.ImportOptions{})
			if retry(ios, err, reconi.KindInvalid) {
				continue
			}
			if err != nil {
				return err
			}
			count += res.Added
			ios.Successf("Added %s from %s", cmdutil.Count(res.Added, "user", "users"), path)
		default:
			if count == 0 {
				ios.Warnf("add at least one user first")
				continue
			}
			return nil
		}
	}
}

// retry reports whether err is of one of the kinds the person can put
// right by answering again, after showing it.
func retry(ios *output.IOStreams, err error, kinds ...reconi.Kind) bool {
	if err == nil || !slices.Contains(kinds, reconi.ErrorKind(err)) {
		return false
	}
	fmt.Fprintf(ios.ErrOut, "%s %s\n", ios.ColorScheme().FailureIcon(), output.Safe(cmdutil.WithHint(err).Error()))
	return true
}
