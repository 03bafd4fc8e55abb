package server

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"time"

	"github.com/embargo-dev/embargo/report"
	"github.com/embargo-dev/embargo/store"
)

// exportColumns are the CSV export's columns, in order.
var exportColumns = []string{"id", "host_id", "department", "instrument", "pack", "rule", "effect", "item", "version",
	"product", "supplier", "country", "deadline", "first_seen", "last_seen", "state", "changed", "title", "url", "kind", "reason"}

// exportPage is how many findings an export reads from the store at a
// time: the export is streamed, whatever the estate's size.
var exportPage = 5000

// exportFindings writes every finding the viewer may see, filtered like
// /findings, as CSV or JSON, read from the store in pages by id and
// streamed. The store limits the rows, so an officer's export holds
// their department's alone. Evidence is left out (GET
// /api/v1/findings/{id} has it).
func (s *Server) exportFindings(w http.ResponseWriter, r *http.Request) error {
	format := r.URL.Query().Get("format")
	if format != "csv" && format != "json" && format != "" {
		return errorf(http.StatusBadRequest, "format=%q: want csv or json", format)
	}
	f, err := findingFilter(r)
	if err != nil {
		return err
	}
	f.ByID, f.NoEvidence, f.Limit = true, true, exportPage
	// The first page is read before anything is written, so that an
	// error still gets its status.
	page, err := s.st.Findings(r.Context(), viewer(r), f)
	if err != nil {
		return err
	}
	last := page // the page read last, whoever holds it now
	next := func() ([]store.Finding, error) {
		if len(last) < exportPage {
			return nil, nil
		}
		f.AfterID = last[len(last)-1].ID
		var err error
		last, err = s.st.Findings(r.Context(), viewer(r), f)
		return last, err
	}
	name := "embargo-findings-" + s.now().UTC().Format("20060102")
	w.Header().Set("Cache-Control", "no-store")
	if format != "csv" {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.json"`)
		return exportJSON(w, page, next)
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
	cw := csv.NewWriter(w)
	cw.Write(exportColumns)
	for len(page) > 0 {
		for _, x := range page {
			cw.Write(findingRow(x))
		}
		if page, err = next(); err != nil {
			// The status is sent: a cut row tells a reader the file is
			// incomplete, and the log says why.
			cw.Flush()
			return streamError(err)
		}
	}
	cw.Flush()
	return cw.Error()
}

// exportJSON writes the pages as one JSON array.
func exportJSON(w http.ResponseWriter, page []store.Finding, next func() ([]store.Finding, error)) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("[")
	first := true
	for len(page) > 0 {
		for _, x := range page {
			if !first {
				bw.WriteString(",")
			}
			first = false
			b, err := json.Marshal(x)
			if err != nil {
				return streamError(err)
			}
			bw.Write(b)
		}
		var err error
		if page, err = next(); err != nil {
			bw.Flush() // unterminated: the reader sees the JSON is cut
			return streamError(err)
		}
	}
	bw.WriteString("]\n")
	return bw.Flush()
}

// findingRow is one CSV row; every cell goes through report.CSVCell so a
// spreadsheet never runs a cell as a formula.
func findingRow(f store.Finding) []string {
	row := []string{f.ID, f.HostID, f.Department, f.Instrument, f.Pack, f.Rule, f.Effect, f.Item, f.Version,
		f.Product, f.Supplier, f.Country, day(f.Deadline), stamp(f.FirstSeen), stamp(f.LastSeen), string(f.State),
		stamp(f.Changed), f.Title, f.URL, string(f.Kind), f.Reason}
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
