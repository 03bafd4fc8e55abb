package server

import (
	"encoding/csv"
	"net/http"
	"time"

	"github.com/embargo-dev/embargo/report"
	"github.com/embargo-dev/embargo/store"
)

// exportColumns are the CSV export's columns, in order.
var exportColumns = []string{"id", "host_id", "department", "instrument", "pack", "rule", "effect", "item", "version",
	"product", "supplier", "country", "deadline", "first_seen", "last_seen", "state", "changed", "title", "url"}

// exportFindings writes the findings the viewer may see, filtered like
// /findings, as CSV or JSON. The store limits the rows, so an officer's
// export holds their department's alone.
func (s *Server) exportFindings(w http.ResponseWriter, r *http.Request) error {
	format := r.URL.Query().Get("format")
	if format != "csv" && format != "json" && format != "" {
		return errorf(http.StatusBadRequest, "format=%q: want csv or json", format)
	}
	f, err := findingFilter(r)
	if err != nil {
		return err
	}
	fs, err := s.st.Findings(r.Context(), viewer(r), f)
	if err != nil {
		return err
	}
	name := "embargo-findings-" + s.now().UTC().Format("20060102")
	if format != "csv" {
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.json"`)
		return writeJSON(w, http.StatusOK, nonNil(fs))
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	cw := csv.NewWriter(w)
	cw.Write(exportColumns)
	for _, x := range fs {
		cw.Write(findingRow(x))
	}
	cw.Flush()
	return cw.Error()
}

// findingRow is one CSV row; every cell goes through report.CSVCell so a
// spreadsheet never runs a cell as a formula.
func findingRow(f store.Finding) []string {
	row := []string{f.ID, f.HostID, f.Department, f.Instrument, f.Pack, f.Rule, f.Effect, f.Item, f.Version,
		f.Product, f.Supplier, f.Country, day(f.Deadline), stamp(f.FirstSeen), stamp(f.LastSeen), string(f.State),
		stamp(f.Changed), f.Title, f.URL}
	for i := range row {
		row[i] = report.CSVCell(row[i])
	}
	return row
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
