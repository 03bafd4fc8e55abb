package report

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
)

// SARIF writes the report as a SARIF 2.1.0 log that GitHub code scanning
// and other SARIF viewers ingest: one run, one rule per catalogued product
// (or supplier, when the product is not identified) that has findings, one
// result per attributed item, and a warning result for everything that
// could not be read or attributed, because unknown is never compliant.
//
// A report judged by policy has one result per finding instead, under one
// rule per policy rule that has findings ("<pack>/<rule>", described by
// its instrument and clause): an error for prohibit and remove-by, a
// warning for warn, and a note with an accepted external suppression when
// a waiver is in force. The finding id is the result's partial
// fingerprint ("embargoFinding/v1").
//
// Files are named relative to the source root (see Options), the line is
// given when the input is line-oriented, and the place inside the file
// (a JSON pointer, a registry key, a package URL) is a logical location.
// A log is kept within what GitHub accepts (see GitHubMaxResults): the
// most severe results are kept, and a notification says what was left
// out.
type SARIF struct {
	// SourceRoot and Warn are Options'.
	SourceRoot string
	Warn       func(string)
	// limits are GitHub's unless a test lowers them.
	limits sarifLimits
}

// Name implements Encoder.
func (SARIF) Name() string { return "sarif" }

// SARIF identifiers.
const (
	SARIFSchemaURL = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	SARIFVersion   = "2.1.0"
	// ToolURL is the tool's home, written where formats ask for one.
	ToolURL = "https://github.com/embargo-dev/embargo"
	// UnknownRuleID is the rule of results for what could not be read or
	// attributed.
	UnknownRuleID = "embargo/unknown"
	// sarifFingerprint names the partial fingerprint: a hash of the item
	// id, stable across runs as long as the item is found in the same
	// place.
	sarifFingerprint = "embargoItem/v1"
)

// Security severities on GitHub's scale (0.0-10.0; 7.0 and above is
// "high"). Software from a restricted supplier is a high finding whatever
// its CVEs; what cannot be seen is a medium one.
const (
	restrictedSeverity = "8.0"
	unknownSeverity    = "5.0"
)

// Encode implements Encoder.
func (s SARIF) Encode(w io.Writer, r *Report) error {
	if r.Traffic != nil && r.Policy == nil {
		return errors.New("SARIF output of flows lists policy findings: give --policy")
	}
	paths, err := newSARIFPaths(s.SourceRoot, r)
	if err != nil {
		return err
	}
	b := &sarifBuilder{r: r, paths: paths, rules: map[string]func() sarifRule{}}
	all := b.results()
	inv := b.invocation()
	if note := paths.outsideNote(); note != "" {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{Level: "warning", Message: sarifText{Text: note}})
		s.warn(note)
	}
	lim := s.limits.orGitHub()
	n, bySize := min(len(all), lim.results), false
	for {
		kept := mostSevere(all, n)
		run := b.run(kept, inv)
		var note string
		if n < len(all) {
			note = cappedNote(n, len(all), lim, bySize)
			run.Invocations[0].ToolExecutionNotifications = append(run.Invocations[0].ToolExecutionNotifications,
				sarifNotification{Level: "warning", Message: sarifText{Text: note}})
			run.Properties["results_left_out"] = len(all) - n
		}
		data, err := marshalSARIF(sarifLog{Schema: SARIFSchemaURL, Version: SARIFVersion, Runs: []sarifRun{run}})
		if err != nil {
			return err
		}
		size := len(data)
		if size > lim.gzipBytes {
			size = gzipSize(data)
		}
		if size <= lim.gzipBytes {
			s.warn(note)
			_, err = w.Write(data)
			return err
		}
		if n == 0 {
			return fmt.Errorf("the SARIF log is %s bytes gzip-compressed with no results at all, more than GitHub code scanning accepts (%s)",
				thousands(size), thousands(lim.gzipBytes))
		}
		// Fewer results, in proportion, with a margin for the rules and
		// the notification: a few passes at most.
		n, bySize = int(float64(n)*float64(lim.gzipBytes)/float64(size)*0.95), true
	}
}

func (s SARIF) warn(note string) {
	if note != "" && s.Warn != nil {
		s.Warn(note)
	}
}

// resultProperties are an attributed item's result properties; "local"
// is there when a local catalogue file's fact decided.
func resultProperties(e Entry, v attribute.View) map[string]any {
	p := map[string]any{
		"item_id":             e.ID,
		"item":                e.Item,
		"controlling_country": v.ControllingCountry,
		"confidence":          v.Confidence,
		"tier":                v.Tier,
		"attribution":         v,
	}
	if v.Local {
		p["local"] = true
	}
	return p
}

func sarifRuleID(v attribute.View) string {
	if v.Product != nil {
		return "embargo/product/" + v.Product.ID
	}
	return "embargo/supplier/" + v.Supplier.ID
}

func restrictedRule(id string, a *attribute.Attribution, v attribute.View, cat *catalog.Catalog) sarifRule {
	subject := v.Supplier.Name + " software (product not identified)"
	name := "RestrictedSupplier"
	if v.Product != nil {
		subject, name = v.Product.Name, "RestrictedProduct"
	}
	country := v.ControllingCountry
	rl := sarifRule{
		ID:               id,
		Name:             name,
		ShortDescription: sarifText{Text: fmt.Sprintf("%s: restricted supplier %s, controlled from %s", subject, v.Supplier.Name, country)},
		FullDescription: sarifText{Text: fmt.Sprintf("%s is supplied by %s (%s, incorporated in %s), which is controlled from %s through %s.",
			subject, v.Supplier.Name, v.Supplier.ID, v.Supplier.Country, country, chainNames(v.ControlChain))},
		HelpURI: ToolURL,
		Properties: map[string]any{
			"tags":              ruleTags(v, country),
			"security-severity": restrictedSeverity,
		},
	}
	rl.DefaultConfiguration.Level = "error"

	var text, md strings.Builder
	fmt.Fprintf(&text, "%s\n\n", rl.FullDescription.Text)
	fmt.Fprintf(&md, "**%s** is supplied by **%s** (`%s`), incorporated in %s, controlled from **%s**.\n\n", mdEscape(subject), mdEscape(v.Supplier.Name), v.Supplier.ID, v.Supplier.Country, country)
	if v.Product != nil && cat != nil {
		if p := cat.Product(v.Product.ID); p != nil {
			src := sourceText(cat, p.Fact.Source)
			fmt.Fprintf(&text, "Product: %s (%s), %s; source: %s.\n", p.Name, p.ID, p.Category, src)
			fmt.Fprintf(&md, "Product: %s (`%s`), %s; source: %s.\n\n", mdEscape(p.Name), p.ID, mdEscape(p.Category), mdEscape(src))
		}
	}
	text.WriteString("Control chain:\n")
	md.WriteString("Control chain:\n\n")
	for i, l := range v.ControlChain {
		line := fmt.Sprintf("%s (%s, %s)", l.Name, l.ID, l.Country)
		if l.ControlledFrom != "" {
			line += ", controlled from " + l.ControlledFrom
		}
		if l.Via != nil {
			line += fmt.Sprintf("; parent of the above per %s (%s confidence)", factText(l.Via), l.Via.Confidence)
		}
		fmt.Fprintf(&text, "%d. %s\n", i+1, line)
		fmt.Fprintf(&md, "%d. %s\n", i+1, mdEscape(line))
	}
	basis := fmt.Sprintf("Controlling country: %s, per %s (%s confidence).", country, factText(&v.ControlBasis), v.ControlBasis.Confidence)
	fmt.Fprintf(&text, "%s\n", basis)
	fmt.Fprintf(&md, "\n%s\n", mdEscape(basis))
	if ins := instrumentsFor(cat, a); len(ins) > 0 {
		text.WriteString("Instruments naming this supplier or product:\n")
		md.WriteString("\nInstruments naming this supplier or product:\n\n")
		for _, in := range ins {
			fmt.Fprintf(&text, "- %s (%s, %s) %s\n", in.Title, in.Issuer, in.Date, in.URL)
			fmt.Fprintf(&md, "- [%s](%s) (%s, %s)\n", mdEscape(in.Title), in.URL, mdEscape(in.Issuer), in.Date)
		}
	}
	text.WriteString("Remove the software or record a waiver; each result lists the evidence that matched and its sources.")
	md.WriteString("\nRemove the software or record a waiver; each result lists the evidence that matched and its sources.\n")
	rl.Help = sarifMultiText{Text: text.String(), Markdown: md.String()}
	return rl
}

// ruleTags tag a restricted product's rule; "local" when the product or
// supplier is a local catalogue file's.
func ruleTags(v attribute.View, country string) []string {
	tags := []string{"supply-chain", "restricted-supplier", country}
	if (v.Product != nil && v.Product.Local) || (v.Product == nil && v.Supplier.Local) {
		tags = append(tags, "local")
	}
	return tags
}

func unknownRule() sarifRule {
	rl := sarifRule{
		ID:               UnknownRuleID,
		Name:             "NotReadOrAttributed",
		ShortDescription: sarifText{Text: "An input or component could not be read or attributed"},
		FullDescription: sarifText{Text: "Embargo could not read this input or component, or it had nothing to attribute it by. " +
			"What cannot be seen is never reported as compliant."},
		Help: sarifMultiText{
			Text:     "Fix the input (or give the component a name, package URL, CPE or supplier) and scan again; until then the estate cannot be shown free of restricted suppliers.",
			Markdown: "Fix the input (or give the component a name, package URL, CPE or supplier) and scan again; until then the estate **cannot be shown free** of restricted suppliers.",
		},
		HelpURI: ToolURL,
		Properties: map[string]any{
			"tags":              []string{"supply-chain", "unknown"},
			"security-severity": unknownSeverity,
		},
	}
	rl.DefaultConfiguration.Level = "warning"
	return rl
}

// findingText is the message of a result: "<item> is <product> by
// <supplier>, controlled from <country>; evidence: ...".
