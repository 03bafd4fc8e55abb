package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/embargo-dev/embargo/server/deptreport"
	"github.com/embargo-dev/embargo/store"
)

// report serves the printable department report. Viewing never saves it:
// only "mark as sent" moves what the next report counts changes from.
func (d *dashboard) report(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	dep := r.PathValue("department")
	rep, err := deptreport.Build(r.Context(), d.st, v, dep, d.opts.Now(), d.names())
	if err != nil {
		return fmt.Errorf("building the report of %q: %w", dep, err)
	}
	form := &deptreport.SentForm{PDF: "/reports/" + url.PathEscape(dep) + "/pdf"}
	if v.Role == store.Admin || v.Role == store.Officer {
		form.Action, form.CSRF = "/reports/"+url.PathEscape(dep), d.opts.CSRFToken(r)
	}
	w.Header().Set("Content-Security-Policy", csp(deptreport.StyleHash()))
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	return deptreport.RenderPage(w, rep, form)
}

// markSent saves the report as it stands now as the one sent.
func (d *dashboard) markSent(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	dep := r.PathValue("department")
	if v.Role == store.Auditor {
		return fmt.Errorf("auditors change nothing: %w", store.ErrForbidden)
	}
	rep, err := deptreport.Build(r.Context(), d.st, v, dep, d.opts.Now(), d.names())
	if err != nil {
		return fmt.Errorf("building the report of %q: %w", dep, err)
	}
	if err := deptreport.Save(r.Context(), d.st, v, rep); err != nil {
		return err
	}
	http.Redirect(w, r, "/reports/"+url.PathEscape(dep), http.StatusSeeOther)
	return nil
}

// reportPDF serves the department report as a PDF on the paper asked
// for (a4, the default, or letter), printed by the server's chromium.
func (d *dashboard) reportPDF(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	dep := r.PathValue("department")
	paper := r.URL.Query().Get("paper")
	if paper == "" {
		paper = "a4"
	}
	if _, ok := deptreport.Papers[paper]; !ok {
		return fmt.Errorf("%w: paper %q: want a4 or letter", errBadRequest, paper)
	}
	rep, err := deptreport.Build(r.Context(), d.st, v, dep, d.opts.Now(), d.names())
	if err != nil {
		return fmt.Errorf("building the report of %q: %w", dep, err)
	}
	pdf, err := deptreport.PDF(r.Context(), rep, paper, d.opts.Browser)
	if errors.Is(err, deptreport.ErrNoBrowser) {
		return fmt.Errorf("%w: %v", errUnavailable, err)
	}
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-report-%s.pdf"`, safeName(dep), rep.Generated.Format(time.DateOnly)))
	_, err = w.Write(pdf)
	return err
}

// safeName keeps the letters, digits, dashes and dots of a name, for a
// file name.
func safeName(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			b[i] = '_'
		}
	}
	return string(b)
}
