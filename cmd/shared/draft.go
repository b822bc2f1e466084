// Package shared holds the steps that more than one command takes: start a
// draft, ask for a user, import a file, ask for and print permissions and
// their quote, submit a draft, load and print a plan. The commands under
// cmd/ are leaves: they share these steps through this package, never by
// importing each other, and `reconi wizard` composes the same steps.
package shared

import (
	"context"
	"fmt"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/cmd/internal/prompt"
	"github.com/reconi/reconi/internal/config"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
)

// StartDraft starts a draft (steps 3-6), makes it the current draft of the
// profile and backend cfg names (in the state directory getenv names), and
// shows the backend's warnings about it.
func StartDraft(ctx context.Context, ios *output.IOStreams, b reconi.Backend, nd reconi.NewDraft,
	cfg func() (*config.Config, error), getenv func(string) string) (*reconi.Application, error) {
	a, err := b.CreateDraft(ctx, nd)
	if err != nil {
		return nil, err
	}
	c, err := cfg()
	if err != nil {
		return nil, err
	}
	if err := cmdutil.RememberDraft(c, getenv, a.ID); err != nil {
		return nil, err
	}
	for _, w := range a.Warnings {
		ios.Warnf("%s", w)
	}
	return a, nil
}

// PrintStarted says that draft a was started for org.
func PrintStarted(ios *output.IOStreams, a *reconi.Application, org *reconi.Organization) {
	ios.Successf("Started draft %d for %s (%s) at %s", a.ID, org.Name, org.KVK, a.Level)
}

// levelOptions are the levels the wizard offers, with what they mean.
var levelOptions = []prompt.Option{
	{Label: "EH2   low: a password", Value: string(reconi.EH2)},
	{Label: "EH2+  low: a password plus SMS or token; identity checked from a copy", Value: string(reconi.EH2Plus)},
	{Label: "EH3   substantial: identity checked face to face (Belastingdienst, UWV, ...)", Value: string(reconi.EH3)},
}

// AskLevel asks for the assurance level of the new users' means.
func AskLevel(ctx context.Context, p *prompt.Prompter) (string, error) {
	return p.Select(ctx, "Assurance level of the new users' means", levelOptions, string(reconi.EH3))
}

// AskOrganization asks which organisation of the register to add users to
// and returns its KvK number.
func AskOrganization(ctx context.Context, p *prompt.Prompter, b reconi.Backend) (string, error) {
	orgs, err := b.Organizations(ctx)
	if err != nil {
		return "", err
	}
	if len(orgs) == 0 {
		return "", reconi.Errorf(reconi.KindNotFound, "the organisation register is empty (an operator adds one with: reconi org register --kvk KVK --name NAME)")
	}
	options := make([]prompt.Option, len(orgs))
	for i, o := range orgs {
		options[i] = prompt.Option{Label: fmt.Sprintf("%s (%s)", o.Name, o.KVK), Value: string(o.KVK)}
	}
	return p.Select(ctx, "Organisation to add users to", options, string(orgs[0].KVK))
}

// AskBranch asks whether to restrict the users to a branch of org, advising
// against it, and returns the branch number or "" for none.
func AskBranch(ctx context.Context, p *prompt.Prompter, org *reconi.Organization) (string, error) {
	if len(org.Branches) == 0 {
		return "", nil
	}
	restrict, err := p.Confirm(ctx, "Restrict the users to one branch? Not advised: users bound to a branch cannot log in at some providers, among them Belastingdienst and UWV", false)
	if err != nil || !restrict {
		return "", err
	}
	options := make([]prompt.Option, len(org.Branches))
	for i, br := range org.Branches {
		label := string(br.Number)
		if br.Name != "" {
			label += " " + br.Name
		}
		options[i] = prompt.Option{Label: label, Value: string(br.Number)}
	}
	return p.Select(ctx, "Branch (vestigingsnummer)", options, string(org.Branches[0].Number))
}
