package cmdutil

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/reconi/reconi/internal/reconi"
)

// Dynamic shell completion: the values that live in the backend (KvK
// numbers, application and draft IDs, providers, services, the emails of a
// draft), asked of the configured backend when the shell asks, through
// cobra's hidden __complete command. Only these open the database or call
// the server; --help and the completion of fixed values never do.
//
// Completion is silent: whatever fails (no database yet, a server that is
// down, a token that is not valid), the shell gets no suggestions and no
// text on stderr, where it would land in the middle of the command line.
// It is fast: a few indexed queries of at most maxCompletions rows, within
// completionBudget (docs/benchmarks.md measures it on 10,000 applications).

const (
	// maxCompletions caps the suggestions of one completion: more is no
	// help on a command line.
	maxCompletions = 100
	// completionBudget is how long a completion reads pages; what was found
	// by then is offered.
	completionBudget = 150 * time.Millisecond
	// completionTimeout stops a backend that does not answer (a server
	// down), so that the shell does not hang.
	completionTimeout = time.Second
)

// completer finds the suggestions for toComplete in b.
type completer func(ctx context.Context, b reconi.Backend, cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, error)

// dynamic turns a completer into a cobra completion function over f's
// Backend, silent on error.
func dynamic(f *Factory, fn completer) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		fail := cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveError
		if f == nil || f.Backend == nil {
			return nil, fail
		}
		// Warnings of opening the backend would reach nobody but the
		// shell's line: completion is the run's only work, so they go.
		if f.IOStreams != nil {
			f.IOStreams.ErrOut = io.Discard
		}
		ctx := cmd.Context()
		if ctx == nil {
			ctx = context.Background()
		}
		ctx, cancel := context.WithTimeout(ctx, completionTimeout)
		defer cancel()
		b, err := f.Backend()
		if err != nil {
			return nil, fail
		}
		out, err := fn(ctx, b, cmd, args, toComplete)
		if err != nil && len(out) == 0 {
			return nil, fail
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// NoFiles is the completion of an argument or flag with no useful
// suggestions: no file names either.
func NoFiles(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
	return nil, cobra.ShellCompDirectiveNoFileComp
}

// FirstArg completes only a command's first argument with fn.
func FirstArg(fn cobra.CompletionFunc) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return NoFiles(cmd, args, toComplete)
		}
		return fn(cmd, args, toComplete)
	}
}

// CompleteOrgs completes KvK numbers of the organisations the caller may
// see, described by their names.
func CompleteOrgs(f *Factory) cobra.CompletionFunc {
	return dynamic(f, func(ctx context.Context, b reconi.Backend, _ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, error) {
		orgs, err := b.Organizations(ctx)
		if err != nil {
			return nil, err
		}
		var out []cobra.Completion
		for _, o := range orgs {
			if strings.HasPrefix(string(o.KVK), toComplete) || hasFoldPrefix(o.Name, toComplete) {
				out = append(out, cobra.CompletionWithDesc(string(o.KVK), o.Name))
			}
			if len(out) == maxCompletions {
				break
			}
		}
		return out, nil
	})
}

// CompleteApplications completes application IDs, described by
// organisation, state and users.
func CompleteApplications(f *Factory) cobra.CompletionFunc {
	return dynamic(f, func(ctx context.Context, b reconi.Backend, _ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, error) {
		return applicationIDs(ctx, b, reconi.ApplicationFilter{}, toComplete)
	})
}

// CompleteDrafts completes the IDs of drafts.
func CompleteDrafts(f *Factory) cobra.CompletionFunc {
	return dynamic(f, func(ctx context.Context, b reconi.Backend, _ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, error) {
		return applicationIDs(ctx, b, reconi.ApplicationFilter{State: string(reconi.AppDraft)}, toComplete)
	})
}

// applicationIDs finds the applications f selects whose ID starts with
// prefix. IDs are read in ID order with a cursor, so the IDs that start
// with 12 are read as the ranges 12, 120-129, 1200-1299, ...: a few indexed
// queries whatever the number of applications.
func applicationIDs(ctx context.Context, b reconi.Backend, f reconi.ApplicationFilter, prefix string) ([]cobra.Completion, error) {
	var out []cobra.Completion
	add := func(apps []reconi.ApplicationSummary, hi int64) {
		for _, a := range apps {
			if (hi > 0 && a.ID > hi) || len(out) == maxCompletions {
				return
			}
			out = append(out, cobra.CompletionWithDesc(strconv.FormatInt(a.ID, 10), describeApplication(a)))
		}
	}
	if prefix == "" {
		f.Limit = maxCompletions
		p, err := b.Applications(ctx, f)
		if err != nil {
			return nil, err
		}
		add(p.Applications, 0)
		return out, nil
	}
	lo, err := strconv.ParseInt(prefix, 10, 64)
	if err != nil || lo <= 0 || prefix[0] == '0' {
		return nil, nil // no ID starts so
	}
	deadline := time.Now().Add(completionBudget)
	for width := int64(1); len(out) < maxCompletions && time.Now().Before(deadline); width *= 10 {
		hi := lo + width - 1
		f.Cursor = reconi.IDCursor(lo - 1)
		f.Limit = int(min(width, int64(maxCompletions-len(out))))
		p, err := b.Applications(ctx, f)
		if err != nil {
			return out, err
		}
		if len(p.Applications) == 0 {
			break // no application from lo on
		}
		add(p.Applications, hi)
		if lo > (1<<62)/10 {
			break
		}
		lo *= 10
	}
	return out, nil
}

func describeApplication(a reconi.ApplicationSummary) string {
	users := fmt.Sprintf("%d users", a.UsersTotal)
	if a.UsersTotal == 1 {
		users = "1 user"
	}
	return fmt.Sprintf("%s, %s, %s, %s", a.Organization.Name, a.Level, a.State, users)
}

// CompleteProviders completes the providers of the service catalogue.
func CompleteProviders(f *Factory) cobra.CompletionFunc {
	return dynamic(f, func(ctx context.Context, b reconi.Backend, _ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, error) {
		svcs, err := b.Services(ctx, reconi.ServiceFilter{})
		if err != nil {
			return nil, err
		}
		var out []cobra.Completion
		for _, s := range svcs {
			if hasFoldPrefix(s.Provider, toComplete) && !slices.Contains(out, s.Provider) && len(out) < maxCompletions {
				out = append(out, s.Provider)
			}
		}
		return out, nil
	})
}

// CompleteServices completes the ServiceIDs of the catalogue, described by
// provider, name and level.
func CompleteServices(f *Factory) cobra.CompletionFunc {
	return dynamic(f, func(ctx context.Context, b reconi.Backend, _ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, error) {
		svcs, err := b.Services(ctx, reconi.ServiceFilter{})
		if err != nil {
			return nil, err
		}
		var out []cobra.Completion
		for _, s := range svcs {
			if strings.HasPrefix(string(s.ID), toComplete) && len(out) < maxCompletions {
				out = append(out, cobra.CompletionWithDesc(string(s.ID), fmt.Sprintf("%s: %s (%s)", s.Provider, s.Name, s.Level)))
			}
		}
		return out, nil
	})
}

// CompleteDraftEmails completes the emails of the users of the draft the
// command works on (--draft, or the current draft).
func CompleteDraftEmails(f *Factory) cobra.CompletionFunc {
	return dynamic(f, func(ctx context.Context, b reconi.Backend, cmd *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, error) {
		id, err := ResolveDraft(cmd, f.Config, f.Getenv)
		if err != nil {
			return nil, err
		}
		return userEmails(ctx, b, id, toComplete)
	})
}

// CompleteAppEmails completes the emails of the users of the application
// that is the command's first argument (APP_ID), or else of the current
// draft.
func CompleteAppEmails(f *Factory) cobra.CompletionFunc {
	return dynamic(f, func(ctx context.Context, b reconi.Backend, cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, error) {
		var id int64
		var err error
		if len(args) > 0 {
			id, err = ParseID("id", args[0])
		} else {
			id, err = ResolveDraft(cmd, f.Config, f.Getenv)
		}
		if err != nil {
			return nil, err
		}
		return userEmails(ctx, b, id, toComplete)
	})
}

// userEmails reads the users of application appID a page at a time, within
// completionBudget, and returns the emails that start with prefix (in any
// case), described by name and state.
func userEmails(ctx context.Context, b reconi.Backend, appID int64, prefix string) ([]cobra.Completion, error) {
	var out []cobra.Completion
	deadline := time.Now().Add(completionBudget)
	f := reconi.UserFilter{ApplicationID: appID}
	for {
		p, err := b.Users(ctx, f)
		if err != nil {
			return out, err
		}
		for _, u := range p.Users {
			if hasFoldPrefix(u.Email, prefix) && len(out) < maxCompletions {
				out = append(out, cobra.CompletionWithDesc(u.Email, fmt.Sprintf("%s %s, %s", u.FirstName, u.LastName, u.State)))
			}
		}
		if p.NextCursor == "" || len(out) == maxCompletions || time.Now().After(deadline) {
			return out, nil
		}
		f.Cursor = p.NextCursor
	}
}

func hasFoldPrefix(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// CompleteFlags wires the completion of the flags that mean the same on
// every command that has them: --org (KvK numbers), --draft (drafts),
// --app (applications), --provider and --service (the catalogue). A
// command that completes such a flag itself keeps its own; flags whose
// meaning differs per command (--email, --state) are wired per command.
func CompleteFlags(root *cobra.Command, f *Factory) {
	byName := map[string]cobra.CompletionFunc{
		"org": CompleteOrgs(f), "draft": CompleteDrafts(f), "app": CompleteApplications(f),
		"provider": CompleteProviders(f), "service": CompleteServices(f),
	}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.LocalFlags().VisitAll(func(fl *pflag.Flag) {
			if fn, ok := byName[fl.Name]; ok {
				if _, set := c.GetFlagCompletionFunc(fl.Name); !set {
					_ = c.RegisterFlagCompletionFunc(fl.Name, fn)
				}
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}
