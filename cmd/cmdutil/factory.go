// Package cmdutil holds what every command shares: the Factory that hands out
// IO streams, configuration and a lazily opened Backend, the output flags,
// and the errors that map to exit codes.
package cmdutil

import (
	"context"
	"log/slog"
	"time"

	"github.com/reconi/reconi/internal/config"
	"github.com/reconi/reconi/internal/notify"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

// Factory gives commands what they need without globals: IO streams, and
// funcs that open what they return only when called, so --help and
// completion never touch the database. It only declares them: cmd/factory
// builds them, and the root command adds Config, which reads its flags. A
// command's Options copies the few funcs it uses, which tests replace.
type Factory struct {
	IOStreams *output.IOStreams
	Getenv    func(string) string
	Now       func() time.Time
	// Config resolves the configuration once the flags are parsed. It
	// refuses a profile that is not defined.
	Config func() (*config.Config, error)
	// NewProfileConfig is Config for the command that creates a profile
	// (auth login): it accepts one that is not defined yet.
	NewProfileConfig func() (*config.Config, error)
	// Backend opens the embedded backend or connects to a server, as the
	// configuration says.
	Backend func() (reconi.Backend, error)
	// RemoteBackend builds the HTTP client for a server URL and token.
	RemoteBackend func(server, token string) (reconi.Backend, error)

	// MayCreateDatabase says whether the running command may create the
	// local database when it is missing (see CreatesDatabase); the root
	// command sets it once it knows the command.
	MayCreateDatabase func() bool

	// Store opens the local database, never a server: the commands of the
	// server's machine (serve, tokens) work on it directly.
	Store func() (store.Store, error)
	// Local is the embedded service over Store, as serve runs it.
	Local func() (Local, error)
	// Senders builds the configured delivery channels (SMTP, SMS webhook,
	// identification partner); a channel left out keeps its messages in the
	// outbox.
	Senders func() (map[reconi.Channel]notify.Sender, *notify.Config, error)
}

// Local is the local database's service as `reconi serve` runs it: the
// Backend it serves over HTTP and behind the invitation link, and its
// background work.
type Local interface {
	reconi.Backend
	// RunDispatcher delivers the outbox through senders every interval
	// until ctx ends.
	RunDispatcher(ctx context.Context, senders map[reconi.Channel]notify.Sender, interval time.Duration, logger *slog.Logger) error
	// ExpireDue expires the requests past their deadline.
	ExpireDue(ctx context.Context) (int, error)
	// SweepMeans records issued means past their end and queues the
	// reminders due at days before the end.
	SweepMeans(ctx context.Context, days []int) (expired, reminded int, err error)
	// IdentificationResult records the identification partner's result.
	IdentificationResult(ctx context.Context, reference string, passed bool, note string) (*reconi.User, error)
}
