package apply

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/cmd/internal/progress"
	"github.com/reconi/reconi/cmd/shared"
	"github.com/reconi/reconi/internal/manifest"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
)

// FileResult is what `reconi apply -f FILE -o json` prints: the plan it
// followed and the application it submitted (null when there was nothing
// to do). The field names are part of reconi's interface.
type FileResult struct {
	Plan *manifest.Plan `json:"plan"`
	// Application is the application submitted now or, when there was no
	// one to add, the latest one the manifest's users are in, so that a
	// rerun prints the same .application.id; null only for a manifest
	// none of whose users was ever asked for.
	Application *reconi.Application `json:"application"`
	// Applications lists every application the manifest's users are in.
	Applications []int64 `json:"applications"`
	// Withdrawn reports the leavers' means withdrawn with --prune.
	Withdrawn *reconi.WithdrawResult `json:"withdrawn,omitempty"`
}

// applyFileRun applies a manifest: plan, refuse conflicts, then draft,
// permissions, the new users and submit.
func applyFileRun(ctx context.Context, opts *Options) error {
	m, err := shared.LoadManifest(opts.IO, opts.File, opts.Now, opts.AllowOutsideFiles)
	if err != nil {
		return err
	}
	b, err := opts.Backend()
	if err != nil {
		return err
	}
	p, err := manifest.Compute(ctx, b, m, manifest.PlanOptions{Prune: opts.Prune, PruneLimit: opts.PruneLimit})
	if err != nil {
		return err
	}
	if opts.MaxPriceCents != nil {
		p.MaxPriceCents = opts.MaxPriceCents
	}
	fp := fingerprint(m, p)
	if opts.IdempotencyKey != "" {
		// A key already used: the same manifest is answered with what it
		// submitted then, another one is refused before anything is written.
		prior, err := submittedWithKey(ctx, b, m, opts.IdempotencyKey, fp)
		if err != nil || prior != nil {
			if err == nil {
				err = replay(ctx, opts, b, p, prior)
			}
			return err
		}
	}
	// Everything that can be known before writing is checked before
	// writing: a refusal leaves nothing behind.
	if err := p.Check(); err != nil {
		return err
	}
	machine := opts.Output.Machine()
	if !machine {
		if err := shared.PrintPlan(opts.IO, &opts.Output, p); err != nil {
			return err
		}
	}
	if !p.Changes {
		fmt.Fprintf(opts.IO.ErrOut, "Nothing to do: %s\n", shared.PlanSummary(p))
		if machine {
			res := FileResult{Plan: p, Applications: applicationsOf(p, 0)}
			if n := len(res.Applications); n > 0 {
				if res.Application, err = b.Application(ctx, res.Applications[n-1]); err != nil {
					return err
				}
				if err := shared.AllUsers(ctx, b, res.Application); err != nil {
					return err
				}
			}
			return opts.Output.Print(opts.IO, res, nil)
		}
		return nil
	}
	res := FileResult{Plan: p}
	if p.New > 0 {
		if res.Application, err = submitNew(ctx, opts, b, m, p, fp); err != nil {
			return err
		}
	}
	if p.Prune && p.Withdraw > 0 {
		res.Withdrawn, err = b.WithdrawMeans(ctx, reconi.Withdrawal{KVK: string(m.Organization), Emails: p.Leavers(),
			Reason: "not in " + m.File})
		if err != nil {
			return err
		}
	}
	if machine {
		var submitted int64
		if res.Application != nil {
			submitted = res.Application.ID
		}
		res.Applications = applicationsOf(p, submitted)
		// The result names every user submitted: the manifest held them all.
		if res.Application != nil {
			if err := shared.AllUsers(ctx, b, res.Application); err != nil {
				return err
			}
		}
		return opts.Output.Print(opts.IO, res, nil)
	}
	if res.Withdrawn != nil {
		opts.IO.Successf("Withdrew %d means of leavers not in %s", len(res.Withdrawn.Withdrawn), m.File)
	}
	if res.Application != nil {
		return shared.PrintSubmitted(opts.IO, &opts.Output, res.Application)
	}
	return nil
}

// submitNew asks to agree to the conditions where it must, then starts a
// draft with the plan's new users and the manifest's permissions, and
// submits it.
func submitNew(ctx context.Context, opts *Options, b reconi.Backend, m *manifest.Manifest, p *manifest.Plan, fp string) (*reconi.Application, error) {
	machine := opts.Output.Machine()
	terms, err := b.Terms(ctx)
	if err != nil {
		return nil, err
	}
	if !opts.AgreeTerms {
		// RunE let this through only for someone at a terminal. They read
		// what they agree to; on stderr when stdout is for JSON.
		out := opts.IO.Out
		if machine {
			out = opts.IO.ErrOut
		}
		fmt.Fprintf(out, "\n%s (version %s)\n\n%s\n\n", output.Safe(terms.Title), output.Safe(terms.Version), output.Safe(terms.Text))
		ok, err := cmdutil.Confirm(ctx, opts.IO, fmt.Sprintf("Do you agree to the conditions (version %s) and submit %s for %d new users for %s?",
			terms.Version, m.File, p.New, reconi.FormatCents(p.Quote.TotalCents)))
		if err != nil {
			return nil, err
		}
		if !ok {
			fmt.Fprintln(opts.IO.ErrOut, "Nothing was applied.")
			return nil, cmdutil.ErrCancel
		}
	}

	a, err := b.CreateDraft(ctx, reconi.NewDraft{KVK: string(m.Organization), Level: string(m.Level), Branch: string(m.Branch)})
	if err != nil {
		return nil, err
	}
	warned := make(map[string]bool)
	warn := func(ws []string) {
		for _, w := range ws {
			if !warned[w] {
				warned[w] = true
				opts.IO.Warnf("%s", w)
			}
		}
	}
	warn(a.Warnings)
	stopped := func(err error) error {
		return fmt.Errorf("applying %s stopped; draft %d stays a draft (see reconi status %d): %w", m.File, a.ID, a.ID, err)
	}
	// Permissions first: what the catalogue refuses is then found before
	// the users are sent.
	withPerms, err := b.SetPermissions(ctx, a.ID, m.Permissions)
	if err != nil {
		return nil, stopped(err)
	}
	warn(withPerms.Warnings)
	if err := importUsers(ctx, opts.IO, b, a.ID, p.NewUsers()); err != nil {
		return nil, stopped(err)
	}
	sub, err := b.Submit(ctx, a.ID, reconi.Submission{AgreeTerms: true, TermsVersion: terms.Version,
		MaxPriceCents: p.MaxPriceCents, NotifyEmail: cmp.Or(m.NotifyEmail, opts.NotifyEmail), IdempotencyKey: opts.IdempotencyKey, Fingerprint: fp})
	if err != nil {
		return nil, stopped(err)
	}
	return sub, nil
}

// importUsers adds users to the draft in one ImportUserRows request, all
// or nothing. The rows are made from the manifest's users as they are sent,
// so a large manifest is never held twice in memory; a bad row's error
// names its place in the manifest (or its users file).
func importUsers(ctx context.Context, ios *output.IOStreams, b reconi.Backend, draftID int64, users []manifest.User) error {
	bar := progress.Count(ios, len(users), "Adding users")
	defer bar.Done()
	// A retry ranges over the rows again; the bar counts the first pass.
	sent := 0
	rows := func(yield func(reconi.UserRow, error) bool) {
		for i, u := range users {
			if !yield(u.Row(), nil) {
				return
			}
			if i >= sent {
				sent++
				bar.Add(1)
			}
		}
	}
	res, err := b.ImportUserRows(ctx, draftID, rows, reconi.ImportOptions{})
	if err != nil {
		return err
	}
	if res.Added != len(users) {
		return reconi.Errorf(reconi.KindInternal, "the import added %d of %s", res.Added, cmdutil.Count(len(users), "user", "users"))
	}
	return nil
}

// applicationsOf lists, in order, the applications the manifest's present
// users are in, and submitted when it is not 0.
func applicationsOf(p *manifest.Plan, submitted int64) []int64 {
	ids := []int64{}
	for _, u := range p.Users {
		if u.Action == manifest.ActionPresent && !slices.Contains(ids, u.ApplicationID) {
			ids = append(ids, u.ApplicationID)
		}
	}
	if submitted != 0 && !slices.Contains(ids, submitted) {
		ids = append(ids, submitted)
	}
	slices.Sort(ids)
	return ids
}

// fingerprint is what the manifest asks for, as a hash: organisation,
// level, branch, users (without where in the file each was), permissions,
// validity, max price and notify email. It goes with --idempotency-key, so
// that the key applied again with another manifest is refused.
func fingerprint(m *manifest.Manifest, p *manifest.Plan) string {
	type user struct {
		FirstName, LastName, Email, Phone, DateOfBirth string
		Employed                                       bool
	}
	req := struct {
		Organization  reconi.KVK
		Level         reconi.Level
		Branch        reconi.BranchNumber
		Users         []user
		Permissions   reconi.PermissionsInput
		MaxPriceCents *int64
		NotifyEmail   string
	}{Organization: m.Organization, Level: m.Level, Branch: m.Branch, Permissions: m.Permissions,
		MaxPriceCents: p.MaxPriceCents, NotifyEmail: m.NotifyEmail}
	for _, u := range m.Users {
		req.Users = append(req.Users, user{u.FirstName, u.LastName, u.Email, u.Phone, string(u.DateOfBirth), u.Employed})
	}
	b, _ := json.Marshal(req)
	sum := sha256.Sum256(b)
	return "manifest:" + hex.EncodeToString(sum[:])
}

// submittedWithKey returns the organisation's application submitted with
// key, or nil; the key used with another manifest is a conflict.
func submittedWithKey(ctx context.Context, b reconi.Backend, m *manifest.Manifest, key, fp string) (*reconi.Application, error) {
	page, err := b.Applications(ctx, reconi.ApplicationFilter{KVK: string(m.Organization), IdempotencyKey: key, Limit: 1})
	if err != nil || len(page.Applications) == 0 {
		return nil, err
	}
	a, err := b.Application(ctx, page.Applications[0].ID)
	if err != nil {
		return nil, err
	}
	if a.IdempotencyFingerprint != fp {
		return nil, reconi.Errorf(reconi.KindConflict, "idempotency key %q was used for another request (application %d, from another manifest); nothing was applied: use a new key for a new request",
			reconi.Excerpt(key), a.ID)
	}
	return a, nil
}

// replay answers a manifest applied before with the same key with the
// application it submitted then.
func replay(ctx context.Context, opts *Options, b reconi.Backend, p *manifest.Plan, a *reconi.Application) error {
	fmt.Fprintf(opts.IO.ErrOut, "Already applied with this idempotency key: application %d\n", a.ID)
	if !opts.Output.Machine() {
		return shared.PrintSubmitted(opts.IO, &opts.Output, a)
	}
	if err := shared.AllUsers(ctx, b, a); err != nil {
		return err
	}
	return opts.Output.Print(opts.IO, FileResult{Plan: p, Application: a, Applications: applicationsOf(p, a.ID)}, nil)
}
