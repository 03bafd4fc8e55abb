package web

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/embargo-dev/embargo/server/deptreport"
	"github.com/embargo-dev/embargo/store"
)

// report serves the printable department report. Viewing never saves it:
// only "mark as sent" moves what the next report counts changes from.
func (d *dashboard) report(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	dep := r.PathValue("department")
	rep, err := deptreport.Build(r.Context(), d.st, v, dep, d.opts.Now(), d.names)
	if err != nil {
		return fmt.Errorf("building the report of %q: %w", dep, err)
	}
	var form *deptreport.SentForm
	if v.Role == store.Admin || v.Role == store.Officer {
		form = &deptreport.SentForm{Action: "/reports/" + url.PathEscape(dep), CSRF: d.opts.CSRFToken(r)}
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
	rep, err := deptreport.Build(r.Context(), d.st, v, dep, d.opts.Now(), d.names)
	if err != nil {
		return fmt.Errorf("building the report of %q: %w", dep, err)
	}
	if err := deptreport.Save(r.Context(), d.st, v, rep); err != nil {
		return err
	}
	http.Redirect(w, r, "/reports/"+url.PathEscape(dep), http.StatusSeeOther)
	return nil
}
