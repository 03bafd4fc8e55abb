package report

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/inventory"
)

func findingText(it *inventory.Item, v attribute.View) string {
	name := it.Name
	if it.Version != "" {
		name += " " + it.Version
	}
	var b strings.Builder
	if v.Product != nil {
		fmt.Fprintf(&b, "%s is %s by %s", name, v.Product.Name, v.Supplier.Name)
	} else {
		fmt.Fprintf(&b, "%s is made by %s (product not identified)", name, v.Supplier.Name)
	}
	fmt.Fprintf(&b, ", controlled from %s (%s confidence, score %d); tier %s", v.ControllingCountry, v.Confidence, v.Score, v.Tier)
	if len(it.DependencyPath) > 0 {
		fmt.Fprintf(&b, ", pulled in by %s", strings.Join(it.DependencyPath, " > "))
	}
	fmt.Fprintf(&b, "; decided by %s %s (%s); evidence: ", v.DecidedBy.Kind, v.DecidedBy.Identifier, v.DecidedBy.Basis)
	for i, e := range v.Evidence {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(evidenceText(e))
	}
	return b.String()
}

func fingerprint(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:16])
}

func chainNames(links []attribute.ChainLink) string {
	parts := make([]string, len(links))
	for i, l := range links {
		parts[i] = fmt.Sprintf("%s (%s)", l.Name, l.Country)
	}
	return strings.Join(parts, " → ")
}

func factText(f *attribute.FactRef) string {
	if f.URL != "" {
		return f.Source + " " + f.URL
	}
	return f.Source
}

func sourceText(cat *catalog.Catalog, id string) string {
	if s := cat.Sources[id]; s != nil && s.URL != "" {
		return id + " " + s.URL
	}
	return id
}

// instrumentsFor lists the catalogue's instruments that name the product
// or an entity of the control chain.
func instrumentsFor(cat *catalog.Catalog, a *attribute.Attribution) []*catalog.Instrument {
	if cat == nil {
		return nil
	}
	var out []*catalog.Instrument
	for _, in := range cat.Instruments {
		hit := a.Product != nil && slices.Contains(in.Products, a.Product.ID)
		for _, l := range a.Chain.Links {
			hit = hit || slices.Contains(in.Entities, l.Entity.ID)
		}
		if hit {
			out = append(out, in)
		}
	}
	return out
}

var mdEscaper = strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`, "<", `\<`, ">", `\>`, "#", `\#`, "|", `\|`)

// mdEscape keeps catalogue text from being read as Markdown.
func mdEscape(s string) string { return mdEscaper.Replace(s) }
