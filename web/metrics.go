package web

import (
	"context"
	"crypto/subtle"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus metrics, in a registry of its own.
type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.HistogramVec
}

func newMetrics(s *Server) *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "concord_http_request_duration_seconds",
			Help:    "HTTP requests by route pattern, method and status class, with their latency.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method", "status"}),
	}
	m.registry.MustRegister(m.requests,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "concord_websocket_connections", Help: "Websocket clients connected to this process.",
		}, func() float64 { return float64(s.hub.Stats().Clients) }),
		&jobCollector{s: s},
	)
	return m
}

// observe is middleware timing every request by its route pattern (not its
// path, so ids do not explode the label set).
func (m *metrics) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		route := "unmatched"
		if rc := chi.RouteContext(r.Context()); rc != nil && rc.RoutePattern() != "" {
			route = rc.RoutePattern()
		}
		m.requests.WithLabelValues(route, r.Method, strconv.Itoa(ww.Status()/100)+"xx").Observe(time.Since(start).Seconds())
	})
}

// jobCollector reads at scrape time, from the database, what every process
// shares: River's jobs by kind and state, their run times, and the count of
// annotations submitted.
type jobCollector struct{ s *Server }

var (
	jobsDesc        = prometheus.NewDesc("concord_jobs", "Background jobs by kind and state.", []string{"kind", "state"}, nil)
	jobTimeDesc     = prometheus.NewDesc("concord_job_duration_seconds", "Run time of the jobs completed in the last hour, by kind.", []string{"kind"}, nil)
	annotationsDesc = prometheus.NewDesc("concord_annotations_submitted_total", "Annotations submitted by annotators (imports and skips excluded).", nil, nil)
)

func (c *jobCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- jobsDesc
	ch <- jobTimeDesc
	ch <- annotationsDesc
}

func (c *jobCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	counts, err := c.s.store.JobCounts(ctx)
	if err != nil {
		c.s.log.Warn("metrics: job counts", "err", err)
		return
	}
	for _, jc := range counts {
		ch <- prometheus.MustNewConstMetric(jobsDesc, prometheus.GaugeValue, float64(jc.N), jc.Kind, jc.State)
	}
	if ds, err := c.s.store.JobDurations(ctx); err == nil {
		for _, d := range ds {
			ch <- prometheus.MustNewConstSummary(jobTimeDesc, uint64(d.N), d.Median*float64(d.N), map[float64]float64{0.5: d.Median, 0.99: d.P99}, d.Kind)
		}
	}
	if n, err := c.s.store.CountAnnotations(ctx); err == nil {
		ch <- prometheus.MustNewConstMetric(annotationsDesc, prometheus.CounterValue, float64(n))
	}
}

// metricsHandler serves /metrics to scrapers holding CONCORD_METRICS_TOKEN as
// a bearer token; without that setting there is no /metrics.
func (s *Server) metricsHandler() http.Handler {
	h := promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		want := "Bearer " + s.cfg.MetricsToken
		if s.cfg.MetricsToken == "" || subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte(want)) != 1 {
			http.NotFound(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
}
