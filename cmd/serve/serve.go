// Package serve holds `reconi serve`: the HTTP API over the local database,
// for teams that share one backend.
package serve

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/internal/config"
	"github.com/reconi/reconi/internal/httpapi"
	"github.com/reconi/reconi/internal/notify"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/service"
	"github.com/reconi/reconi/internal/store"
	"github.com/reconi/reconi/internal/web"
)

// Options are the inputs of `reconi serve`.
type Options struct {
	IO     *output.IOStreams
	Config func() (*config.Config, error)
	Now    func() time.Time
	// Store is the local database, Local the service over it, Senders the
	// delivery channels of the outbox.
	Store   func() (store.Store, error)
	Local   func() (cmdutil.Local, error)
	Senders func() (map[reconi.Channel]notify.Sender, *notify.Config, error)

	Addr           string
	TLSCert        string
	TLSKey         string
	LogFormat      string
	MaxBodyBytes   int64
	MaxImportBytes int64
	ReadTimeout    time.Duration
	WriteTimeout   time.Duration
	IdleTimeout    time.Duration
	ShutdownGrace  time.Duration
	// DispatchInterval is how often the outbox is delivered; SweepInterval
	// how often requests past their deadline are expired.
	DispatchInterval time.Duration
	SweepInterval    time.Duration
	// ReminderDays are the days before a means expires at which its
	// manager is reminded.
	ReminderDays []int
	// MetricsListen is the address of the Prometheus metrics listener
	// (/metrics); empty: none. It is never the API's listener.
	MetricsListen string
	// Listening, when set, is told the address once the server listens
	// (tests listen on port 0); MetricsListening the metrics' address.
	Listening        func(addr string)
	MetricsListening func(addr string)
}

// NewCmdServe returns `reconi serve`.
func NewCmdServe(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config, Now: f.Now, Store: f.Store, Local: f.Local, Senders: f.Senders}
	cmd := &cobra.Command{
		Use:   "serve [--addr HOST:PORT] [--db PATH] [--tls-cert FILE --tls-key FILE]",
		Short: "Serve the backend (SQLite or PostgreSQL) as a JSON API, with the invitation pages",
		Long: `Serve the whole reconi backend as a JSON HTTP API under /v1, on the database
given by --db (or RECONI_DB). Point the CLI at it with --server URL or
'reconi auth login'. Every request needs a token: create them on this machine
with 'reconi tokens create'.

Users follow the invitation link to /invite/... on this server (set public_url
to the address users reach it at). The outbox is delivered every
--dispatch-interval through the configured SMTP server, SMS webhook and
identification partner, and requests past their deadline expire every
--sweep-interval.

Logs go to stderr, one line per request, never with a token. /healthz says
the process is up, /readyz that the database answers. SIGINT or SIGTERM stops
accepting requests and lets those in flight finish.

--metrics-listen serves Prometheus metrics at /metrics on an address of its
own, never on the API's: requests by route and status, imports, the outbox's
queue and the sweeps. Bind it to loopback or an internal network; it needs no
token.`,
		Example: `  reconi serve --addr 127.0.0.1:8080 --db /var/lib/reconi/reconi.db
  reconi serve --addr :8443 --tls-cert cert.pem --tls-key key.pem
  reconi serve --addr :8443 --tls-cert cert.pem --tls-key key.pem --metrics-listen 127.0.0.1:9464`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if (opts.TLSCert == "") != (opts.TLSKey == "") {
				return cmdutil.FlagErrorf("--tls-cert and --tls-key go together")
			}
			if opts.LogFormat != "json" && opts.LogFormat != "text" {
				return cmdutil.FlagErrorf("--log-format must be json or text")
			}
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			if cfg.Get(config.KeyServer) != "" {
				return cmdutil.ServerSet(cfg, "serve runs on the database itself")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Addr, "addr", defaultAddr, "`address` to listen on")
	fl.StringVar(&opts.TLSCert, "tls-cert", "", "TLS certificate `file` (PEM)")
	fl.StringVar(&opts.TLSKey, "tls-key", "", "TLS private key `file` (PEM)")
	fl.StringVar(&opts.LogFormat, "log-format", "json", "log `format`: json or text")
	fl.Int64Var(&opts.MaxBodyBytes, "max-body-bytes", 1<<20, "largest JSON request body, in `bytes`")
	fl.Int64Var(&opts.MaxImportBytes, "max-import-bytes", 1<<30, "largest CSV import body, in `bytes`")
	fl.DurationVar(&opts.ReadTimeout, "read-timeout", 10*time.Minute, "time to read a whole request, body included (large imports)")
	fl.DurationVar(&opts.WriteTimeout, "write-timeout", 10*time.Minute, "time to write a response")
	fl.DurationVar(&opts.IdleTimeout, "idle-timeout", 2*time.Minute, "how long an idle keep-alive connection stays open")
	fl.DurationVar(&opts.DispatchInterval, "dispatch-interval", 2*time.Second, "how often the outbox (email, SMS, identification requests) is delivered")
	fl.DurationVar(&opts.SweepInterval, "sweep-interval", time.Minute, "how often requests past their deadline are expired, and means reminders queued")
	fl.IntSliceVar(&opts.ReminderDays, "reminder-days", []int{60, 14}, "remind the manager this many `days` before a means expires (a list; one email per threshold)")
	fl.DurationVar(&opts.ShutdownGrace, "shutdown-grace", 30*time.Second, "how long requests in flight may take to finish on shutdown")
	fl.StringVar(&opts.MetricsListen, "metrics-listen", "", "`address` of a separate listener serving Prometheus metrics at /metrics (off when empty)")
	cmdutil.CreatesDatabase(cmd)
	return cmd
}

// defaultAddr is where serve listens unless told otherwise.
const defaultAddr = "127.0.0.1:8080"

// Run serves until ctx is cancelled (SIGINT/SIGTERM), then shuts down
// gracefully.
func Run(ctx context.Context, opts *Options) error {
	if opts.DispatchInterval <= 0 {
		opts.DispatchInterval = 2 * time.Second
	}
	if opts.SweepInterval <= 0 {
		opts.SweepInterval = time.Minute
	}
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	st, err := opts.Store()
	if err != nil {
		return err
	}
	svc, err := opts.Local()
	if err != nil {
		return err
	}
	senders, nc, err := opts.Senders()
	if err != nil {
		return err
	}
	var handler slog.Handler = slog.NewJSONHandler(opts.IO.ErrOut, nil)
	if opts.LogFormat == "text" {
		handler = slog.NewTextHandler(opts.IO.ErrOut, nil)
	}
	logger := slog.New(handler)
	if cfg.Get(config.KeyPublicURL) == "" && opts.Addr != defaultAddr {
		// The links in invitation emails default to the default address.
		logger.Warn("public_url is not set: invitation links point at "+service.DefaultPublicURL+
			"/invite/...; set public_url (RECONI_PUBLIC_URL) to the address users reach this server at", "addr", opts.Addr)
	}
	access := service.NewAccess(st, opts.Now)
	var metrics *httpapi.Metrics
	if opts.MetricsListen != "" {
		metrics = httpapi.NewMetrics(func(ctx context.Context) (n map[reconi.MessageState]int, err error) {
			err = st.View(ctx, func(tx store.Tx) error {
				n, err = tx.OutboxDepth()
				return err
			})
			return n, err
		}, logger)
	}
	api := httpapi.New(metrics.Backend(svc), access, httpapi.Options{
		Logger:         logger,
		MaxBodyBytes:   opts.MaxBodyBytes,
		MaxImportBytes: opts.MaxImportBytes,
		Ready:          func(ctx context.Context) error { return ping(ctx, st) },
		Metrics:        metrics,
	})
	// The user's steps, behind the invitation link in the email.
	api.Mount("/invite/", web.New(svc, web.Options{CSRFSecret: []byte(cfg.Get(config.KeyCSRFSecret)), Now: opts.Now, Logger: logger,
		SecureCookies: strings.HasPrefix(cfg.Get(config.KeyPublicURL), "https://")}))
	// The identification partner's signed results.
	if secret := nc.IdentificationCallbackSecret; secret != "" {
		api.Mount("POST "+httpapi.CallbackPath, httpapi.IdentificationCallback(notify.Verifier(secret, opts.Now, 0),
			func(ctx context.Context, ref string, passed bool, note string) error {
				_, err := svc.IdentificationResult(ctx, ref, passed, note)
				return err
			}))
	}

	srv := &http.Server{
		Handler:           api.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       opts.ReadTimeout,
		WriteTimeout:      opts.WriteTimeout,
		IdleTimeout:       opts.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(handler, slog.LevelWarn),
		// Requests keep running while the server shuts down, so in-flight
		// work is not cancelled by the signal that stops the listener.
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	// What can fail at start fails before anything runs: the certificate,
	// then the address. Nothing is sent or swept by a server that does not
	// serve.
	scheme := "http"
	if opts.TLSCert != "" {
		cert, err := tls.LoadX509KeyPair(opts.TLSCert, opts.TLSKey)
		if err != nil {
			return fmt.Errorf("--tls-cert/--tls-key: %w", err)
		}
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		scheme = "https"
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", opts.Addr, err)
	}
	var mln net.Listener
	var msrv *http.Server
	if metrics != nil {
		if mln, err = net.Listen("tcp", opts.MetricsListen); err != nil {
			ln.Close()
			return fmt.Errorf("--metrics-listen %s: %w", opts.MetricsListen, err)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", metrics.Handler())
		msrv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute,
			WriteTimeout: time.Minute, ErrorLog: slog.NewLogLogger(handler, slog.LevelWarn)}
		logger.Info("serving metrics", "addr", mln.Addr().String(), "path", "/metrics")
		if opts.MetricsListening != nil {
			opts.MetricsListening(mln.Addr().String())
		}
	}
	logger.Info("serving", "addr", ln.Addr().String(), "scheme", scheme)
	if opts.Listening != nil {
		opts.Listening(ln.Addr().String())
	}

	// Serving and the background work run together and stop together:
	// the signal (ctx) or the first of them to fail (gctx) stops the
	// background work and drains the server. A half-delivered batch is
	// released and picked up again.
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		var err error
		if srv.TLSConfig != nil {
			err = srv.ServeTLS(ln, "", "")
		} else {
			err = srv.Serve(ln)
		}
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return fmt.Errorf("serving on %s: %w", ln.Addr(), err)
	})
	if msrv != nil {
		g.Go(func() error {
			if err := msrv.Serve(mln); !errors.Is(err, http.ErrServerClosed) {
				return fmt.Errorf("serving metrics on %s: %w", mln.Addr(), err)
			}
			return nil
		})
		g.Go(func() error {
			<-gctx.Done()
			return msrv.Close()
		})
	}
	g.Go(func() error {
		<-gctx.Done()
		logger.Info("shutting down", "grace", opts.ShutdownGrace.String())
		sctx, cancel := context.WithTimeout(context.Background(), opts.ShutdownGrace)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			return fmt.Errorf("shutdown: %w", err)
		}
		return nil
	})
	g.Go(func() error {
		return ignoreStop(gctx, svc.RunDispatcher(gctx, senders, opts.DispatchInterval, logger))
	})
	g.Go(func() error {
		sweep(gctx, sweeps(svc, access, opts.ReminderDays), opts.SweepInterval, logger, metrics)
		return nil
	})
	if err := g.Wait(); err != nil {
		return err
	}
	logger.Info("stopped")
	return nil
}

// ignoreStop drops the error background work returns because ctx ended.
func ignoreStop(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// A task is periodic housekeeping: it returns how many records it changed.
type task struct {
	// name says what the task did, for the log: "expired requests past
	// their deadline".
	name string
	run  func(context.Context) (int, error)
	// metric names the task in reconi_sweep_duration_seconds.
	metric string
}

// sweeps is the housekeeping serve runs every --sweep-interval, in order.
// Replicas may sweep at once, so each task must only move a record that is
// still in the state it expects.
func sweeps(svc cmdutil.Local, access *service.Access, reminderDays []int) []task {
	return []task{
		// Stored answers to Idempotency-Keys are kept 24 hours.
		{"forgot idempotency keys older than a day", func(ctx context.Context) (int, error) {
			n, err := access.ExpireIdempotencyKeys(ctx)
			return int(n), err
		}, "idempotency_keys"},
		{"expired requests past their deadline", svc.ExpireDue, "deadlines"},
		// Means past their end are recorded expired, and the reminders
		// due before the end queued, each once (means_reminders).
		{"swept issued means (expired and reminded)", func(ctx context.Context) (int, error) {
			expired, reminded, err := svc.SweepMeans(ctx, reminderDays)
			return expired + reminded, err
		}, "means"},
	}
}

// sweep runs tasks at once and then every interval until ctx ends. A task
// that fails is logged and tried again next time; the others still run.
func sweep(ctx context.Context, tasks []task, interval time.Duration, logger *slog.Logger, metrics *httpapi.Metrics) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		for _, task := range tasks {
			start := time.Now()
			n, err := task.run(ctx)
			metrics.ObserveSweep(task.metric, time.Since(start))
			if err != nil && ctx.Err() == nil {
				logger.Error("sweep failed", "task", task.name, "err", err)
			} else if n > 0 {
				logger.Info(task.name, "count", n)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func ping(ctx context.Context, st store.Store) error {
	return st.View(ctx, func(tx store.Tx) error {
		_, err := tx.Meta("defaults_loaded")
		return err
	})
}
