package report

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
)

// Table writes a human summary: restricted items grouped by supplier,
// then what could not be read, then a one-line summary.
//
// A report judged by policy begins with its findings, grouped by
// instrument and deadline, and the waivers and hosts the policy could not
// use; the summary gets a second sentence counting the findings.
//
// Lines are fitted to a terminal's width: a cell that does not fit is cut
// with "…" (a location in its middle, keeping the file's name), the
// widest column first; the location of something that could not be read
// is never cut, nor are headings.
type Table struct {
	// Width is the width to fit lines in, in terminal columns (the
	// terminal's); 0 means DefaultWidth.
	Width int
	// Wide cuts nothing, however long the lines.
	Wide bool
}

// Name implements Encoder.
func (Table) Name() string { return "table" }

// Encode implements Encoder.
func (t Table) Encode(w io.Writer, r *Report) error {
	width := t.width()
	if r.Traffic != nil {
		return trafficTable(w, r, width)
	}
	bw := bufio.NewWriter(w)
	if r.Policy != nil {
		tableFindings(bw, r, width)
	}
	groups := map[string][]Entry{}
	var suppliers []string
	for _, e := range r.Items {
		if e.Attribution == nil {
			continue
		}
		id := e.Attribution.Entity.ID
		if groups[id] == nil {
			suppliers = append(suppliers, id)
		}
		groups[id] = append(groups[id], e)
	}
	sort.Strings(suppliers)
	bases := map[catalog.Kind]string{}
	anyLocal := false
	if r.Policy != nil && len(suppliers) > 0 {
		fmt.Fprintf(bw, "Items attributed to restricted suppliers (%d)\n\n", r.Summary.Attributed)
	}
	for _, s := range suppliers {
		es := groups[s]
		at := es[0].Attribution
		supplier := at.Entity.Name
		if at.Entity.Local {
			supplier += " " + localMark
		}
		fmt.Fprintf(bw, "%s — controlled from %s (%s)\n", supplier, at.Chain.Country, chainText(at.View().ControlChain))
		rows := [][]string{{"ITEM", "NAME", "VERSION", "PRODUCT", "TIER", "CONFIDENCE", "DECIDED BY", "WHERE"}}
		for _, e := range es {
			a := e.Attribution
			product := "(unspecified product)"
			if a.Product != nil {
				product = a.Product.Name
			}
			if a.Local() {
				product += " " + localMark
				anyLocal = true
			}
			decided := decidedBy(a.Evidence[0])
			if a.SoldAs != nil {
				decided = soldAsCell(a.View())
			}
			rows = append(rows, []string{e.ID, e.Name, e.Version, product, string(a.Tier), a.Confidence.String(), decided, where(e)})
			bases[a.Evidence[0].Kind] = a.Evidence[0].Basis
		}
		writeRows(bw, itemIndent, rows, width, 1, itemDetailFrom, itemWhere)
		fmt.Fprintln(bw)
	}
	if len(bases) > 0 {
		fmt.Fprintln(bw, "What backs each kind of decision:")
		kinds := make([]string, 0, len(bases))
		for k := range bases {
			kinds = append(kinds, string(k))
		}
		sort.Strings(kinds)
		for _, k := range kinds {
			if b := bases[catalog.Kind(k)]; b != "" {
				fmt.Fprintf(bw, "  %s: %s\n", k, b)
			}
		}
		fmt.Fprintln(bw)
	}
	if anyLocal {
		fmt.Fprintf(bw, "%s: decided by facts from local catalogue files (named on the last line), not the built-in catalogue alone.\n\n", localMark)
	}
	if len(r.Unknowns) > 0 {
		fmt.Fprintf(bw, "Could not read or attribute (%d) — not compliant until resolved:\n", len(r.Unknowns))
		regs := r.registrants()
		for i, u := range r.Unknowns {
			if i == 20 {
				fmt.Fprintf(bw, "  … and %d more (see -o json)\n", len(r.Unknowns)-20)
				break
			}
			// The location is never cut: it is where to look.
			fmt.Fprintf(bw, "  %s: %s%s\n", printable(u.Location.String()), printable(u.Reason), registrantNote(regs, u))
		}
		fmt.Fprintln(bw)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(bw, "Note: %s\n", n)
	}
	s := r.Summary
	fmt.Fprintf(bw, "%d items: %d attributed to restricted suppliers, %d not attributed, %d unknown", s.Items, s.Attributed, s.Unattributed, s.Unknown)
	if s.FailedInputs > 0 {
		fmt.Fprintf(bw, "; %d input(s) could not be read", s.FailedInputs)
	}
	fmt.Fprintln(bw, ".")
	if r.Policy != nil {
		tablePolicySummary(bw, r)
	}
	writeData(bw, r)
	return bw.Flush()
}

// decidedBy names the evidence that decided: the identifier kind and value,
// and the field it was read from when that is not the identifier itself.
func decidedBy(ev attribute.Evidence) string {
	s := string(ev.Kind) + " " + ev.Identifier
	if ev.Value != ev.Identifier {
		s += " (" + string(ev.Field) + ")"
	}
	return s
}

// soldAsCell is the decision of equipment sold under another brand, under
// the heading that names its maker: "sold as Acme (label disagrees); OUI
// 44:19:B6 (IEEE MA-L)", "sold as Lorex; rebrand lorex-dahua-subsidiary".
func soldAsCell(v attribute.View) string {
	s := v.SoldAs
	out := "sold as " + s.Label
	if s.Disagrees {
		out += " (label disagrees)"
	}
	if ev := attribute.MadeByEvidence(v); ev.Kind != catalog.RebrandKind {
		out += "; " + attribute.EvidenceText(ev)
	}
	if s.Rebrand != nil {
		out += "; rebrand " + s.Rebrand.ID
	}
	return out
}

// where is the item's location and, for a dependency, what pulled it in.
func where(e Entry) string {
	s := e.Location.String()
	if len(e.DependencyPath) > 0 {
		s += " via " + strings.Join(e.DependencyPath, " → ")
	}
	return s
}

func chainText(links []attribute.ChainLink) string {
	parts := make([]string, len(links))
	for i, l := range links {
		parts[i] = fmt.Sprintf("%s, %s", l.Name, l.Country)
		if l.Local {
			parts[i] += " " + localMark
		}
	}
	return strings.Join(parts, " → ")
}

// localMark marks, in text, what a local catalogue file's fact decided.
const localMark = "[local]"

// itemIndent indents the rows of an item table under its supplier.
const itemIndent = "  "

// The columns of an item table that go to a row's second line when the
// row does not fit on one, and the location among them.
const itemDetailFrom, itemWhere = 6, 7
