// Package cmdutil holds what every command shares: the Factory that hands out
// IO streams, configuration and a lazily opened Backend, the output flags,
// and the errors that map to exit codes.
package cmdutil

import (
	"context"
	"errors"
	"path/filepath"
	"time"

	"github.com/reconi/reconi/internal/config"
	"github.com/reconi/reconi/internal/notify"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/service"
	"github.com/reconi/reconi/internal/store"
	"github.com/reconi/reconi/internal/store/postgres"
	"github.com/reconi/reconi/internal/store/sqlite"
)

// Factory gives commands what they need without globals. Nothing is opened
// until a command asks for it, so --help and completion never touch the
// database.
type Factory struct {
	IOStreams *output.IOStreams
	Getenv    func(string) string
	Now       func() time.Time
	// Config resolves the configuration once the flags are parsed. It
	// refuses a profile that is not defined, unless NewProfile is set.
	Config func() (*config.Config, error)
	// NewProfile lets Config name a profile not defined yet: set by the
	// commands that create it (auth login).
	NewProfile bool
	// Backend opens the embedded backend or connects to a server, as the
	// configuration says.
	Backend func() (reconi.Backend, error)
	// RemoteBackend builds the HTTP client for a server URL and token.
	RemoteBackend func(server, token string) (reconi.Backend, error)

	store   store.Store
	local   *service.Service
	closers []func() error
}

// Close releases what the Backend opened.
func (f *Factory) Close() error {
	var errs []error
	for _, c := range f.closers {
		errs = append(errs, c())
	}
	return errors.Join(errs...)
}

// OpenBackend is the default Factory.Backend: the server named by the
// configuration, or the SQLite file.
func (f *Factory) OpenBackend(ctx context.Context) (reconi.Backend, error) {
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	if server := cfg.Get(config.KeyServer); server != "" {
		if f.RemoteBackend == nil {
			return nil, reconi.Errorf(reconi.KindInvalid, "server: this build of reconi cannot talk to a server (%s); unset --server/RECONI_SERVER to use the local database", server)
		}
		return f.RemoteBackend(server, cfg.Get(config.KeyToken))
	}
	return f.Service(ctx)
}

// Service opens the local database's service once per run: the embedded
// Backend, and what serve serves.
func (f *Factory) Service(ctx context.Context) (*service.Service, error) {
	if f.local != nil {
		return f.local, nil
	}
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	st, err := f.Store(ctx)
	if err != nil {
		return nil, err
	}
	svc, err := service.New(ctx, st, service.WithClock(f.Now),
		service.WithUserSide(service.UserSideConfig{PublicURL: cfg.Get(config.KeyPublicURL)}))
	if err != nil {
		return nil, err
	}
	f.local = svc
	return svc, nil
}

// Senders builds the configured delivery channels (SMTP, SMS webhook,
// identification partner); a channel left out keeps its messages in the
// outbox.
func (f *Factory) Senders() (map[reconi.Channel]notify.Sender, *notify.Config, error) {
	cfg, err := f.Config()
	if err != nil {
		return nil, nil, err
	}
	nc, err := notify.LoadConfig(cfg.Get)
	if err != nil {
		return nil, nil, reconi.Invalid("config", "%v", err)
	}
	senders, err := notify.FromConfig(nc)
	if err != nil {
		return nil, nil, reconi.Invalid("config", "%v", err)
	}
	return senders, &nc, nil
}

// DeliverOutbox sends what the command wrote to the outbox before reconi
// exits, when it used the local database: embedded use needs no server for
// its emails and SMS. Nothing happens for a remote backend, whose server
// delivers, nor for a command that wrote no message: a status run against
// a server's database must not deliver the server's mail with its own
// settings.
func (f *Factory) DeliverOutbox(ctx context.Context) error {
	if f.local == nil || f.local.Enqueued() == 0 {
		return nil
	}
	senders, _, err := f.Senders()
	if err != nil {
		return err
	}
	_, err = f.local.Dispatch(ctx, senders, service.DispatchOptions{})
	return err
}

// Store opens the local database once per run. The server-side commands
// (serve, tokens) use it directly; a remote server is never opened here.
func (f *Factory) Store(ctx context.Context) (store.Store, error) {
	if f.store != nil {
		return f.store, nil
	}
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	var st store.Store
	if dsn := cfg.Get(config.KeyDB); postgres.IsURL(dsn) {
		st, err = postgres.Open(ctx, dsn)
	} else {
		st, err = sqlite.Open(ctx, dsn)
	}
	if err != nil {
		return nil, err
	}
	f.store = st
	f.closers = append(f.closers, st.Close)
	return st, nil
}

// Target names the backend in use: the server URL, the database URL or the
// database file. The
// current draft is remembered per profile and target.
func Target(cfg *config.Config) string {
	if s := cfg.Get(config.KeyServer); s != "" {
		return s
	}
	db := cfg.Get(config.KeyDB)
	if postgres.IsURL(db) {
		return db
	}
	if abs, err := filepath.Abs(db); err == nil {
		return abs
	}
	return db
}

// State returns where the current draft is remembered.
func (f *Factory) State() *config.State {
	return config.NewState(config.StateDir(f.Getenv))
}
