package server

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus metrics, in a registry of its own
// so that two servers in one process (tests) do not collide.
type metrics struct {
	reg           *prometheus.Registry
	requests      *prometheus.CounterVec
	latency       *prometheus.HistogramVec
	uploads       *prometheus.CounterVec
	uploadBytes   *prometheus.CounterVec
	sessions      prometheus.Gauge
	loginFailures *prometheus.CounterVec
	// policy is the fleet's policy version as this server last read it:
	// version, done (the version every host has been judged by),
	// hosts_done and hosts_total of the re-judging under way.
	policy *prometheus.GaugeVec
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "embargo_http_requests_total", Help: "HTTP requests by route pattern and status code.",
		}, []string{"route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "embargo_http_request_duration_seconds", Help: "HTTP request latency by route pattern and status code.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route", "code"}),
		uploads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "embargo_uploads_total", Help: "Agent uploads by kind (inventory, flows) and result (new, duplicate, rejected, rate_limited, error).",
		}, []string{"kind", "result"}),
		uploadBytes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "embargo_upload_bytes_total", Help: "Uncompressed bytes of accepted uploads by kind.",
		}, []string{"kind"}),
		sessions: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "embargo_active_sessions", Help: "Sessions opened minus sessions closed by this process.",
		}),
		loginFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "embargo_login_failures_total", Help: "Failed logins by reason (password, locked, rate).",
		}, []string{"reason"}),
		policy: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "embargo_policy", Help: "The fleet's policy version (version), the version every host is judged by (done), and the hosts judged again so far (hosts_done) of those to judge (hosts_total).",
		}, []string{"what"}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.uploads, m.uploadBytes, m.sessions, m.loginFailures, m.policy,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}
