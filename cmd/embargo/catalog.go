package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/embargo-dev/embargo/catalog"
)

func newCatalogCmd() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "catalog",
		Short: "Inspect the embedded catalogue of restricted suppliers",
	}
	cmd.PersistentFlags().StringVarP(&output, "output", "o", "table", "output format: table|json")
	catalogFlag(cmd.PersistentFlags())
	list := &cobra.Command{
		Use:   "list",
		Short: "List entities with their country, controlling country and products",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cat, err := catalogInUse()
			if err != nil {
				return err
			}
			if output == "json" {
				out := map[string]any{"digest": cat.Digest(), "entities": cat.Entities, "products": cat.Products, "instruments": cat.Instruments}
				if l := cat.Local(); l != nil {
					out["local"] = l
				}
				return writeJSON(cmd.OutOrStdout(), out)
			}
			return listCatalog(cmd.OutOrStdout(), cat)
		},
	}
	show := &cobra.Command{
		Use:   "show ID|NAME",
		Short: "Show an entity or product: names, control chain, products, identifiers and sources",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cat, err := catalogInUse()
			if err != nil {
				return err
			}
			return showCatalog(cmd.OutOrStdout(), cat, args[0], output)
		},
	}
	search := &cobra.Command{
		Use:   "search TEXT",
		Short: "Find entities and products by any name, alias (any script) or identifier value",
		Long: `Search finds entities and products by any name, alias (in any script) or identifier value
(a package name, a domain, a signer...). Like grep, it exits 0 when something matched and 1
when nothing did (with -o json, after writing an empty list).`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cat, err := catalogInUse()
			if err != nil {
				return err
			}
			hits := cat.Search(strings.Join(args, " "))
			if output == "json" {
				type hit struct {
					Entity  string `json:"entity"`
					Product string `json:"product,omitempty"`
					Why     string `json:"why"`
				}
				out := []hit{}
				for _, h := range hits {
					x := hit{Entity: h.Entity.ID, Why: h.Why}
					if h.Product != nil {
						x.Product = h.Product.ID
					}
					out = append(out, x)
				}
				if err := writeJSON(cmd.OutOrStdout(), out); err != nil || len(hits) > 0 {
					return err
				}
				return errNoMatch
			}
			if len(hits) == 0 {
				fmt.Fprintf(cmd.ErrOrStderr(), "embargo: no match for %q in the catalogue's names, aliases and identifiers\n", strings.Join(args, " "))
				return errNoMatch
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ENTITY\tPRODUCT\tCONTROLLED FROM\tMATCHED")
			for _, h := range hits {
				p := "-"
				if h.Product != nil {
					p = h.Product.ID
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", h.Entity.ID, p, cat.Chain(h.Entity).Country, h.Why)
			}
			return tw.Flush()
		},
	}
	cmd.AddCommand(list, show, search)
	return cmd
}

func listCatalog(w io.Writer, cat *catalog.Catalog) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ENTITY\tNAME\tCOUNTRY\tCONTROLLED FROM\tPRODUCTS")
	for _, e := range cat.Entities {
		fmt.Fprintf(tw, "%s\t%s%s\t%s\t%s\t%d\n", e.ID, e.Name, localText(e.Local, e.Pos), e.Country.Code, cat.Chain(e).Country, len(cat.ProductsOf(e)))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\n%d entities, %d products, %d instruments; catalogue %s\n", len(cat.Entities), len(cat.Products), len(cat.Instruments), cat.Digest())
	if l := cat.Local(); l != nil && err == nil {
		for _, f := range l.Files {
			fmt.Fprintf(w, "local catalogue file %s %s\n", f.Name, f.Digest)
		}
		for _, o := range l.Overrides {
			fmt.Fprintf(w, "override: %s\n", o)
		}
	}
	return err
}

// localText marks a fact of a local catalogue file, with where it is
// written.
func localText(local bool, p catalog.Position) string {
	if !local {
		return ""
	}
	return " [local " + p.String() + "]"
}

func showCatalog(w io.Writer, cat *catalog.Catalog, q, output string) error {
	e, p := cat.Entity(q), cat.Product(q)
	if e == nil && p == nil {
		hits := cat.Search(q)
		if len(hits) == 0 {
			return fmt.Errorf("no entity or product %q (try: embargo catalog search %q)", q, q)
		}
		e, p = hits[0].Entity, hits[0].Product
	}
	if p != nil {
		e = cat.Entity(p.Supplier)
	}
	if output == "json" {
		return writeJSON(w, map[string]any{"entity": e, "product": p, "control_chain": chainIDs(cat.Chain(e))})
	}
	src := func(f catalog.Fact) string {
		s := f.Source
		if x := cat.Sources[f.Source]; x != nil {
			s = x.URL
		}
		return fmt.Sprintf("[%s; %s]", f.Confidence, s)
	}
	fmt.Fprintf(w, "%s (%s)%s\n  incorporated in %s %s\n", e.Name, e.ID, localText(e.Local, e.Pos), e.Country.Code, src(e.Country.Fact))
	for _, n := range e.Names {
		fmt.Fprintf(w, "  %-6s %s %s\n", n.Kind, n.Value, src(n.Fact))
	}
	ch := cat.Chain(e)
	fmt.Fprintf(w, "  controlled from %s %s\n  control chain (as of %s):\n", ch.Country, src(ch.Basis), ch.AsOf)
	for _, l := range ch.Links {
		via := ""
		if l.Via != nil {
			via = " ← parent " + period(l.Via.Period) + src(l.Via.Fact)
		}
		fmt.Fprintf(w, "    %s (%s)%s\n", l.Entity.Name, l.Entity.Country.Code, via)
	}
	for _, pa := range e.Parents {
		if pa.Period.Open() || pa.Holds(time.Now()) {
			continue
		}
		name := pa.ID
		if x := cat.Entity(pa.ID); x != nil {
			name = x.Name
		}
		fmt.Fprintf(w, "  other parent: %s %s%s\n", name, period(pa.Period), src(pa.Fact))
	}
	products := cat.ProductsOf(e)
	if p != nil {
		products = []*catalog.Product{p}
	}
	used := map[catalog.Kind]bool{}
	for _, p := range products {
		fmt.Fprintf(w, "\n  product %s: %s (%s, tier %s) %s%s\n", p.ID, p.Name, p.Category, p.Tier, src(p.Fact), localText(p.Local, p.Pos))
		for _, id := range p.Identifiers {
			writeIdentifier(w, "    ", id, src)
			used[id.Kind] = true
		}
	}
	if len(e.Identifiers) > 0 {
		fmt.Fprintln(w, "\n  identifiers of the entity as a whole:")
	}
	for _, id := range e.Identifiers {
		writeIdentifier(w, "    ", id, src)
		used[id.Kind] = true
	}
	if len(used) > 0 {
		fmt.Fprintln(w, "\n  what makes each kind of match evidence:")
		for _, k := range catalog.Kinds() {
			if used[k.Kind] {
				fmt.Fprintf(w, "    %-18s %s\n", k.Kind, k.Basis)
			}
		}
	}
	pid := ""
	if p != nil {
		pid = p.ID
	}
	if ins := cat.InstrumentsNaming(e.ID, pid); len(ins) > 0 {
		fmt.Fprintln(w, "\n  named in:")
		for _, in := range ins {
			fmt.Fprintf(w, "    %s (%s, %s) %s\n", in.ID, in.Country, in.Date, in.URL)
		}
	}
	return nil
}

func chainIDs(ch catalog.ControlChain) map[string]any {
	var ids []string
	for _, l := range ch.Links {
		ids = append(ids, l.Entity.ID)
	}
	return map[string]any{"entities": ids, "controlling_country": ch.Country}
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// writeIdentifier prints one identifier: its kind and value (or values),
// a tier of its own, and its source.
func writeIdentifier(w io.Writer, indent string, id catalog.Identifier, src func(catalog.Fact) string) {
	v := id.Value
	if len(id.Values) > 0 {
		v = fmt.Sprintf("%d exact values: %s", len(id.Values), strings.Join(id.Values[:min(len(id.Values), 5)], ", "))
		if len(id.Values) > 5 {
			v += ", …"
		}
	}
	tier := ""
	if id.Tier != "" {
		tier = " (tier " + string(id.Tier) + ")"
	}
	fmt.Fprintf(w, "%s%-18s %s%s %s\n", indent, id.Kind, v, tier, src(id.Fact))
}

// period writes a fact's period, "2026-01-22 – " or "– 2025-03-03 ", or
// nothing when it is open.
func period(p catalog.Period) string {
	if p.Open() {
		return ""
	}
	return p.From + " – " + p.Until + " "
}
