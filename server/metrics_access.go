package server

import (
	"crypto/subtle"
	"net/http"
	"strings"
)

// MetricsHandler serves the Prometheus metrics, to anyone who reaches it:
// give it a listener only operators reach (`embargo serve
// --metrics-listen`, loopback by default).
func (s *Server) MetricsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", s.metrics.handler())
	return mux
}

// mainMetrics is /metrics on the main listener, which agents and browsers
// reach: only with Config.MetricsToken as a bearer token.
func (s *Server) mainMetrics(w http.ResponseWriter, r *http.Request) {
	if s.cfg.MetricsToken == "" {
		writeError(w, errorf(http.StatusNotFound, "metrics are served on the metrics listener (embargo serve --metrics-listen), or here with --metrics-token"))
		return
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(s.cfg.MetricsToken)) != 1 {
		w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
		writeError(w, errorf(http.StatusUnauthorized, "metrics need the bearer token given to --metrics-token"))
		return
	}
	s.metrics.handler().ServeHTTP(w, r)
}
