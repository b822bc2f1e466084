package httpapi

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/reconi/reconi/internal/reconi"
)

// Metrics are what `reconi serve` tells Prometheus: requests by route
// pattern and status, imports, the outbox's queue and the sweeps. Labels
// are route patterns ("GET /v1/applications/{id}"), never paths, and fixed
// words: no token, email or other value a client sends reaches them.
type Metrics struct {
	reg        *prometheus.Registry
	requests   *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	importTime *prometheus.HistogramVec
	importRows *prometheus.CounterVec
	sweepTime  *prometheus.HistogramVec
	logger     *slog.Logger
}

// Unmatched is the route label of a request no route matched.
const Unmatched = "unmatched"

// NewMetrics registers reconi's metrics, with Go's and the process's. When
// outbox is set, each scrape asks it for the number of messages in each
// state (reconi_outbox_messages).
func NewMetrics(outbox func(context.Context) (map[reconi.MessageState]int, error), logger *slog.Logger) *Metrics {
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "reconi_http_requests_total",
			Help: "HTTP requests answered, by route pattern and status.",
		}, []string{"route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "reconi_http_request_duration_seconds",
			Help:    "Time from a request's arrival to the end of its answer, by route pattern and status.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
		}, []string{"route", "status"}),
		importTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "reconi_import_duration_seconds",
			Help:    "Duration of user imports (CSV or manifest rows), by outcome: ok or the error kind.",
			Buckets: []float64{.01, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600},
		}, []string{"outcome"}),
		importRows: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "reconi_import_rows_total",
			Help: "Rows of successful imports: read, and added as users (a dry run adds none).",
		}, []string{"result"}),
		sweepTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "reconi_sweep_duration_seconds",
			Help:    "Duration of each periodic sweep task, by task.",
			Buckets: []float64{.001, .005, .01, .05, .1, .5, 1, 5, 10, 30, 60},
		}, []string{"task"}),
		logger: logger,
	}
	m.reg.MustRegister(m.requests, m.latency, m.importTime, m.importRows, m.sweepTime,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if outbox != nil {
		m.reg.MustRegister(&outboxCollector{depth: outbox, logger: logger})
	}
	return m
}

// Handler serves the metrics in Prometheus' text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorLog: slog.NewLogLogger(m.logger.Handler(), slog.LevelWarn)})
}

// Registry is where the metrics are registered, for tests.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// ObserveSweep records how long one sweep task took.
func (m *Metrics) ObserveSweep(task string, d time.Duration) {
	if m != nil {
		m.sweepTime.WithLabelValues(task).Observe(d.Seconds())
	}
}

func (m *Metrics) observeRequest(route string, status int, d time.Duration) {
	if m == nil {
		return
	}
	if status == 0 {
		status = http.StatusOK
	}
	s := strconv.Itoa(status)
	m.requests.WithLabelValues(route, s).Inc()
	m.latency.WithLabelValues(route, s).Observe(d.Seconds())
}

func (m *Metrics) observeImport(start time.Time, res *reconi.ImportResult, err error) {
	outcome := "ok"
	if err != nil {
		outcome = string(reconi.ErrorKind(err))
		if outcome == "" {
			outcome = "error"
		}
	}
	m.importTime.WithLabelValues(outcome).Observe(time.Since(start).Seconds())
	if err == nil && res != nil {
		m.importRows.WithLabelValues("read").Add(float64(res.Rows))
		m.importRows.WithLabelValues("added").Add(float64(res.Added))
	}
}

// Backend returns b with its imports measured.
func (m *Metrics) Backend(b reconi.Backend) reconi.Backend {
	if m == nil {
		return b
	}
	return &meteredBackend{Backend: b, m: m}
}

type meteredBackend struct {
	reconi.Backend
	m *Metrics
}

func (b *meteredBackend) ImportUsers(ctx context.Context, appID int64, r io.Reader, opt reconi.ImportOptions) (*reconi.ImportResult, error) {
	start := time.Now()
	res, err := b.Backend.ImportUsers(ctx, appID, r, opt)
	b.m.observeImport(start, res, err)
	return res, err
}

func (b *meteredBackend) ImportUserRows(ctx context.Context, appID int64, rows reconi.UserRows, opt reconi.ImportOptions) (*reconi.ImportResult, error) {
	start := time.Now()
	res, err := b.Backend.ImportUserRows(ctx, appID, rows, opt)
	b.m.observeImport(start, res, err)
	return res, err
}

// outboxCollector counts the outbox's messages by state when scraped.
type outboxCollector struct {
	depth  func(context.Context) (map[reconi.MessageState]int, error)
	logger *slog.Logger
}

var outboxDesc = prometheus.NewDesc("reconi_outbox_messages",
	"Messages in the outbox by state, counted in the database when scraped (pending is the queue).", []string{"state"}, nil)

var outboxUpDesc = prometheus.NewDesc("reconi_outbox_count_ok",
	"1 when the outbox could be counted at this scrape, 0 when the database did not answer.", nil, nil)

func (c *outboxCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- outboxDesc
	ch <- outboxUpDesc
}

func (c *outboxCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	n, err := c.depth(ctx)
	if err != nil {
		c.logger.Warn("metrics: counting the outbox failed", "err", err)
		ch <- prometheus.MustNewConstMetric(outboxUpDesc, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(outboxUpDesc, prometheus.GaugeValue, 1)
	// Every state is reported, 0 included, so that a queue that empties
	// reads 0 rather than vanishing.
	for _, s := range []reconi.MessageState{reconi.MessagePending, reconi.MessageSent, reconi.MessageKept, reconi.MessageFailed} {
		ch <- prometheus.MustNewConstMetric(outboxDesc, prometheus.GaugeValue, float64(n[s]), string(s))
	}
}
