// Package web is the dashboard of `embargo serve`: server-rendered pages
// (html/template, embedded templates and one stylesheet, no JavaScript)
// over the store, with charts and the world map drawn as inline SVG by Go.
//
// Every read goes through the store with the viewer the request is made
// for, so a page shows only what the store lets that viewer see; a row
// the viewer may not see is a 404, never a 403, so that officers cannot
// probe other departments by URL. Forms post with the session's CSRF
// token in the hidden field "csrf"; auditors are shown no forms.
package web

import (
	"bytes"
	"context"
	"crypto/subtle"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/server/deptreport"
	"github.com/embargo-dev/embargo/store"
)

// MaxFormBytes bounds the body of a form post; the dashboard's forms
// carry a reason and a note of a few lines at most.
const MaxFormBytes = 64 << 10

//go:embed templates/*.html
var templateFS embed.FS

//go:embed assets/style.css
var assetFS embed.FS

// Options are what the dashboard needs from the server that mounts it.
type Options struct {
	// ViewerFrom returns who the request is made for; false sends the
	// browser to /login.
	ViewerFrom func(*http.Request) (store.Viewer, bool)
	// CSRFToken is the token of the request's session, put in every form
	// and checked on every post.
	CSRFToken func(*http.Request) string
	// Now is the clock (time.Now when nil).
	Now    func() time.Time
	Logger *slog.Logger
	// Catalog names the catalogue's ids on the pages (nil: the ids);
	// CatalogNow, when set, is asked instead on every page, for a server
	// whose catalogue an installed feed replaces.
	Catalog    *catalog.Catalog
	CatalogNow func() *catalog.Catalog
	// Browser is the headless browser report PDFs are printed with
	// (empty: chromium on the PATH).
	Browser string
}

// dashboard serves the pages.
type dashboard struct {
	st    store.Store
	opts  Options
	pages *pages
}

// New returns the dashboard's handler, to be mounted at / behind the
// server's session middleware (which serves /login and /logout).
func New(st store.Store, opts Options) http.Handler {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.CSRFToken == nil {
		opts.CSRFToken = func(*http.Request) string { return "" }
	}
	d := &dashboard{st: st, opts: opts, pages: mustParsePages()}
	mux := http.NewServeMux()
	assets, _ := fs.Sub(assetFS, "assets")
	mux.Handle("GET /assets/", http.StripPrefix("/assets/", http.FileServerFS(assets)))
	page := func(pattern string, h func(http.ResponseWriter, *http.Request, store.Viewer) error) {
		mux.Handle(pattern, d.withViewer(h))
	}
	page("GET /{$}", d.overview)
	page("GET /departments/{d}", d.department)
	page("GET /hosts", d.hostsList)
	page("GET /findings", d.findingsList)
	page("GET /devices", d.devices)
	page("GET /equipment", d.equipment)
	page("GET /hosts/{id}", d.host)
	page("GET /findings/{id}", d.finding)
	page("GET /waivers", d.waivers)
	page("GET /waivers/{id}", d.waiver)
	page("POST /waivers", d.requestWaiver)
	page("POST /hosts/{id}/revoke", d.revokeAgent)
	page("GET /users", d.users)
	page("POST /users/{username}/disable", d.disableUser)
	page("POST /enrollment-tokens/revoke", d.revokeToken)
	page("POST /waivers/{id}/approve", d.decideWaiver(true))
	page("POST /waivers/{id}/reject", d.decideWaiver(false))
	page("GET /egress", d.egress)
	page("GET /catalogue/{id}", d.catalogueEntity)
	page("GET /trends", d.trends)
	page("GET /data", d.data)
	page("GET /data/feeds/{version}", d.feedChanges)
	page("GET /reports/{department}", d.report)
	page("GET /reports/{department}/pdf", d.reportPDF)
	page("POST /reports/{department}", d.markSent)
	page("/", func(http.ResponseWriter, *http.Request, store.Viewer) error {
		return fmt.Errorf("no such page: %w", store.ErrNotFound)
	})
	return securityHeaders(mux)
}

// withViewer resolves the viewer, checks the CSRF token of posts, runs h
// and turns its error into an error page.
func (d *dashboard) withViewer(h func(http.ResponseWriter, *http.Request, store.Viewer) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, ok := d.opts.ViewerFrom(r)
		if !ok {
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, MaxFormBytes)
			if err := r.ParseForm(); err != nil {
				d.fail(w, r, v, fmt.Errorf("reading the form: %v: %w", err, errBadRequest))
				return
			}
			want := d.opts.CSRFToken(r)
			if want == "" || subtle.ConstantTimeCompare([]byte(r.PostForm.Get("csrf")), []byte(want)) != 1 {
				d.fail(w, r, v, fmt.Errorf("the form's csrf token does not match the session: %w", store.ErrForbidden))
				return
			}
		}
		if err := h(w, r, v); err != nil {
			d.fail(w, r, v, err)
		}
	})
}

// errBadRequest marks an error in what the browser sent.
var (
	errBadRequest = errors.New("bad request")
	// errUnavailable is a feature this server cannot offer (a PDF with
	// no browser installed).
	errUnavailable = errors.New("not available on this server")
)

// fail writes the error page with the status the error calls for.
func (d *dashboard) fail(w http.ResponseWriter, r *http.Request, v store.Viewer, err error) {
	code, msg := http.StatusInternalServerError, "Something went wrong; it has been logged."
	switch {
	case errors.Is(err, store.ErrNotFound):
		code, msg = http.StatusNotFound, "There is no such page, or you may not see it."
	case errors.Is(err, store.ErrForbidden):
		code, msg = http.StatusForbidden, "You may not do this."
	case errors.Is(err, store.ErrInvalid), errors.Is(err, errBadRequest):
		code, msg = http.StatusBadRequest, err.Error()
	case errors.Is(err, store.ErrConflict):
		code, msg = http.StatusConflict, err.Error()
	case errors.Is(err, errUnavailable):
		code, msg = http.StatusNotImplemented, err.Error()
	case errors.Is(err, context.Canceled):
		return
	}
	lvl := slog.LevelInfo
	if code >= 500 {
		lvl = slog.LevelError
	}
	d.opts.Logger.Log(r.Context(), lvl, "dashboard request failed", "path", r.URL.Path, "method", r.Method,
		"user", v.Username, "status", code, "err", err)
	data := errorPage{Page: d.page(r, v, http.StatusText(code)), Code: code, Message: msg}
	d.render(w, code, "error", data)
}

// render executes the named page into a buffer first, so a template error
// becomes a clean 500 rather than half a page.
func (d *dashboard) render(w http.ResponseWriter, code int, name string, data any) {
	var buf bytes.Buffer
	if err := d.pages.execute(&buf, name, data); err != nil {
		d.opts.Logger.Error("rendering a dashboard page", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	w.Write(buf.Bytes())
}

// securityHeaders sets a Content-Security-Policy that allows nothing but
// the dashboard's own stylesheet and forms: the pages need no script.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		if hd.Get("Content-Security-Policy") == "" {
			hd.Set("Content-Security-Policy", csp(""))
		}
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("X-Frame-Options", "DENY")
		h.ServeHTTP(w, r)
	})
}

// csp is the dashboard's policy; extraStyle allows one more style source
// (the printable report's inline stylesheet, by hash).
func csp(extraStyle string) string {
	style := "'self'"
	if extraStyle != "" {
		style += " " + extraStyle
	}
	return "default-src 'none'; style-src " + style + "; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
}

// cat is the catalogue the pages name ids by (nil: none).
func (d *dashboard) cat() *catalog.Catalog {
	if d.opts.CatalogNow != nil {
		return d.opts.CatalogNow()
	}
	return d.opts.Catalog
}

// names names the catalogue's ids in reports (nil without a catalogue).
func (d *dashboard) names() deptreport.Names {
	if c := d.cat(); c != nil {
		return deptreport.CatalogNames(c)
	}
	return nil
}
