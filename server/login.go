package server

import (
	"crypto/subtle"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strings"
)

// loginCSRFCookie carries the token the login form must echo: the form
// is posted before there is a session, so it double-submits a cookie.
const loginCSRFCookie = "embargo_login_csrf"

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// apiLogin logs in with JSON and returns the session's CSRF token. The
// JSON content type is required, so a cross-site form cannot post it.
func (s *Server) apiLogin(w http.ResponseWriter, r *http.Request) error {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		return errorf(http.StatusUnsupportedMediaType, "want Content-Type: application/json")
	}
	var req loginRequest
	if err := readJSON(r, &req); err != nil {
		return err
	}
	u, err := s.login(r, req.Username, req.Password)
	if err != nil {
		noteActor(r.Context(), "user", req.Username)
		return err
	}
	noteActor(r.Context(), "user", u.Username)
	sess, err := s.startSession(w, r, u)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]string{"csrf": sess.CSRF, "username": u.Username, "role": string(u.Role), "department": u.Department})
}

func (s *Server) apiLogout(w http.ResponseWriter, r *http.Request) error {
	if err := s.endSession(w, r); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

var loginTmpl = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Embargo — {{.Title}}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px system-ui,sans-serif;max-width:22rem;margin:4rem auto;padding:0 1rem}label,input,button{display:block;width:100%;margin:.4rem 0}input,button{padding:.5rem;font:inherit}.err{color:#a00}</style>
</head><body><h1>Embargo</h1>
{{if .Error}}<p class="err" role="alert">{{.Error}}</p>{{end}}
{{if .Logout}}<form method="post" action="/logout"><input type="hidden" name="csrf" value="{{.CSRF}}"><button>Log out</button></form>
{{else}}<form method="post" action="/login"><input type="hidden" name="csrf" value="{{.CSRF}}"><input type="hidden" name="next" value="{{.Next}}">
<label>Username <input name="username" autocomplete="username" required autofocus></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button>Log in</button></form>{{end}}
</body></html>`))

type loginView struct {
	Title, Error, CSRF, Next string
	Logout                   bool
}

func (s *Server) renderLogin(w http.ResponseWriter, status int, v loginView) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
	w.WriteHeader(status)
	loginTmpl.Execute(w, v)
}

// loginPage shows the login form with a fresh double-submit token.
func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	token := randomToken()
	http.SetCookie(w, &http.Cookie{Name: loginCSRFCookie, Value: token, Path: "/login", HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode, MaxAge: 3600})
	s.renderLogin(w, http.StatusOK, loginView{Title: "log in", CSRF: token, Next: safeNext(r.URL.Query().Get("next"))})
}

// loginForm logs in from the form and goes back to where the user was.
func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	c, err := r.Cookie(loginCSRFCookie)
	got := r.PostForm.Get(csrfField)
	if err != nil || got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(c.Value)) != 1 {
		http.Error(w, "missing or wrong CSRF token; reload the login page", http.StatusForbidden)
		return
	}
	next := safeNext(r.PostForm.Get("next"))
	username := r.PostForm.Get("username")
	noteActor(r.Context(), "user", username)
	u, err := s.login(r, username, r.PostForm.Get("password"))
	if err != nil {
		var he *httpError
		var re *rateError
		msg, status := "Login failed.", http.StatusInternalServerError
		switch {
		case errors.As(err, &he):
			msg, status = "Wrong username or password.", he.status
		case errors.As(err, &re):
			msg, status = "Too many attempts; try again later.", http.StatusTooManyRequests
		default:
			s.log.ErrorContext(r.Context(), "login failed", "err", err)
		}
		noteError(r.Context(), err.Error())
		s.renderLogin(w, status, loginView{Title: "log in", Error: msg, CSRF: got, Next: next})
		return
	}
	if _, err := s.startSession(w, r, u); err != nil {
		s.fail(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: loginCSRFCookie, Path: "/login", MaxAge: -1})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// logoutPage asks to confirm, since logging out changes state and must
// be a POST with the session's token.
func (s *Server) logoutPage(w http.ResponseWriter, r *http.Request) {
	sess, _, ok, err := s.session(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !ok {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	s.renderLogin(w, http.StatusOK, loginView{Title: "log out", CSRF: sess.CSRF, Logout: true})
}

func (s *Server) logoutForm(w http.ResponseWriter, r *http.Request) {
	sess, v, ok, err := s.session(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if ok {
		noteActor(r.Context(), "user", v.Username)
		if !checkCSRF(r, sess) {
			http.Error(w, "missing or wrong CSRF token", http.StatusForbidden)
			return
		}
		if err := s.endSession(w, r); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// safeNext keeps a post-login redirect on this site: a local path only.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if next == "" || err != nil || u.IsAbs() || u.Host != "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, `\`) {
		return "/"
	}
	return next
}
