package cmdutil

import (
	"errors"
	"regexp"
	"strings"
	"sync"

	"github.com/reconi/reconi/internal/reconi"
)

// The service's errors say what is wrong; which flag or command puts it
// right is the CLI's to say, since HTTP clients read the same errors. A hint
// matches an error by its kind and its whole message (whose field, if any,
// comes first) as the service words it without advice, and rewrites the
// message with the advice added. A message that carries advice already
// matches no hint, so nothing is said twice.
type hint struct {
	kind   reconi.Kind
	fact   *regexp.Regexp
	advice string // regexp.Expand template: ${0} is the whole message
}

// hints are compiled when an error first needs them, not at start-up: most
// runs end without one, and --help should not pay for them.
var hints = sync.OnceValue(func() []hint {
	return []hint{
		{reconi.KindInvalid, regexp.MustCompile(`^prune_limit: pruning would withdraw .*$`),
			"${0}; --prune-limit PERCENT allows more"},
		{reconi.KindNotFound, regexp.MustCompile(`^no database at (.+)$`),
			"${0}: check --db (or RECONI_DB); reconi org register, org select, users add or import create it"},
		{reconi.KindUnauthorized, regexp.MustCompile(`^no token: send Authorization: Bearer TOKEN$`),
			"no token: run reconi auth login, or pass --token / RECONI_TOKEN"},
		{reconi.KindUnauthorized, regexp.MustCompile(`^(not logged in|invalid token|invalid or revoked token)$`),
			"${0}: run reconi auth login"},
		{reconi.KindInvalid, regexp.MustCompile(`^org: a manager token needs at least one organisation$`),
			"${0} (--org KVK)"},
		{reconi.KindInvalid, regexp.MustCompile(`^org: an operator keeps the broker's data for all organisations$`),
			"${0}; give no --org"},
		{reconi.KindNotFound, regexp.MustCompile(`^organisation (\S+) is not in the register$`),
			"${0} (an operator adds it with: reconi org register --kvk ${1} --name NAME)"},
		{reconi.KindNotFound, regexp.MustCompile(`^no price list is loaded$`),
			"${0} (an operator loads one with reconi prices load FILE)"},
		{reconi.KindConflict, regexp.MustCompile(`^application (\d+) is a draft$`),
			"${0}: remove users with reconi users remove instead, or discard the draft with reconi drafts discard ${1}"},
		{reconi.KindConflict, regexp.MustCompile(`^application (\d+) is (submitted|completed), not a draft: only a draft can be discarded$`),
			"${0}; stop its requests with reconi cancel ${1}"},
		{reconi.KindConflict, regexp.MustCompile(`^application (\d+) is (submitted|completed), not a draft$`),
			"${0}: follow it with reconi status ${1}"},
		{reconi.KindInvalid, regexp.MustCompile(`^ids: name at least one message ID$`),
			"${0} (see reconi outbox list --state failed)"},
		// A number where an email was expected: the user was named by ID.
		{reconi.KindNotFound, regexp.MustCompile(`^"?#?\d+"? is not a user of draft \d+$`),
			"${0}: name the user by email (reconi users list)"},
		{reconi.KindInvalid, regexp.MustCompile(`^draft: no draft, application or organisation given$`),
			"${0}: select one with --draft ID or --org KVK"},
		{reconi.KindInvalid, regexp.MustCompile(`^direct: permissions are not added directly \(direct=false\), so no services or providers can be given$`),
			"direct: permissions are not added directly (direct=false), so --all-services, --provider and --service cannot be given"},
		{reconi.KindInvalid, regexp.MustCompile(`^permissions: choose what the users may use: all_services, providers or services$`),
			"permissions: choose what the users may use: --all-services, --provider NAME or --service ID"},
		{reconi.KindInvalid, regexp.MustCompile(`^permissions: choose one of all services, providers or services, not several$`),
			"permissions: choose one of --all-services, --provider or --service, not several"},
		{reconi.KindInvalid, regexp.MustCompile(`^provider: none of (.+)'s services an \S+ means can use accepts users bound to a branch, and this draft is restricted to branch \S+$`),
			"${0}; start a draft without --branch to grant ${1}"},
		{reconi.KindInvalid, regexp.MustCompile(`^service: .+ does not accept users bound to a branch, and this draft is restricted to branch \S+$`),
			"${0}; start a draft without --branch to grant it"},
		{reconi.KindInvalid, regexp.MustCompile(`^provider: none of (.+)'s services can be used with an (\S+) means: the lowest level they need is (\S+)$`),
			"${0}; start a draft at ${3} to grant ${1} (see reconi services list --provider '${1}')"},
		{reconi.KindInvalid, regexp.MustCompile(`^service: .+ is not in the service catalogue$`),
			"${0} (see reconi services list)"},
		{reconi.KindInvalid, regexp.MustCompile(`^agree_terms: the conditions must be agreed to before submitting$`),
			"${0} (--agree-terms)"},
		{reconi.KindInvalid, regexp.MustCompile(`^users: draft \d+ has no users$`),
			"${0}: add them with reconi users add or reconi users import"},
		{reconi.KindInvalid, regexp.MustCompile(`^permissions: draft \d+ has no permissions or validity yet$`),
			"${0}: set them with reconi permissions set"},
	}
})

// WithHint returns err with the CLI's advice added to the message of the
// domain error it holds, when a hint knows that error; otherwise err. The
// result still unwraps to err, so its kind and exit code stay.
func WithHint(err error) error {
	var e *reconi.Error
	if !errors.As(err, &e) {
		return err
	}
	for _, h := range hints() {
		if h.kind != e.Kind || !h.fact.MatchString(e.Message) {
			continue
		}
		advised := h.fact.ReplaceAllString(e.Message, h.advice)
		return &hintedError{err: err, text: strings.Replace(err.Error(), e.Message, advised, 1)}
	}
	return err
}

// hintedError is an error whose message has the CLI's advice added.
type hintedError struct {
	err  error
	text string
}

func (e *hintedError) Error() string { return e.text }
func (e *hintedError) Unwrap() error { return e.err }

// RowsNamed names each row problem of err by the value it is about (an
// email or a means ID), after prefix ("--email "), when the rows are the
// command's own arguments: "line 1" would not say which one was wrong.
// Rows that already say where they come from are kept as they are.
func RowsNamed(err error, prefix string) error {
	var e *reconi.Error
	if !errors.As(err, &e) || len(e.Rows) == 0 {
		return err
	}
	out := *e
	out.Rows = make([]reconi.RowError, len(e.Rows))
	for i, r := range e.Rows {
		if r.Source == "" && r.Value != "" {
			r.Source = prefix + r.Value
			// The source names the value now; a message that began with it
			// need not say it twice.
			r.Message = strings.TrimPrefix(r.Message, r.Value+", ")
		}
		out.Rows[i] = r
	}
	return &out
}
