package server

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"
)

// reqInfo collects, while a request is handled, what its log line says
// about it: who made it and why it failed.
type reqInfo struct {
	kind, actor string // "user" or "agent", and the name or id
	err         string
}

type reqInfoKey struct{}

// noteActor records who made the request for its log line.
func noteActor(ctx context.Context, kind, actor string) {
	if ri, ok := ctx.Value(reqInfoKey{}).(*reqInfo); ok {
		ri.kind, ri.actor = kind, actor
	}
}

// noteError records why the request failed for its log line.
func noteError(ctx context.Context, msg string) {
	if ri, ok := ctx.Value(reqInfoKey{}).(*reqInfo); ok {
		ri.err = msg
	}
}

// statusWriter remembers the status written.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests logs one line per request (method, route pattern, status,
// duration, user or agent) and counts it in the metrics. The route is the
// mux pattern, not the path, so ids do not explode the label space.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ri := &reqInfo{}
		r = r.WithContext(context.WithValue(r.Context(), reqInfoKey{}, ri))
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		route := r.Pattern // set by the mux on this request
		if route == "" {
			route = "unmatched"
		}
		d := time.Since(start)
		code := strconv.Itoa(sw.status)
		s.metrics.requests.WithLabelValues(route, code).Inc()
		s.metrics.latency.WithLabelValues(route, code).Observe(d.Seconds())
		attrs := []slog.Attr{slog.String("method", r.Method), slog.String("route", route), slog.Int("status", sw.status),
			slog.Duration("duration", d), slog.String("remote", clientIP(r))}
		if ri.actor != "" {
			attrs = append(attrs, slog.String(ri.kind, ri.actor))
		}
		if ri.err != "" {
			attrs = append(attrs, slog.String("error", ri.err))
		}
		level := slog.LevelInfo
		if sw.status >= 500 {
			level = slog.LevelError
		}
		s.log.LogAttrs(r.Context(), level, "request", attrs...)
	})
}
