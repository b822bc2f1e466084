// Package cmd is reconi's command tree. Each noun has its own package whose
// constructors take a *cmdutil.Factory, which cmd/factory builds; this file
// puts them together, owns the global flags and maps errors to exit codes.
//
// Its end-to-end tests, and every command's, are in test/cli.
package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"os/user"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd/apply"
	"github.com/reconi/reconi/cmd/auth"
	"github.com/reconi/reconi/cmd/cancel"
	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/cmd/drafts"
	"github.com/reconi/reconi/cmd/factory"
	"github.com/reconi/reconi/cmd/gendocs"
	"github.com/reconi/reconi/cmd/identification"
	"github.com/reconi/reconi/cmd/invite"
	"github.com/reconi/reconi/cmd/means"
	"github.com/reconi/reconi/cmd/org"
	"github.com/reconi/reconi/cmd/outbox"
	"github.com/reconi/reconi/cmd/permissions"
	"github.com/reconi/reconi/cmd/plan"
	"github.com/reconi/reconi/cmd/prices"
	"github.com/reconi/reconi/cmd/review"
	"github.com/reconi/reconi/cmd/serve"
	"github.com/reconi/reconi/cmd/services"
	"github.com/reconi/reconi/cmd/status"
	"github.com/reconi/reconi/cmd/tokens"
	"github.com/reconi/reconi/cmd/users"
	"github.com/reconi/reconi/cmd/version"
	"github.com/reconi/reconi/cmd/wizard"
	"github.com/reconi/reconi/internal/buildinfo"
	"github.com/reconi/reconi/internal/config"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
)

// Exit codes. They are part of reconi's interface and listed in the README.
const (
	ExitOK           = 0
	ExitError        = 1 // internal or unexpected error
	ExitUsage        = 2 // bad flags or arguments
	ExitInvalid      = 3 // invalid input: a bad value, bad CSV rows, over --max-price
	ExitNotFound     = 4
	ExitConflict     = 5 // already exists, already submitted, changed meanwhile
	ExitUnauthorized = 6 // not logged in, or the role may not do this
	ExitTimeout      = 7 // status --wait: --timeout ran out before every user got there
	ExitEnded        = 8 // status --wait: a user's request ended rejected, expired or cancelled
	ExitUnavailable  = 9 // the server is busy with the same request (or down for a moment): retry
	ExitCancelled    = 130
)

// ExitCode maps an error to reconi's exit code.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	// A command with an outcome of its own (status --wait, plan) says its
	// code, whatever caused it.
	var coded interface{ ExitCode() int }
	if errors.As(err, &coded) {
		return coded.ExitCode()
	}
	var jq *output.JQError
	switch {
	case cmdutil.IsFlagError(err), errors.As(err, &jq), strings.HasPrefix(err.Error(), "unknown command "):
		return ExitUsage
	case errors.Is(err, cmdutil.ErrCancel), errors.Is(err, context.Canceled):
		return ExitCancelled
	}
	var e *reconi.Error
	if !errors.As(err, &e) {
		return ExitError
	}
	switch e.Kind {
	case reconi.KindInvalid:
		return ExitInvalid
	case reconi.KindNotFound:
		return ExitNotFound
	case reconi.KindConflict:
		return ExitConflict
	case reconi.KindUnauthorized, reconi.KindForbidden:
		return ExitUnauthorized
	case reconi.KindUnavailable:
		return ExitUnavailable
	}
	return ExitError
}

// Main runs reconi with the process's arguments and streams and returns the
// exit code.
func Main() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Run(ctx, os.Args[1:], output.System(), os.Getenv)
}

// Run runs reconi as Main does, with everything it touches given: tests call
// it with test streams and their own environment.
func Run(ctx context.Context, args []string, ios *output.IOStreams, getenv func(string) string) int {
	// The embedded backend acts for the person at the terminal, who owns the
	// database file.
	ctx = reconi.WithActor(ctx, reconi.Actor{Name: localUser(getenv), Role: reconi.RoleLocal})
	f := factory.New(ctx, ios, getenv)
	defer f.Close()
	root := NewCmdRoot(f.Factory)
	if len(args) > 0 && (args[0] == cobra.ShellCompRequestCmd || args[0] == cobra.ShellCompNoDescRequestCmd) {
		// Only a shell asking for completions needs the shared flags'
		// completion wired: on every command, that is a walk of the whole
		// tree, half the cost of building it.
		cmdutil.CompleteFlags(root, f.Factory)
		f.ForCompletion()
	}
	root.SetArgs(args)
	root.SetIn(ios.In)
	root.SetOut(ios.Out)
	root.SetErr(ios.ErrOut)

	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		// Embedded commands deliver what they wrote to the outbox before
		// they exit; a failed delivery is retried by the next command.
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if derr := f.DeliverOutbox(dctx); derr != nil {
			ios.Warnf("delivering the outbox: %v", derr)
		}
		return ExitOK
	}
	// The service says what is wrong; the CLI adds which flag or command
	// puts it right.
	code := ExitCode(err)
	if wantsJSON(cmd) && !cmdutil.IsFlagError(err) && code != ExitUsage {
		printJSONError(ios, cmdutil.WithHint(err), code)
		return code
	}
	printError(ios, cmd, cmdutil.WithHint(err))
	return code
}

// wantsJSON reports whether the command that ran asked for JSON (-o json or
// --jq): its errors are then data too.
func wantsJSON(cmd *cobra.Command) bool {
	if cmd == nil {
		return false
	}
	if jq := cmd.Flags().Lookup("jq"); jq != nil && jq.Value.String() != "" {
		return true
	}
	o := cmd.Flags().Lookup("output")
	return o != nil && strings.EqualFold(o.Value.String(), "json")
}

// jsonError is what a failing command writes to stderr with -o json or
// --jq. Its field names are part of reconi's interface (README, Output).
type jsonError struct {
	Error struct {
		Kind        reconi.Kind    `json:"kind"`
		Message     string         `json:"message"`
		Rows        []jsonErrorRow `json:"rows,omitempty"`
		RowsOmitted int            `json:"rows_omitted,omitempty"`
	} `json:"error"`
}

// jsonErrorRow is a reconi.RowError; its message says what is allowed.
type jsonErrorRow struct {
	Line    int    `json:"line,omitempty"`
	Source  string `json:"source,omitempty"`
	Field   string `json:"field"`
	Value   string `json:"value,omitempty"`
	Message string `json:"message"`
}

func printJSONError(ios *output.IOStreams, err error, code int) {
	var exit *cmdutil.ExitError
	if errors.Is(err, cmdutil.ErrCancel) || (errors.As(err, &exit) && exit.Quiet) {
		return
	}
	var je jsonError
	je.Error.Kind = jsonKind(err, code)
	je.Error.Message = err.Error()
	var e *reconi.Error
	if errors.As(err, &e) {
		if len(e.Rows) > 0 {
			// The rows are listed apart; the message is the summary alone.
			je.Error.Message = e.Message
		}
		for _, r := range e.Rows {
			je.Error.Rows = append(je.Error.Rows, jsonErrorRow(r))
		}
		je.Error.RowsOmitted = e.RowsOmitted
	}
	enc := json.NewEncoder(ios.ErrOut)
	enc.SetEscapeHTML(false)
	if enc.Encode(je) != nil {
		fmt.Fprintf(ios.ErrOut, "error: %s\n", output.Safe(err.Error()))
	}
}

// jsonKind is the domain kind of err, or, for an outcome the CLI decides
// (status --wait), a kind named after its exit code.
func jsonKind(err error, code int) reconi.Kind {
	var e *reconi.Error
	if errors.As(err, &e) {
		return e.Kind
	}
	switch code {
	case ExitTimeout:
		return "timeout"
	case ExitEnded:
		return "ended"
	case ExitCancelled:
		return "cancelled"
	}
	return reconi.KindInternal
}

func printError(ios *output.IOStreams, cmd *cobra.Command, err error) {
	var exit *cmdutil.ExitError
	if errors.Is(err, cmdutil.ErrCancel) || (errors.As(err, &exit) && exit.Quiet) {
		return
	}
	cs := ios.ColorScheme()
	// Errors quote names and values a user gave: escape what a terminal would act on.
	fmt.Fprintf(ios.ErrOut, "%s %s\n", cs.Red("error:"), output.Safe(err.Error()))
	if (cmdutil.IsFlagError(err) || strings.HasPrefix(err.Error(), "unknown command ")) && cmd != nil {
		fmt.Fprintf(ios.ErrOut, "Run '%s --help' for usage.\n", cmd.CommandPath())
	}
}

func localUser(getenv func(string) string) string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if u := getenv("USER"); u != "" {
		return u
	}
	return "local"
}

// keepCommandOrder makes help list commands in the order they are added,
// the wizard's order. cobra keeps that setting in a package variable, set
// once so that trees built in parallel tests do not race on it.
var keepCommandOrder sync.Once

// NewCmdRoot builds the command tree.
func NewCmdRoot(f *cmdutil.Factory) *cobra.Command {
	keepCommandOrder.Do(func() { cobra.EnableCommandSorting = false })
	var (
		cfgFile, profile string
		noInput          bool
		running          *cobra.Command
	)
	f.MayCreateDatabase = func() bool { return cmdutil.MayCreateDatabase(running) }
	root := &cobra.Command{
		Use:   "reconi",
		Short: "Add eHerkenning users for your organisations from the terminal",
		Long: `reconi is the eHerkenning broker's add-users wizard as a command-line tool.

Pick the organisation and assurance level, add users one by one or from a CSV
file, set their permissions and validity, read the quote and agree to the
conditions. Then follow the applications in progress.

By default reconi keeps everything in a local SQLite database; with --server it
talks to a shared reconi server instead. The commands are the same.`,
		Example: `  reconi org select 69599084 --level EH3
  reconi users import users.csv
  reconi permissions set --all-services --validity 3y
  reconi apply --agree-terms
  reconi status`,
		SilenceErrors: true,
		SilenceUsage:  true,
		Version:       buildinfo.Get().Summary(),
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			running = cmd
			if noInput || ciEnv(f.Getenv) {
				f.IOStreams.SetNeverPrompt(true)
			}
			return nil
		},
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &cmdutil.FlagError{Err: err} })

	pf := root.PersistentFlags()
	pf.StringVar(&cfgFile, "config", "", "config `file` (default $XDG_CONFIG_HOME/reconi/config.yaml; env RECONI_CONFIG)")
	pf.StringVar(&profile, "profile", "", "configuration `profile` to use (env RECONI_PROFILE)")
	pf.String(config.KeyDB, "", "SQLite database `file`, or a postgres:// URL (default $XDG_DATA_HOME/reconi/reconi.db; env RECONI_DB)")
	pf.String(config.KeyServer, "", "reconi server `URL`; empty for the local database (env RECONI_SERVER)")
	pf.String(config.KeyToken, "", "API `token` for --server (env RECONI_TOKEN)")
	pf.BoolVar(&noInput, "no-input", false, "never prompt; fail when something is missing (also when CI=true)")

	// Config reads the flags above, so the root command builds it; the
	// rest of the Factory comes from cmd/factory.
	var loaded *config.Config
	load := func(check bool) (*config.Config, error) {
		if loaded == nil {
			c, err := config.Load(cfgFile, profile, pf, f.Getenv)
			if err != nil {
				return nil, reconi.Invalid("config", "%v", err)
			}
			loaded = c
		}
		if check {
			if err := loaded.Check(); err != nil {
				return nil, reconi.Invalid("config", "%v", err)
			}
		}
		return loaded, nil
	}
	f.Config = func() (*config.Config, error) { return load(true) }
	f.NewProfileConfig = func() (*config.Config, error) { return load(false) }

	root.AddGroup(
		&cobra.Group{ID: "wizard", Title: "The add-users wizard, in order:"},
		&cobra.Group{ID: "pipelines", Title: "Declarative onboarding for pipelines:"},
		&cobra.Group{ID: "user", Title: "The user's steps (from the invitation email):"},
		&cobra.Group{ID: "follow", Title: "Follow up:"},
		&cobra.Group{ID: "after", Title: "After issuance:"},
		&cobra.Group{ID: "broker", Title: "The broker's data (operators):"},
		&cobra.Group{ID: "server", Title: "Sharing a backend:"},
	)
	add := func(group string, cmds ...*cobra.Command) {
		for _, c := range cmds {
			c.GroupID = group
			root.AddCommand(c)
		}
	}
	add("wizard", wizard.NewCmdWizard(f, nil), org.NewCmdOrg(f), users.NewCmdUsers(f), permissions.NewCmdPermissions(f), apply.NewCmdApply(f, nil))
	add("pipelines", plan.NewCmdPlan(f, nil))
	add("user", invite.NewCmdInvite(f))
	add("follow", status.NewCmdStatus(f, nil), cancel.NewCmdCancel(f, nil), outbox.NewCmdOutbox(f))
	add("wizard", drafts.NewCmdDrafts(f))
	add("after", means.NewCmdMeans(f))
	add("broker", services.NewCmdServices(f), prices.NewCmdPrices(f), identification.NewCmdIdentification(f), review.NewCmdReview(f))
	add("server", auth.NewCmdAuth(f), serve.NewCmdServe(f, nil), tokens.NewCmdTokens(f))
	root.AddCommand(version.NewCmdVersion(f, nil), gendocs.NewCmdGenDocs(f, nil))
	requireSubcommand(root)
	return root
}

// requireSubcommand makes every command that only groups others ("reconi
// users") print its help when called alone and fail with a usage error on
// an unknown subcommand, suggesting the nearest names as cobra does only at
// the root.
func requireSubcommand(c *cobra.Command) {
	for _, sub := range c.Commands() {
		requireSubcommand(sub)
	}
	if c.HasParent() && c.HasSubCommands() && c.Run == nil && c.RunE == nil {
		// cobra sets its default distance only on the root's own path.
		c.SuggestionsMinimumDistance = 2
		c.Args = func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				if sugg := cmd.SuggestionsFor(args[0]); len(sugg) > 0 {
					return cmdutil.FlagErrorf("unknown command %q for %q; did you mean %s?", args[0], cmd.CommandPath(), strings.Join(sugg, " or "))
				}
				return cmdutil.FlagErrorf("unknown command %q for %q", args[0], cmd.CommandPath())
			}
			return nil
		}
		c.RunE = func(cmd *cobra.Command, args []string) error { return cmd.Help() }
	}
}

// ciEnv reports whether CI is set to a true value, as CI systems do.
func ciEnv(getenv func(string) string) bool {
	v := strings.ToLower(getenv("CI"))
	return v != "" && v != "false" && v != "0"
}
