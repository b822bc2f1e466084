package shared

import (
	"context"
	"fmt"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
)

// SubmitOptions say how to submit a draft (step 10).
type SubmitOptions struct {
	Output  cmdutil.OutputFlags
	DraftID int64
	// AgreeTerms is --agree-terms: submit without asking.
	AgreeTerms bool
	// MaxPriceCents refuses a total above it, when set.
	MaxPriceCents *int64
	// NotifyEmail receives the receipt and the confirmations of issuance.
	NotifyEmail string
	// IdempotencyKey makes a retried submit answer with the application it
	// submitted the first time instead of failing.
	IdempotencyKey string
}

// Submit is step 10: it shows the summary of the draft and the conditions,
// asks for agreement unless opts says it already, and submits. apply runs
// it, and the wizard ends with it.
func Submit(ctx context.Context, ios *output.IOStreams, b reconi.Backend, opts SubmitOptions) error {
	a, err := b.Application(ctx, opts.DraftID)
	if err != nil {
		return err
	}
	if a.State != reconi.AppDraft && opts.IdempotencyKey != "" && a.IdempotencyKey == opts.IdempotencyKey {
		// A retry of an apply that went through: answer as the first time.
		if opts.Output.Machine() {
			if err := AllUsers(ctx, b, a); err != nil {
				return err
			}
		}
		return PrintSubmitted(ios, &opts.Output, a)
	}
	if a.State == reconi.AppDiscarded {
		return reconi.Errorf(reconi.KindConflict, "draft %d was discarded", a.ID)
	}
	if a.State != reconi.AppDraft {
		return reconi.Errorf(reconi.KindConflict, "application %d was already submitted on %s", a.ID,
			a.SubmittedAt.Format("2006-01-02 15:04 MST"))
	}
	if err := a.Incomplete(a.UsersTotal); err != nil {
		// Before the summary and the question: nobody is asked to agree
		// to a draft that cannot be submitted.
		return err
	}
	terms, err := b.Terms(ctx)
	if err != nil {
		return err
	}
	// The summary counts the employed among all users.
	if err := AllUsers(ctx, b, a); err != nil {
		return err
	}
	if !opts.Output.Machine() {
		if err := printSummary(ios, a, terms); err != nil {
			return err
		}
	} else if !opts.AgreeTerms && ios.CanPrompt() {
		// stdout is for the JSON; whoever is asked to agree still reads
		// what they agree to, on stderr.
		errIO := *ios
		errIO.Out = ios.ErrOut
		if err := printSummary(&errIO, a, terms); err != nil {
			return err
		}
	}
	if !opts.AgreeTerms {
		if !ios.CanPrompt() {
			return cmdutil.FlagErrorf("--agree-terms is required when reconi cannot ask (no terminal, --no-input or CI); nothing was submitted")
		}
		ok, err := cmdutil.Confirm(ctx, ios, fmt.Sprintf("Do you agree to the conditions (version %s) and submit draft %d for %s?",
			terms.Version, a.ID, reconi.FormatCents(a.Quote.TotalCents)))
		if err != nil {
			return err
		}
		if !ok {
			PrintKept(ios, a.ID)
			return cmdutil.ErrCancel
		}
	}
	sub, err := b.Submit(ctx, a.ID, reconi.Submission{AgreeTerms: true, TermsVersion: terms.Version,
		MaxPriceCents: opts.MaxPriceCents, NotifyEmail: opts.NotifyEmail, IdempotencyKey: opts.IdempotencyKey})
	if err != nil {
		return err
	}
	if opts.Output.Machine() {
		if err := AllUsers(ctx, b, sub); err != nil {
			return err
		}
	}
	return PrintSubmitted(ios, &opts.Output, sub)
}

// PrintSubmitted says that sub was submitted, or prints it in the format
// the flags ask for.
func PrintSubmitted(ios *output.IOStreams, out *cmdutil.OutputFlags, sub *reconi.Application) error {
	if out.Machine() {
		return out.Print(ios, sub, nil)
	}
	if sub.Kind != reconi.AppKindNew && sub.Kind != "" {
		done, invited := 0, 0
		for _, l := range sub.Means {
			switch l.RequestState {
			case reconi.UserIssued:
				done++
			case reconi.UserDraft:
			default:
				invited++
			}
		}
		if sub.Kind == reconi.AppKindChange {
			ios.Successf("Submitted permission change %d: %s gained %s; see them with reconi means list --org %s",
				sub.ID, cmdutil.Count(done, "means", "means"), sub.Permissions, sub.Organization.KVK)
			return nil
		}
		ios.Successf("Submitted renewal %d: %s renewed now, %s invited to order again; follow it with reconi status %d",
			sub.ID, cmdutil.Count(done, "means", "means"), cmdutil.Count(invited, "user", "users"), sub.ID)
		return nil
	}
	ios.Successf("Submitted application %d: %s invited; follow it with reconi status %d", sub.ID, cmdutil.Count(sub.UsersTotal, "user", "users"), sub.ID)
	return nil
}

func printSummary(ios *output.IOStreams, a *reconi.Application, terms *reconi.Terms) error {
	cs := ios.ColorScheme()
	if a.Kind != reconi.AppKindNew && a.Kind != "" {
		if err := printLinesSummary(ios, a); err != nil {
			return err
		}
		fmt.Fprintf(ios.Out, "\n%s\n\n%s\n\n", cs.Bold(output.Safe(fmt.Sprintf("%s (version %s)", terms.Title, terms.Version))), output.Safe(terms.Text))
		return nil
	}
	var employed int
	for _, u := range a.Users {
		if u.Employed {
			employed++
		}
	}
	branch := "none (all establishments)"
	if a.Branch != "" {
		branch = string(a.Branch)
	}
	perms := a.Permissions.String()
	if a.Permissions == nil {
		perms = "not set: run reconi permissions set"
	}
	validity := "not set"
	switch {
	case a.ValidityYears == 1:
		validity = "1 year"
	case a.ValidityYears > 0:
		validity = fmt.Sprintf("%d years", a.ValidityYears)
	}
	fmt.Fprintln(ios.Out, cs.Bold(fmt.Sprintf("Summary of draft %d", a.ID)))
	if err := output.PrintKV(ios, [][2]string{
		{"Organisation", fmt.Sprintf("%s (%s)", a.Organization.Name, a.Organization.KVK)},
		{"Level", string(a.Level)},
		{"Branch", branch},
		{"Users", fmt.Sprintf("%d (%d employed, %d to be identified)", a.UsersTotal, employed, a.UsersTotal-employed)},
		{"Permissions", perms},
		{"Validity", validity},
	}); err != nil {
		return err
	}
	if err := printLinks(ios, a); err != nil {
		return err
	}
	fmt.Fprintln(ios.Out)
	if err := PrintQuote(ios, &a.Quote); err != nil {
		return err
	}
	fmt.Fprintf(ios.Out, "\n%s\n\n%s\n\n", cs.Bold(output.Safe(fmt.Sprintf("%s (version %s)", terms.Title, terms.Version))), output.Safe(terms.Text))
	return nil
}
