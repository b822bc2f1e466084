package users

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/cmd/internal/prompt"
	"github.com/reconi/reconi/cmd/shared"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
)

// AddOptions are the inputs of `reconi users add`.
type AddOptions struct {
	IO      *output.IOStreams
	Backend func() (reconi.Backend, error)
	Output  cmdutil.OutputFlags
	DraftID int64
	User    reconi.NewUser
}

// NewCmdAdd returns `reconi users add` (step 7, "Add user").
func NewCmdAdd(f *cmdutil.Factory, runF func(context.Context, *AddOptions) error) *cobra.Command {
	opts := &AddOptions{IO: f.IOStreams, Backend: f.Backend}
	var employed bool
	cmd := &cobra.Command{
		Use:   "add --first-name NAME --last-name NAME --email EMAIL --phone MOBILE --employed=true|false",
		Short: "Add a user to the draft",
		Long: `Add one user to the current draft. The mobile number receives the SMS code
when the user confirms, so it must be a mobile number; without a country code
it is read as Dutch. --employed says whether the user is employed by the
organisation: employed users are issued their means at once, others after an
identification and a final check.

On a terminal reconi asks for the details that are not given, checking each
answer; without one (or with --no-input, or CI=true) every flag but
--date-of-birth is required.`,
		Example: `  reconi users add --first-name Jan --last-name Jansen --email jan@example.nl \
    --phone "06 12345678" --employed=true`,
		Args: cmdutil.NoArgsAfterYesNo("employed"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var missing []string
			for _, name := range []string{"first-name", "last-name", "email", "phone", "employed"} {
				if !cmd.Flags().Changed(name) {
					missing = append(missing, "--"+name)
				}
			}
			if len(missing) > 0 && !f.IOStreams.CanPrompt() {
				return cmdutil.FlagErrorf("missing %s: every user needs a name, email, mobile number and whether they are employed", strings.Join(missing, ", "))
			}
			if err := opts.Output.Validate(); err != nil {
				return err
			}
			if cmd.Flags().Changed("employed") {
				opts.User.Employed = &employed
			}
			if len(missing) > 0 {
				// Someone at the terminal is asked for the rest; the date of
				// birth too when no detail was given at all.
				all := len(missing) == 5 && !cmd.Flags().Changed("date-of-birth")
				if err := shared.AskUser(cmd.Context(), prompt.New(f.IOStreams, f.Getenv), &opts.User, all, now(f)); err != nil {
					return err
				}
			}
			id, err := cmdutil.ResolveDraft(cmd, f.Config, f.Getenv)
			if err != nil {
				return err
			}
			opts.DraftID = id
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return addRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.User.FirstName, "first-name", "", "first `name`")
	fl.StringVar(&opts.User.LastName, "last-name", "", "last `name`, with any prefix (van der Berg)")
	fl.StringVar(&opts.User.Email, "email", "", "email `address`; the invitation goes there")
	fl.StringVar(&opts.User.Phone, "phone", "", "`mobile` number; the SMS code goes there (NL unless +CC)")
	fl.StringVar(&opts.User.DateOfBirth, "date-of-birth", "", "date of birth, `YYYY-MM-DD` (optional)")
	cmdutil.YesNoFlag(cmd, &employed, "employed", false, "whether the user is employed by the organisation (required; true/false, yes/no, ja/nee, 1/0)")
	cmdutil.DraftFlag(cmd)
	cmdutil.AddOutputFlags(cmd, &opts.Output)
	cmdutil.CreatesDatabase(cmd)
	return cmd
}

func addRun(ctx context.Context, opts *AddOptions) error {
	b, err := opts.Backend()
	if err != nil {
		return err
	}
	u, err := b.AddUser(ctx, opts.DraftID, opts.User)
	if err != nil {
		return err
	}
	if opts.Output.Machine() {
		return opts.Output.Print(opts.IO, u, nil)
	}
	opts.IO.Successf("Added %s to draft %d", u.Email, opts.DraftID)
	return printUsers(opts.IO, &opts.Output, []reconi.User{*u})
}

// printUsers prints users as a table or in the format asked for.
func printUsers(ios *output.IOStreams, o *cmdutil.OutputFlags, users []reconi.User) error {
	return o.Print(ios, users, func(t *output.Table) {
		t.AddHeader("ID", "EMAIL", "NAME", "PHONE", "EMPLOYED", "STATE")
		for _, u := range users {
			t.AddRow(strconv.FormatInt(u.ID, 10), u.Email, u.FirstName+" "+u.LastName, u.Phone,
				yesNo(u.Employed), string(u.State))
		}
	})
}

// userWriter prints users as printUsers does, a page at a time.
func userWriter(ios *output.IOStreams, o *cmdutil.OutputFlags) (*output.ListWriter[reconi.User], error) {
	f, err := output.ParseFormat(o.Format)
	if err != nil {
		return nil, &cmdutil.FlagError{Err: err}
	}
	return output.NewListWriter(ios, f, o.JQ, []string{"ID", "EMAIL", "NAME", "PHONE", "EMPLOYED", "STATE"},
		func(u reconi.User) []string {
			return []string{strconv.FormatInt(u.ID, 10), u.Email, u.FirstName + " " + u.LastName, u.Phone,
				yesNo(u.Employed), string(u.State)}
		}), nil
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// now is the factory's clock, or the wall clock.
func now(f *cmdutil.Factory) time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}
