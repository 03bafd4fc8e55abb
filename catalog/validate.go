package catalog

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
)

var idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// validate checks what the YAML decoder cannot: references resolve,
// parents form no cycle, codes are real, every fact has a source, and
// every identifier is well formed and has examples both ways.
func (c *Catalog) validate() []error {
	var errs []error
	bad := func(p Position, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", p, fmt.Sprintf(format, args...)))
	}
	fact := func(f Fact, what string) {
		switch {
		case f.Source == "":
			bad(f.Pos, "%s has no source", what)
		case c.Sources[f.Source] == nil:
			bad(f.Pos, "%s cites source %q, which no file defines", what, f.Source)
		}
		if f.Confidence == 0 {
			bad(f.Pos, "%s has no confidence (low, medium or high)", what)
		}
	}
	for _, s := range c.Sources {
		if !idPattern.MatchString(s.ID) {
			bad(s.Pos, "source id %q must be lower-case words joined by '-'", s.ID)
		}
		if u, err := url.Parse(s.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			bad(s.Pos, "source %q: url %q is not an http(s) URL", s.ID, s.URL)
		}
	}
	for _, e := range c.Entities {
		c.validateEntity(e, bad, fact)
	}
	for _, p := range c.Products {
		if !idPattern.MatchString(p.ID) {
			bad(p.Pos, "product id %q must be lower-case words joined by '-'", p.ID)
		}
		if p.Name == "" || !trimmed(p.Name) {
			bad(p.Pos, "product %q needs a name without surrounding spaces", p.ID)
		}
		if c.entityByID[p.Supplier] == nil {
			bad(p.Pos, "product %q: supplier %q is not a catalogued entity", p.ID, p.Supplier)
		}
		if p.Category == "" {
			bad(p.Pos, "product %q has no category", p.ID)
		}
		fact(p.Fact, fmt.Sprintf("product %q", p.ID))
		for _, id := range p.Identifiers {
			validateIdentifier(id, bad, fact)
		}
	}
	for _, in := range c.Instruments {
		c.validateInstrument(in, bad, fact)
	}
	errs = append(errs, c.checkCycles()...)
	return errs
}

type reporter func(p Position, format string, args ...any)
type factChecker func(f Fact, what string)

func (c *Catalog) validateEntity(e *Entity, bad reporter, fact factChecker) {
	if !idPattern.MatchString(e.ID) {
		bad(e.Pos, "entity id %q must be lower-case words joined by '-'", e.ID)
	}
	legal := 0
	for _, n := range e.Names {
		switch n.Kind {
		case LegalName:
			legal++
		case FormerName, AliasName:
		default:
			bad(n.Pos, "entity %q: name kind %q is not legal, former or alias", e.ID, n.Kind)
		}
		if n.Value == "" || !trimmed(n.Value) {
			bad(n.Pos, "entity %q: empty name or name with surrounding spaces", e.ID)
		}
		fact(n.Fact, fmt.Sprintf("name %q", n.Value))
	}
	if legal == 0 {
		bad(e.Pos, "entity %q has no legal name", e.ID)
	}
	if !ValidCountry(e.Country.Code) {
		bad(e.Pos, "entity %q: country %q is not an ISO 3166-1 alpha-2 code", e.ID, e.Country.Code)
	}
	fact(e.Country.Fact, fmt.Sprintf("country of %q", e.ID))
	if cf := e.ControlledFrom; cf != nil {
		if !ValidCountry(cf.Code) {
			bad(cf.Pos, "entity %q: controlled_from %q is not an ISO 3166-1 alpha-2 code", e.ID, cf.Code)
		}
		fact(cf.Fact, fmt.Sprintf("controlled_from of %q", e.ID))
	}
	if p := e.Parent; p != nil {
		if c.entityByID[p.ID] == nil {
			bad(p.Pos, "entity %q: parent %q is not a catalogued entity", e.ID, p.ID)
		}
		fact(p.Fact, fmt.Sprintf("parent of %q", e.ID))
	}
	for _, id := range e.Identifiers {
		validateIdentifier(id, bad, fact)
	}
}

func validateIdentifier(id Identifier, bad reporter, fact factChecker) {
	what := fmt.Sprintf("identifier %s %q", id.Kind, id.Value)
	if _, ok := LookupKind(id.Kind); !ok {
		bad(id.Pos, "identifier kind %q is unknown", id.Kind)
		return
	}
	if id.Value == "" || !trimmed(id.Value) {
		bad(id.Pos, "%s: empty value or value with surrounding spaces", what)
	}
	if msg := checkValue(id.Kind, id.Value); msg != "" {
		bad(id.Pos, "%s: %s", what, msg)
	}
	if len(id.Match) == 0 || len(id.NoMatch) == 0 {
		bad(id.Pos, "%s needs at least one match and one nomatch example", what)
	}
	fact(id.Fact, what)
}

// checkValue returns what is wrong with an identifier value of a kind.
func checkValue(k Kind, v string) string {
	switch k {
	case PURLPrefix:
		if !strings.HasPrefix(v, "pkg:") || !strings.Contains(v, "/") {
			return "a purl prefix starts with pkg:TYPE/"
		}
	case CPEVendor:
		if strings.ContainsAny(v, " /") || strings.Count(v, ":") > 1 {
			return "a CPE vendor is vendor or vendor:product, without spaces"
		}
	case DisplayName:
		if strings.HasPrefix(v, "*") || Normalize(v) == "" {
			return "a display-name pattern must start with literal text"
		}
	case PathGlob:
		if strings.Count(v, "**") > 2 {
			return "at most two ** in a path glob"
		}
	case Domain:
		h := strings.TrimPrefix(v, "*.")
		if h == "" || strings.ContainsAny(h, " */:") || !strings.Contains(h, ".") {
			return "a domain is host.name or *.suffix.name"
		}
	case ASN:
		if normalizeASN(v) == strings.ToLower(v) && !strings.HasPrefix(strings.ToLower(v), "as") {
			return "an ASN is written AS12345"
		}
	}
	return ""
}

func (c *Catalog) validateInstrument(in *Instrument, bad reporter, fact factChecker) {
	if !idPattern.MatchString(in.ID) {
		bad(in.Pos, "instrument id %q must be lower-case words joined by '-'", in.ID)
	}
	if in.Title == "" || in.Issuer == "" {
		bad(in.Pos, "instrument %q needs a title and an issuer", in.ID)
	}
	if !ValidCountry(in.Country) && in.Country != "EU" {
		bad(in.Pos, "instrument %q: country %q is not an ISO 3166-1 alpha-2 code (or EU)", in.ID, in.Country)
	}
	if _, err := time.Parse("2006-01-02", in.Date); err != nil {
		if _, err := time.Parse("2006-01", in.Date); err != nil {
			bad(in.Pos, "instrument %q: date %q is not YYYY-MM-DD or YYYY-MM", in.ID, in.Date)
		}
	}
	if u, err := url.Parse(in.URL); err != nil || u.Host == "" {
		bad(in.Pos, "instrument %q: url %q is not a URL", in.ID, in.URL)
	}
	for _, id := range in.Entities {
		if c.entityByID[id] == nil {
			bad(in.Pos, "instrument %q names entity %q, which is not catalogued", in.ID, id)
		}
	}
	for _, id := range in.Products {
		if c.productByID[id] == nil {
			bad(in.Pos, "instrument %q names product %q, which is not catalogued", in.ID, id)
		}
	}
	fact(in.Fact, fmt.Sprintf("instrument %q", in.ID))
}

// checkCycles reports every entity whose parent chain returns to itself.
func (c *Catalog) checkCycles() []error {
	var errs []error
	for _, e := range c.Entities {
		seen := map[string]bool{}
		for cur := e; cur != nil && cur.Parent != nil; cur = c.entityByID[cur.Parent.ID] {
			if seen[cur.ID] {
				errs = append(errs, fmt.Errorf("%s: entity %q: parent chain forms a cycle through %q", e.Pos, e.ID, cur.ID))
				break
			}
			seen[cur.ID] = true
		}
	}
	return errs
}
