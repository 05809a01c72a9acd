// Package metrics exposes the hub's Prometheus metrics: polls by outcome,
// fetch durations and bytes, articles and revisions stored, HTTP request
// durations by route, and whatever queue gauges the job runner registers.
// One Metrics value is made at start and passed to whoever records; there
// is no global registry.
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"crosswire"
)

// Metrics holds the collectors.
type Metrics struct {
	Registry *prometheus.Registry

	polls         *prometheus.CounterVec
	pollDuration  prometheus.Histogram
	fetchedBytes  prometheus.Counter
	articles      prometheus.Counter
	revisions     prometheus.Counter
	httpDurations *prometheus.HistogramVec
}

// New registers the hub's collectors (and the Go runtime's) on a fresh
// registry.
func New() *Metrics {
	r := prometheus.NewRegistry()
	m := &Metrics{
		Registry: r,
		polls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "crosswire_polls_total",
			Help: "Feed polls by outcome (ok, not_modified, error) and HTTP status (0: no answer).",
		}, []string{"outcome", "status"}),
		pollDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "crosswire_poll_duration_seconds",
			Help:    "Time of one feed poll: fetch, parse and store.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}),
		fetchedBytes: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "crosswire_fetched_bytes_total",
			Help: "Body bytes received from feeds, as sent on the wire.",
		}),
		articles: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "crosswire_articles_stored_total",
			Help: "Articles stored for the first time.",
		}),
		revisions: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "crosswire_revisions_stored_total",
			Help: "New revisions of known articles.",
		}),
		httpDurations: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "crosswire_http_request_duration_seconds",
			Help:    "HTTP requests served, by route pattern, method and status code.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1},
		}, []string{"route", "method", "code"}),
	}
	r.MustRegister(m.polls, m.pollDuration, m.fetchedBytes, m.articles, m.revisions, m.httpDurations,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// ObservePoll records one poll's result.
func (m *Metrics) ObservePoll(r crosswire.PollResult) {
	outcome := "ok"
	switch {
	case r.Err != nil:
		outcome = "error"
	case r.NotModified:
		outcome = "not_modified"
	}
	m.polls.WithLabelValues(outcome, strconv.Itoa(r.Status)).Inc()
	m.pollDuration.Observe(r.Duration.Seconds())
	m.fetchedBytes.Add(float64(r.Bytes))
	m.articles.Add(float64(r.New))
	m.revisions.Add(float64(r.Updated))
}

// GaugeSpec names one of the gauges of Gauges.
type GaugeSpec struct{ Name, Help string }

// Gauges registers gauges read at scrape time (queue depth, job latency):
// one read gives all their values, in the order of specs, so figures that
// come from one query cost one query.
func (m *Metrics) Gauges(specs []GaugeSpec, read func() []float64) {
	g := &gaugeSet{read: read}
	for _, s := range specs {
		g.descs = append(g.descs, prometheus.NewDesc(s.Name, s.Help, nil, nil))
	}
	m.Registry.MustRegister(g)
}

type gaugeSet struct {
	descs []*prometheus.Desc
	read  func() []float64
}

func (g *gaugeSet) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range g.descs {
		ch <- d
	}
}

func (g *gaugeSet) Collect(ch chan<- prometheus.Metric) {
	vals := g.read()
	for i, d := range g.descs {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, vals[i])
	}
}

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry})
}

// ObserveHTTP records one request by its route pattern (never the raw
// path, so the label set stays bounded); web.Options.Observe calls it.
func (m *Metrics) ObserveHTTP(route, method string, status int, d time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	m.httpDurations.WithLabelValues(route, method, strconv.Itoa(status)).Observe(d.Seconds())
}
