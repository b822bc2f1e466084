// Package factory builds the cmdutil.Factory reconi runs with, as gh's
// pkg/cmd/factory does. It is the one package of cmd/ that opens SQLite or
// PostgreSQL, builds the service over it and the delivery channels, and
// connects to a server; the commands only see the funcs. Each thing is
// opened when a command first asks for it, once per run.
package factory

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/internal/client"
	"github.com/reconi/reconi/internal/config"
	"github.com/reconi/reconi/internal/notify"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/service"
	"github.com/reconi/reconi/internal/store"
	"github.com/reconi/reconi/internal/store/postgres"
	"github.com/reconi/reconi/internal/store/sqlite"
)

// Default is the Factory of one run, with what cmd.Run does once the
// command is done: deliver what it wrote to the outbox, and close the
// database.
type Default struct {
	*cmdutil.Factory

	ctx     context.Context
	backend reconi.Backend
	store   store.Store
	local   *service.Service
	closers []func() error
}

// New returns the Factory of one run, whose funcs open what they return
// with ctx. Config is left to the caller: the root command sets it from
// its flags (--config, --profile, --db, ...), and the funcs read it when
// they are called.
func New(ctx context.Context, ios *output.IOStreams, getenv func(string) string) *Default {
	d := &Default{ctx: ctx}
	d.Factory = &cmdutil.Factory{
		IOStreams: ios,
		Getenv:    getenv,
		Now:       time.Now,
		RemoteBackend: func(server, token string) (reconi.Backend, error) {
			return client.New(server, token, client.Options{})
		},
		Backend: d.openBackend,
		Store:   d.openStore,
		Local: func() (cmdutil.Local, error) {
			svc, err := d.service()
			if err != nil {
				return nil, err
			}
			return local{svc}, nil
		},
		Senders: d.senders,
	}
	return d
}

// ForCompletion readies the run for a shell asking for completions: a
// server is asked once, not retried, so a server that is down costs the
// shell a refused connection instead of a second of backoff.
func (d *Default) ForCompletion() {
	d.RemoteBackend = func(server, token string) (reconi.Backend, error) {
		return client.New(server, token, client.Options{Retries: -1})
	}
}

// Close releases what the funcs opened.
func (d *Default) Close() error {
	var errs []error
	for _, c := range d.closers {
		errs = append(errs, c())
	}
	return errors.Join(errs...)
}

// openBackend is Factory.Backend: the server the configuration names, or
// the local database.
func (d *Default) openBackend() (reconi.Backend, error) {
	if d.backend != nil {
		return d.backend, nil
	}
	cfg, err := d.Config()
	if err != nil {
		return nil, err
	}
	var b reconi.Backend
	if server := cfg.Get(config.KeyServer); server != "" {
		if d.RemoteBackend == nil {
			return nil, reconi.Errorf(reconi.KindInvalid, "server: this build of reconi cannot talk to a server (%s); unset --server/RECONI_SERVER to use the local database", server)
		}
		b, err = d.RemoteBackend(server, cfg.Get(config.KeyToken))
	} else {
		b, err = d.service()
	}
	if err != nil {
		return nil, err
	}
	d.backend = b
	return b, nil
}

// service opens the local database's service once per run: the embedded
// Backend, and what serve serves.
func (d *Default) service() (*service.Service, error) {
	if d.local != nil {
		return d.local, nil
	}
	cfg, err := d.Config()
	if err != nil {
		return nil, err
	}
	st, err := d.openStore()
	if err != nil {
		return nil, err
	}
	svc, err := service.New(d.ctx, st, service.WithClock(d.Now),
		service.WithUserSide(service.UserSideConfig{PublicURL: cfg.Get(config.KeyPublicURL)}))
	if err != nil {
		return nil, err
	}
	d.local = svc
	return svc, nil
}

// openStore is Factory.Store: the local database, opened once per run; a
// remote server is never opened here.
func (d *Default) openStore() (store.Store, error) {
	if d.store != nil {
		return d.store, nil
	}
	cfg, err := d.Config()
	if err != nil {
		return nil, err
	}
	var st store.Store
	if dsn := cfg.Get(config.KeyDB); cmdutil.IsDatabaseURL(dsn) {
		st, err = postgres.Open(d.ctx, dsn)
	} else {
		// Only a command that writes may create the database: a read on a
		// mistyped --db says so instead of making an empty one.
		st, err = sqlite.OpenWith(d.ctx, dsn, sqlite.Options{
			MustExist: d.MayCreateDatabase == nil || !d.MayCreateDatabase(),
			Warn:      func(msg string) { d.IOStreams.Warnf("%s", msg) },
		})
	}
	if err != nil {
		return nil, err
	}
	d.store = st
	d.closers = append(d.closers, st.Close)
	return st, nil
}

// senders is Factory.Senders.
func (d *Default) senders() (map[reconi.Channel]notify.Sender, *notify.Config, error) {
	cfg, err := d.Config()
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
func (d *Default) DeliverOutbox(ctx context.Context) error {
	if d.local == nil || d.local.Enqueued() == 0 {
		return nil
	}
	senders, _, err := d.senders()
	if err != nil {
		return err
	}
	_, err = d.local.Dispatch(ctx, senders, service.DispatchOptions{})
	return err
}

// local is the service as cmdutil.Local has it.
type local struct{ *service.Service }

func (l local) RunDispatcher(ctx context.Context, senders map[reconi.Channel]notify.Sender, interval time.Duration, logger *slog.Logger) error {
	return l.Service.RunDispatcher(ctx, senders, interval, service.DispatchOptions{Logger: logger})
}
