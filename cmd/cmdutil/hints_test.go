package cmdutil_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/internal/reconi"
)

// Each service error as it reads without advice gets back the advice the
// service gives today, so the CLI says the same once the service stops;
// today's messages are left as they are.
func TestWithHint(t *testing.T) {
	tests := []struct {
		fact *reconi.Error
		want string
	}{
		{reconi.Errorf(reconi.KindUnauthorized, "not logged in"), "not logged in: run reconi auth login"},
		{reconi.Errorf(reconi.KindUnauthorized, "invalid token"), "invalid token: run reconi auth login"},
		{reconi.Errorf(reconi.KindUnauthorized, "invalid or revoked token"), "invalid or revoked token: run reconi auth login"},
		{reconi.Invalid("org", "a manager token needs at least one organisation"), "org: a manager token needs at least one organisation (--org KVK)"},
		{reconi.Invalid("org", "an operator keeps the broker's data for all organisations"), "org: an operator keeps the broker's data for all organisations; give no --org"},
		{reconi.Errorf(reconi.KindNotFound, "organisation 69599084 is not in the register"),
			"organisation 69599084 is not in the register (an operator adds it with: reconi org register --kvk 69599084 --name NAME)"},
		{reconi.Errorf(reconi.KindNotFound, "no price list is loaded"), "no price list is loaded (an operator loads one with reconi prices load FILE)"},
		{reconi.Errorf(reconi.KindConflict, "application 7 is a draft"), "application 7 is a draft: remove users with reconi users remove instead, or discard the draft with reconi drafts discard 7"},
		{reconi.Errorf(reconi.KindConflict, "application 7 is completed, not a draft: only a draft can be discarded"), "application 7 is completed, not a draft: only a draft can be discarded; stop its requests with reconi cancel 7"},
		{reconi.Errorf(reconi.KindConflict, "application 7 is submitted, not a draft"), "application 7 is submitted, not a draft: follow it with reconi status 7"},
		{reconi.Invalid("ids", "name at least one message ID"), "ids: name at least one message ID (see reconi outbox list --state failed)"},
		{reconi.Errorf(reconi.KindNotFound, "17 is not a user of draft 3"), "17 is not a user of draft 3: name the user by email (reconi users list)"},
		{reconi.Errorf(reconi.KindNotFound, `"17" is not a user of draft 3`), `"17" is not a user of draft 3: name the user by email (reconi users list)`},
		{reconi.Invalid("draft", "no draft, application or organisation given"), "draft: no draft, application or organisation given: select one with --draft ID or --org KVK"},
		{reconi.Invalid("direct", "permissions are not added directly (direct=false), so no services or providers can be given"),
			"direct: permissions are not added directly (direct=false), so --all-services, --provider and --service cannot be given"},
		{reconi.Invalid("permissions", "choose what the users may use: all_services, providers or services"), "permissions: choose what the users may use: --all-services, --provider NAME or --service ID"},
		{reconi.Invalid("permissions", "choose one of all services, providers or services, not several"),
			"permissions: choose one of --all-services, --provider or --service, not several"},
		{reconi.Invalid("provider", "none of Belastingdienst's services an EH3 means can use accepts users bound to a branch, and this draft is restricted to branch 000037178598"),
			"provider: none of Belastingdienst's services an EH3 means can use accepts users bound to a branch, and this draft is restricted to branch 000037178598; start a draft without --branch to grant Belastingdienst"},
		{reconi.Invalid("service", "UWV Werkgeversportaal (urn:etoegang:DV:00000001000000000002:services:1) does not accept users bound to a branch, and this draft is restricted to branch 000037178598"),
			"service: UWV Werkgeversportaal (urn:etoegang:DV:00000001000000000002:services:1) does not accept users bound to a branch, and this draft is restricted to branch 000037178598; start a draft without --branch to grant it"},
		{reconi.Invalid("provider", "none of Belastingdienst's services can be used with an EH2+ means: the lowest level they need is EH3"),
			"provider: none of Belastingdienst's services can be used with an EH2+ means: the lowest level they need is EH3; start a draft at EH3 to grant Belastingdienst (see reconi services list --provider 'Belastingdienst')"},
		{reconi.Invalid("service", "urn:etoegang:DV:1:services:9 is not in the service catalogue"),
			"service: urn:etoegang:DV:1:services:9 is not in the service catalogue (see reconi services list)"},
		{reconi.Invalid("agree_terms", "the conditions must be agreed to before submitting"),
			"agree_terms: the conditions must be agreed to before submitting (--agree-terms)"},
		{reconi.Invalid("users", "draft 4 has no users"), "users: draft 4 has no users: add them with reconi users add or reconi users import"},
		{reconi.Invalid("permissions", "draft 4 has no permissions or validity yet"),
			"permissions: draft 4 has no permissions or validity yet: set them with reconi permissions set"},
	}
	for _, tt := range tests {
		got := cmdutil.WithHint(tt.fact)
		if got.Error() != tt.want {
			t.Errorf("%q:\ngot  %q\nwant %q", tt.fact.Message, got, tt.want)
		}
		if reconi.ErrorKind(got) != tt.fact.Kind {
			t.Errorf("%q: kind %q, want %q", tt.fact.Message, reconi.ErrorKind(got), tt.fact.Kind)
		}
		// As the service words it today, with the advice: unchanged.
		today := &reconi.Error{Kind: tt.fact.Kind, Message: tt.want}
		if got := cmdutil.WithHint(today); got.Error() != tt.want {
			t.Errorf("%q was changed to %q", tt.want, got)
		}
	}

	// Wrapped, the advice goes where the message is.
	wrapped := fmt.Errorf("applying x.yaml stopped; draft 5 stays a draft: %w", reconi.Errorf(reconi.KindNotFound, "no price list is loaded"))
	want := "applying x.yaml stopped; draft 5 stays a draft: no price list is loaded (an operator loads one with reconi prices load FILE)"
	if got := cmdutil.WithHint(wrapped); got.Error() != want || !errors.Is(got, wrapped) {
		t.Errorf("got %q, want %q", got, want)
	}
	// Not a user's email, and not a number: nothing to advise.
	plain := reconi.Errorf(reconi.KindNotFound, "eva@example.nl is not a user of draft 3")
	if got := cmdutil.WithHint(plain); got != error(plain) {
		t.Errorf("got %q", got)
	}
	if got := cmdutil.WithHint(nil); got != nil {
		t.Errorf("nil became %v", got)
	}
}
