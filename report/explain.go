package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/inventory"
)

// Explain writes the whole evidence chain of one entry for a person:
// item → evidence → product → supplier → parents → controlling country.
func Explain(w io.Writer, e Entry) error {
	var v *attribute.View
	if e.Attribution != nil {
		x := e.Attribution.View()
		v = &x
	}
	return explain(w, e.Item, v)
}

// ExplainJSON explains an item as stored in a JSON report.
func ExplainJSON(w io.Writer, raw []byte) error {
	var e struct {
		inventory.Item
		Attribution *attribute.View `json:"attribution"`
	}
	if err := json.Unmarshal(raw, &e); err != nil {
		return fmt.Errorf("reading the item: %w", err)
	}
	return explain(w, &e.Item, e.Attribution)
}

func explain(w io.Writer, it *inventory.Item, v *attribute.View) error {
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "Item %s: %s %s (%s", it.ID, it.Name, it.Version, it.Type)
	if it.Ecosystem != "" {
		fmt.Fprintf(b, ", %s", it.Ecosystem)
	}
	fmt.Fprintf(b, ")\n  found in %s", it.Location)
	if it.Location.Reader != "" {
		fmt.Fprintf(b, " (read by %s)", it.Location.Reader)
	}
	fmt.Fprintln(b)
	for _, a := range it.Attrs {
		fmt.Fprintf(b, "  %s: %s\n", a.Field, a.Value)
	}
	if len(it.DependencyPath) > 0 {
		fmt.Fprintf(b, "  pulled in by: %s\n", strings.Join(it.DependencyPath, " → "))
	}
	if v == nil {
		fmt.Fprintln(b, "\nNo catalogued supplier matches this item.")
		return b.Flush()
	}
	fmt.Fprintln(b, "\nEvidence")
	for _, ev := range v.Evidence {
		note := ""
		if ev.Note != "" {
			note = " (" + ev.Note + ")"
		}
		fmt.Fprintf(b, "  %s %q matches %s %q%s, score %d%s\n", ev.Field, ev.Value, ev.Kind, ev.Identifier, note, ev.Score, marked(ev.Local))
		if ev.Basis != "" {
			fmt.Fprintf(b, "      basis: %s\n", ev.Basis)
		}
		fmt.Fprintf(b, "      source %s %s, %s confidence\n", ev.Source, ev.SourceURL, ev.FactConf)
	}
	fmt.Fprintln(b)
	if v.SoldAs != nil {
		fmt.Fprintf(b, "Sold as   %s\n", soldAsText(*v))
		if v.SoldAs.Note != "" {
			fmt.Fprintf(b, "          %s\n", v.SoldAs.Note)
		}
	}
	// Reports written before tiers (and the fleet's older evidence) have
	// neither line.
	if v.DecidedBy.Kind != "" {
		fmt.Fprintf(b, "Decided by  %s %q (%s %q)\n", v.DecidedBy.Kind, v.DecidedBy.Identifier, v.DecidedBy.Field, v.DecidedBy.Value)
	}
	if v.Tier != "" {
		fmt.Fprintf(b, "Tier      %s%s\n", v.Tier, tierText(v.Tier))
	}
	if v.Product != nil {
		fmt.Fprintf(b, "Product   %s (%s), %s%s\n", v.Product.Name, v.Product.ID, v.Product.Category, marked(v.Product.Local))
	} else {
		fmt.Fprintf(b, "Product   not identified; the evidence names the supplier only\n")
	}
	fmt.Fprintf(b, "Supplier  %s (%s), incorporated in %s%s\n", v.Supplier.Name, v.Supplier.ID, v.Supplier.Country, marked(v.Supplier.Local))
	fmt.Fprintln(b, "Control chain")
	for i, l := range v.ControlChain {
		indent := strings.Repeat("  ", i+1)
		cf := ""
		if l.ControlledFrom != "" {
			cf = ", controlled from " + l.ControlledFrom
		}
		fmt.Fprintf(b, "%s%s (%s%s)%s", indent, l.Name, l.Country, cf, marked(l.Local))
		if l.Via != nil {
			fmt.Fprintf(b, "  ← parent of the above: %s %s, %s confidence%s", l.Via.Source, l.Via.URL, l.Via.Confidence, marked(l.Via.Local))
		}
		fmt.Fprintln(b)
	}
	fmt.Fprintf(b, "Controlling country  %s (basis: %s %s, %s confidence)", v.ControllingCountry, v.ControlBasis.Source, v.ControlBasis.URL, v.ControlBasis.Confidence)
	if v.AsOf != "" {
		fmt.Fprintf(b, ", as of %s", v.AsOf)
	}
	fmt.Fprintln(b)
	fmt.Fprintf(b, "Attribution confidence  %s (score %d)\n", v.Confidence, v.Score)
	if v.Local {
		fmt.Fprintf(b, "Local     facts marked %s come from local catalogue files (named with the data below), not the built-in catalogue\n", localMark)
	}
	for _, t := range v.Ties {
		name := "(supplier only)"
		if t.Product != nil {
			name = t.Product.Name
		}
		fmt.Fprintf(b, "Tie: %s by %s, score %d\n", name, t.Supplier.Name, t.Score)
	}
	return b.Flush()
}

// soldAsText says under which brand an item is sold and who made it:
// "Acme, made by Hangzhou Hikvision Digital Technology Co., Ltd. (OUI
// 44:19:B6 (IEEE MA-L)); the label disagrees: no catalogued rebrand
// covers it", or the rebrand fact that does.
func soldAsText(v attribute.View) string {
	s := v.SoldAs
	t := fmt.Sprintf("%s, made by %s (%s)", s.Label, v.Supplier.Name, attribute.EvidenceText(attribute.MadeByEvidence(v)))
	if r := s.Rebrand; r != nil {
		share := "all of the brand's equipment"
		if r.Share == catalog.ShareSome {
			share = "some of the brand's equipment"
		}
		return t + fmt.Sprintf("; rebrand %s: %s sold %s's equipment (%s), %s; source %s %s, %s confidence%s",
			r.ID, r.Brand, r.Manufacturer, share, r.Period, r.Source, r.URL, r.Confidence, marked(r.Local))
	}
	if s.Disagrees {
		t += "; the label disagrees: no catalogued rebrand covers it"
	}
	return t
}

// marked is " [local]" for a fact from a local catalogue file.
func marked(local bool) string {
	if local {
		return " " + localMark
	}
	return ""
}

// tierText says in words what a tier means.
func tierText(t catalog.Tier) string {
	switch t {
	case catalog.TierProduct:
		return ": the supplier's own product"
	case catalog.TierEmbedded:
		return ": the supplier's code inside another product"
	case catalog.TierServiceClient:
		return ": software written to reach the supplier's service"
	case catalog.TierHosting:
		return ": infrastructure the supplier runs for others"
	}
	return ""
}
