package server

import (
	"net/http"
	"strings"
)

// access is who may call a route.
type access int

const (
	public access = iota // anyone (login, enrolment with a token)
	agent                // an enrolled agent's bearer credential
	user                 // a logged-in user; unsafe methods need the CSRF token
	admin                // a logged-in admin
)

// route is one API endpoint. Routes lists them all: the mux is built
// from it, and the OpenAPI test checks the document against it.
type route struct {
	Method, Path string
	Access       access
	// ReadOnly marks an unsafe method that changes nothing (logout), which
	// auditors may call.
	ReadOnly bool
	handle   func(*Server, http.ResponseWriter, *http.Request) error
}

// Pattern is the route's http.ServeMux pattern.
func (r route) Pattern() string { return r.Method + " " + r.Path }

// unsafe reports whether the method may change state.
func (r route) unsafe() bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}

// routes is every /api/v1 route.
var routes = []route{
	{Method: "POST", Path: "/api/v1/enroll", Access: public, handle: (*Server).enroll},
	{Method: "POST", Path: "/api/v1/uploads/inventory", Access: agent, handle: (*Server).uploadInventory},
	{Method: "POST", Path: "/api/v1/uploads/flows", Access: agent, handle: (*Server).uploadFlows},
	{Method: "GET", Path: "/api/v1/agent/config", Access: agent, handle: (*Server).agentConfig},
	{Method: "POST", Path: "/api/v1/agent/rotate", Access: agent, handle: (*Server).rotateAgent},

	{Method: "POST", Path: "/api/v1/login", Access: public, handle: (*Server).apiLogin},
	{Method: "POST", Path: "/api/v1/logout", Access: user, ReadOnly: true, handle: (*Server).apiLogout},

	{Method: "GET", Path: "/api/v1/overview", Access: user, handle: (*Server).overview},
	{Method: "GET", Path: "/api/v1/trend", Access: user, handle: (*Server).trend},
	{Method: "GET", Path: "/api/v1/hosts", Access: user, handle: (*Server).hosts},
	{Method: "GET", Path: "/api/v1/hosts/{id}", Access: user, handle: (*Server).host},
	{Method: "GET", Path: "/api/v1/hosts/{id}/inventory", Access: user, handle: (*Server).inventory},
	{Method: "GET", Path: "/api/v1/findings", Access: user, handle: (*Server).findings},
	{Method: "GET", Path: "/api/v1/findings/{id}", Access: user, handle: (*Server).finding},
	{Method: "GET", Path: "/api/v1/flows", Access: user, handle: (*Server).flows},
	{Method: "GET", Path: "/api/v1/devices", Access: user, handle: (*Server).devices},
	{Method: "GET", Path: "/api/v1/equipment", Access: user, handle: (*Server).equipment},

	{Method: "GET", Path: "/api/v1/register", Access: user, handle: (*Server).getRegister},
	{Method: "PUT", Path: "/api/v1/register", Access: admin, handle: (*Server).putRegister},
	{Method: "GET", Path: "/api/v1/policies", Access: user, handle: (*Server).getPolicies},
	{Method: "PUT", Path: "/api/v1/policies", Access: admin, handle: (*Server).putPolicies},
	{Method: "GET", Path: "/api/v1/policy/status", Access: user, handle: (*Server).policyStatus},
	{Method: "GET", Path: "/api/v1/feed", Access: user, handle: (*Server).getFeed},
	{Method: "POST", Path: "/api/v1/feed", Access: admin, handle: (*Server).postFeed},
	{Method: "GET", Path: "/api/v1/feed/bundle", Access: agent, handle: (*Server).feedBundle},
	{Method: "GET", Path: "/api/v1/feed/{version}/changes", Access: user, handle: (*Server).getFeedChanges},

	{Method: "GET", Path: "/api/v1/waivers", Access: user, handle: (*Server).waivers},
	{Method: "POST", Path: "/api/v1/waivers", Access: user, handle: (*Server).requestWaiver},
	{Method: "GET", Path: "/api/v1/waivers/{id}", Access: user, handle: (*Server).waiver},
	{Method: "POST", Path: "/api/v1/waivers/{id}/approve", Access: admin, handle: (*Server).approveWaiver},
	{Method: "POST", Path: "/api/v1/waivers/{id}/reject", Access: admin, handle: (*Server).rejectWaiver},

	{Method: "GET", Path: "/api/v1/export/findings", Access: user, handle: (*Server).exportFindings},
	{Method: "GET", Path: "/api/v1/export/devices", Access: user, handle: (*Server).exportDevices},
	{Method: "GET", Path: "/api/v1/export/equipment", Access: user, handle: (*Server).exportEquipment},
	{Method: "GET", Path: "/api/v1/audit", Access: user, handle: (*Server).audit},

	{Method: "POST", Path: "/api/v1/users", Access: admin, handle: (*Server).createUser},
	{Method: "POST", Path: "/api/v1/enrollment-tokens", Access: admin, handle: (*Server).createEnrollmentToken},
	{Method: "POST", Path: "/api/v1/enrollment-tokens/revoke", Access: admin, handle: (*Server).revokeEnrollmentToken},
	{Method: "POST", Path: "/api/v1/agents/{id}/revoke", Access: admin, handle: (*Server).revokeAgent},
	{Method: "POST", Path: "/api/v1/users/{username}/disable", Access: admin, handle: (*Server).disableUser},
	{Method: "GET", Path: "/api/v1/tokens", Access: user, handle: (*Server).apiTokens},
	{Method: "POST", Path: "/api/v1/tokens", Access: admin, handle: (*Server).createAPIToken},
	{Method: "DELETE", Path: "/api/v1/tokens/{id}", Access: admin, handle: (*Server).revokeAPIToken},
}

// routes builds the handler: the API from the table, the login pages,
// health, readiness, metrics, the OpenAPI document and the dashboard,
// all inside the request logger.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range routes {
		h := s.api(rt)
		if rt.Method == http.MethodGet && (rt.Access == user || rt.Access == admin) {
			h = s.reading(h)
		}
		mux.Handle(rt.Pattern(), h)
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", s.ready)
	mux.HandleFunc("GET /metrics", s.mainMetrics)
	mux.HandleFunc("GET /api/openapi.yaml", serveOpenAPI)
	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.loginForm)
	mux.HandleFunc("GET /logout", s.logoutPage)
	mux.HandleFunc("POST /logout", s.logoutForm)
	// Anything else under /api is an unknown endpoint, in JSON, not a
	// dashboard page.
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, errorf(http.StatusNotFound, "no such endpoint: %s %s", r.Method, r.URL.Path))
	})
	mux.Handle("/", s.reading(s.withSession(s.dashboard())))
	return s.logRequests(hsts(mux))
}

// hsts tells browsers that reached the server over TLS to keep to it
// (RFC 6797); over plain HTTP, which only loopback gets, the header
// would be ignored and is not sent.
func hsts(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS != nil {
			w.Header().Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// isAPI reports whether a path is an API path (JSON errors, no redirects).
func isAPI(path string) bool { return strings.HasPrefix(path, "/api/") }
