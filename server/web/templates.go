package web

import (
	"fmt"
	"html/template"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/internal/country"
	"github.com/embargo-dev/embargo/report"
	"github.com/embargo-dev/embargo/store"
)

// pageNames are the templates of templates/, each a "content" block
// rendered inside layout.html.
var pageNames = []string{"overview", "department", "host", "finding", "waivers", "waiver", "egress", "trends", "users", "catalogue", "hosts", "findings", "data", "feedchanges", "devices", "equipment", "error"}

// pages holds one parsed template set per page.
type pages struct{ byName map[string]*template.Template }

func mustParsePages() *pages {
	p, err := parsePages()
	if err != nil {
		panic(err) // the templates are embedded: a parse error is a build bug, caught by every test
	}
	return p
}

func parsePages() (*pages, error) {
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("parsing the layout: %w", err)
	}
	p := &pages{byName: map[string]*template.Template{}}
	for _, name := range pageNames {
		t, err := template.Must(base.Clone()).ParseFS(templateFS, "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("parsing page %q: %w", name, err)
		}
		p.byName[name] = t
	}
	return p, nil
}

func (p *pages) execute(w io.Writer, name string, data any) error {
	t, ok := p.byName[name]
	if !ok {
		return fmt.Errorf("no page %q", name)
	}
	return t.ExecuteTemplate(w, "layout.html", data)
}

// Page is what every page's layout needs.
type Page struct {
	Title  string
	Viewer store.Viewer
	CSRF   string
	Now    time.Time
	// CanAct is whether the viewer may request waivers and mark reports
	// as sent (officers and admins); auditors see no forms.
	CanAct  bool
	IsAdmin bool
	// Names names the catalogue's ids in templates ($.Names.Entity ...).
	Names Names
}

// Names gives the catalogue's names of ids; an unknown id, or no
// catalogue, is its own name.
type Names struct{ cat *catalog.Catalog }

// Entity is an entity's name.
func (n Names) Entity(id string) string {
	if n.cat != nil {
		if e := n.cat.Entity(id); e != nil {
			return e.Name
		}
	}
	return id
}

// Instrument is an instrument's title.
func (n Names) Instrument(id string) string {
	if n.cat != nil {
		if in := n.cat.Instrument(id); in != nil {
			return in.Title
		}
	}
	return id
}

func (d *dashboard) page(r *http.Request, v store.Viewer, title string) Page {
	return Page{
		Names:   Names{d.cat()},
		Title:   title,
		Viewer:  v,
		CSRF:    d.opts.CSRFToken(r),
		Now:     d.opts.Now().UTC(),
		CanAct:  v.Role == store.Admin || v.Role == store.Officer,
		IsAdmin: v.Role == store.Admin,
	}
}

type errorPage struct {
	Page
	Code    int
	Message string
}

var funcs = template.FuncMap{
	"date": dateText,
	"deadline": func(t time.Time) string {
		if t.IsZero() {
			return "none"
		}
		return dateText(t)
	},
	"datetime":     func(t time.Time) string { return timeText(t, "2006-01-02 15:04 UTC") },
	"ago":          agoText,
	"bytes":        report.Bytes,
	"open":         func(s store.FindingState) bool { return s == store.Open || s == store.Reopened },
	"due":          dueText,
	"join":         strings.Join,
	"country":      country.Name,
	"countryLabel": country.Label,
	"state":        stateText,
	"ownership":    ownershipText,
}

// ownershipText is a managed device's ownership for people: its manager
// not saying is "unknown" (judged as the organisation's device).
func ownershipText(o string) string {
	if o == "" {
		return "unknown"
	}
	return o
}

func timeText(t time.Time, layout string) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format(layout)
}

func dateText(t time.Time) string { return timeText(t, "2006-01-02") }

// agoText says how long before now t was, in the largest whole unit.
func agoText(now, t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d.Hours()))
	}
	return fmt.Sprintf("%d days ago", int(d.Hours()/24))
}

// dueText says where a deadline stands at now: "overdue by 3 days", "due
// in 12 days", "no deadline".
func dueText(now, deadline time.Time) string {
	if deadline.IsZero() {
		return "no deadline"
	}
	y, m, dd := now.UTC().Date()
	days := int(deadline.Sub(time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)).Hours() / 24)
	switch {
	case days < 0:
		return fmt.Sprintf("overdue by %d days", -days)
	case days == 0:
		return "due today"
	}
	return fmt.Sprintf("due in %d days", days)
}
