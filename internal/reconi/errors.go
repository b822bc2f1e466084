package reconi

import (
	"errors"
	"fmt"
	"strings"
)

// Kind classifies an error so that the CLI can choose an exit code and the
// HTTP layer a status, whichever side of the wire the error was made on.
type Kind string

const (
	KindInvalid      Kind = "invalid"
	KindNotFound     Kind = "not_found"
	KindConflict     Kind = "conflict"
	KindUnauthorized Kind = "unauthorized"
	KindForbidden    Kind = "forbidden"
	// KindUnavailable says "not now": the same request, retried shortly,
	// may succeed. Pipelines retry it; they do not retry a conflict.
	KindUnavailable Kind = "unavailable"
	KindInternal    Kind = "internal"
)

// ErrInFlight means a request with the same Idempotency-Key is still being
// answered; retrying shortly gets its answer.
var ErrInFlight = &Error{Kind: KindUnavailable, Message: "a request with this Idempotency-Key is still in progress; retry shortly"}

// Error is the one error type the domain returns. Message is written for the
// person at the terminal; Rows carries per-row problems of a bulk input.
type Error struct {
	Kind    Kind       `json:"kind"`
	Message string     `json:"message"`
	Rows    []RowError `json:"rows,omitempty"`
	// RowsOmitted counts row problems beyond those listed in Rows.
	RowsOmitted int `json:"rows_omitted,omitempty"`
}

// RowError names one problem in one row of a bulk input: the line it was on
// (1 is the header of a CSV file), the field, and what is allowed.
type RowError struct {
	Line int `json:"line"`
	// Source is where the row was written, when its input said so
	// (UserRow.Source): "onboarding.yaml:12". It names the place better
	// than Line, which counts the rows as they were sent.
	Source  string `json:"source,omitempty"`
	Field   string `json:"field"`
	Value   string `json:"value,omitempty"`
	Message string `json:"message"`
}

func (e RowError) String() string {
	if e.Source != "" {
		return fmt.Sprintf("%s: %s: %s", e.Source, e.Field, e.Message)
	}
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.Field, e.Message)
	}
	return fmt.Sprintf("line %d: %s: %s", e.Line, e.Field, e.Message)
}

func (e *Error) Error() string {
	if len(e.Rows) == 0 {
		return e.Message
	}
	var b strings.Builder
	b.WriteString(e.Message)
	for _, r := range e.Rows {
		b.WriteString("\n  ")
		b.WriteString(r.String())
	}
	if e.RowsOmitted > 0 {
		fmt.Fprintf(&b, "\n  ... and %d more", e.RowsOmitted)
	}
	return b.String()
}

// Errorf returns an *Error of the given kind.
func Errorf(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Invalid reports a bad value of one named field, saying what is allowed.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Kind: KindInvalid, Message: field + ": " + fmt.Sprintf(format, args...)}
}

// ErrorKind returns the kind of err, KindInternal for errors the domain did not
// classify, and "" for nil.
func ErrorKind(err error) Kind {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// ErrorMessage returns the message meant for people; internal details of
// unclassified errors are kept out of it by the HTTP layer, not here.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}
