package deptreport

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"time"

	"github.com/embargo-dev/embargo/store"
)

// Limits of the printed page: longer lists end with "and N more" (of
// the list's count over the whole department), so the report stays on
// one A4 sheet; the JSON report holds the first Listed of each.
const (
	maxDeadlines = 12
	maxStale     = 5
	maxExpiring  = 4
	maxChanges   = 4
	maxInstr     = 8
	// maxRows is how many product rows the printed report shows, over
	// all its instruments.
	maxRows = 8
)

//go:embed templates/report.html
var reportHTML string

// style is the report's stylesheet, inlined so that the saved HTML file
// prints the same anywhere.
//
//go:embed templates/report.css
var style string

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"date": func(t time.Time) string {
		if t.IsZero() {
			return "never"
		}
		return t.UTC().Format(time.DateOnly)
	},
	"signed": func(n int) string { return fmt.Sprintf("%+d", n) },
	"minus1": func(n int) int { return n - 1 },
	"effect": effectText,
	"first":  first,
	"more":   more,
	"abs": func(n int) int {
		if n < 0 {
			return -n
		}
		return n
	},
}).Parse(reportHTML))

// more is how many of total rows a list printed up to limit of its
// listed ones leaves out.
func more(total, listed, limit int) int {
	return max(0, total-min(listed, limit))
}

// first returns up to n elements of a list of the report.
func first(n int, l any) any {
	switch l := l.(type) {
	case []Deadline:
		return l[:min(n, len(l))]
	case []StaleHost:
		return l[:min(n, len(l))]
	case []Expiring:
		return l[:min(n, len(l))]
	case []Change:
		return l[:min(n, len(l))]
	case []store.Count:
		return l[:min(n, len(l))]
	}
	return l
}

// SentForm is what the dashboard adds to the report, hidden when
// printed: links to the report as a PDF (PDF, the address without its
// paper), and the "mark as sent" form (when Action is set).
type SentForm struct {
	Action string
	CSRF   string
	PDF    string
}

type pageData struct {
	Report
	CSS  template.CSS
	Form *SentForm
	Max  limits
	// Shown are the sections as printed, at most maxRows rows in all;
	// Hidden counts the rows of the department they leave out.
	Shown  []Section
	Hidden int
}

// printed cuts sections to n rows in all, dropping the sections left
// empty; it returns how many rows of total are not shown.
func printed(secs []Section, n, total int) ([]Section, int) {
	var out []Section
	shown := 0
	for _, s := range secs {
		if shown == n {
			break
		}
		k := min(len(s.Rows), n-shown)
		s.Rows = s.Rows[:k]
		shown += k
		out = append(out, s)
	}
	return out, max(0, total-shown)
}

type limits struct{ Deadlines, Stale, Expiring, Changes, Instruments int }

// Render writes r as "html" (a standalone page that prints on one A4
// sheet) or "json".
func Render(w io.Writer, r Report, format string) error {
	switch format {
	case "html":
		return RenderPage(w, r, nil)
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			return fmt.Errorf("writing the report of %q as JSON: %w", r.Department, err)
		}
		return nil
	}
	return fmt.Errorf("unknown report format %q (html or json)", format)
}

// RenderPage writes r as HTML, with the "mark as sent" form when form is
// not nil.
func RenderPage(w io.Writer, r Report, form *SentForm) error {
	var b bytes.Buffer
	d := pageData{Report: r, CSS: template.CSS(style), Form: form, Max: limits{maxDeadlines, maxStale, maxExpiring, maxChanges, maxInstr}}
	d.Shown, d.Hidden = printed(r.Sections, maxRows, r.SectionRows)
	if err := page.Execute(&b, d); err != nil {
		return fmt.Errorf("writing the report of %q as HTML: %w", r.Department, err)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// StyleHash is the Content-Security-Policy source that allows the
// report's inline stylesheet and nothing else: 'sha256-...'.
func StyleHash() string {
	sum := sha256.Sum256([]byte(style))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

// effectText is a rule's effect as the report's column says it, before
// the deadline.
func effectText(e string) string {
	switch e {
	case "prohibit":
		return "prohibited"
	case "remove-by":
		return "remove by"
	case "warn":
		return "warning"
	}
	return e
}
