package cmdutil

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"
)

// FlagError is a mistake in how a command was called: a missing or
// conflicting flag, a wrong number of arguments. It exits with the usage
// code.
type FlagError struct{ Err error }

func (e *FlagError) Error() string { return e.Err.Error() }
func (e *FlagError) Unwrap() error { return e.Err }

// FlagErrorf returns a *FlagError.
func FlagErrorf(format string, args ...any) error {
	return &FlagError{Err: fmt.Errorf(format, args...)}
}

// IsFlagError reports whether err is a usage mistake.
func IsFlagError(err error) bool {
	var fe *FlagError
	return errors.As(err, &fe)
}

// ErrCancel is returned when the person at the terminal says no.
var ErrCancel = errors.New("cancelled")

// ExactArgs is cobra.ExactArgs with a usage error that names the arguments.
func ExactArgs(n int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return FlagErrorf("%s wants %s (got %d arguments)", cmd.CommandPath(), names, len(args))
		}
		return nil
	}
}

// MaxArgs is cobra.MaximumNArgs with a usage error.
func MaxArgs(n int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) > n {
			return FlagErrorf("%s takes at most %s (got %d arguments)", cmd.CommandPath(), names, len(args))
		}
		return nil
	}
}

// NoArgs refuses positional arguments with a usage error.
func NoArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return FlagErrorf("%s takes no arguments (got %q)", cmd.CommandPath(), args[0])
	}
	return nil
}

// ExitError gives a command an exit code of its own (status --wait, plan),
// which the root command uses instead of the code of Err's kind. Quiet
// outcomes are not printed as errors: the command has said what happened.
type ExitError struct {
	Code  int
	Err   error
	Quiet bool
}

func (e *ExitError) Error() string { return e.Err.Error() }
func (e *ExitError) Unwrap() error { return e.Err }

// ExitCode is the code reconi exits with.
func (e *ExitError) ExitCode() int { return e.Code }

// Count says n of a noun in its right number: "1 row", "2 rows".
func Count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
