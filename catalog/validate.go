package catalog

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
)

var idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

var (
	npmScopePattern = regexp.MustCompile(`^@[a-z0-9][a-z0-9._-]*$`)
	npmNamePattern  = regexp.MustCompile(`^(@[a-z0-9][a-z0-9._-]*/)?[a-z0-9][a-z0-9._-]*$`)
	plainName       = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
	teamIDPattern   = regexp.MustCompile(`^[A-Z0-9]{10}$`)
	hex64           = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// checkNamespace checks a value of a namespace, exact-name or signature
// kind: whole names only, never a pattern.
func checkNamespace(k Kind, v string) string {
	if strings.ContainsAny(v, "* \t") {
		return "a whole name: no spaces and no '*' (names others can register are never matched by pattern)"
	}
	switch k {
	case NPMScope:
		if !npmScopePattern.MatchString(v) {
			return "an npm scope is @name, lower case"
		}
	case NPMPackage:
		if !npmNamePattern.MatchString(v) {
			return "an npm package name is lower case, optionally @scope/name"
		}
	case PyPIProject, NuGetPackage, NuGetPrefix, HFOrg, GitHubOrg:
		if !plainName.MatchString(v) {
			return "letters, digits, '.', '_' and '-' only"
		}
	case MavenGroup:
		if !plainName.MatchString(v) || !strings.Contains(v, ".") {
			return "a Maven groupId is reverse-domain (com.example), without the artifact"
		}
	case GoModule:
		first, _, _ := strings.Cut(v, "/")
		if !strings.Contains(first, ".") || strings.HasSuffix(v, "/") {
			return "a Go module path starts with a domain (github.com/org) and has no trailing '/'"
		}
	case OCINamespace:
		if strings.Count(ociNamespace(v), "/") < 1 || strings.ContainsAny(v, "@") {
			return "an image namespace is registry/organisation, without tag or digest"
		}
	case OllamaModel:
		if strings.ContainsAny(v, ":/@") {
			return "an Ollama library model name, without tag or namespace"
		}
	case AppleTeamID:
		if !teamIDPattern.MatchString(v) {
			return "an Apple Team ID is ten upper-case letters and digits"
		}
	case APKCertSHA256:
		if !hex64.MatchString(CertDigest(v)) {
			return "a certificate SHA-256 is 64 hex digits (colons allowed)"
		}
	case EmailDomain:
		if !strings.Contains(v, ".") || strings.Contains(v, "@") || v != strings.ToLower(v) {
			return "an e-mail domain is a lower-case domain name, without the '@'"
		}
		if consumerMailDomains[v] {
			return "a consumer mailbox domain says nothing about the sender's employer"
		}
	}
	return ""
}

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
		if !p.Tier.Valid() {
			bad(p.Pos, "product %q: tier %q is not one of %v", p.ID, p.Tier, Tiers())
		}
		fact(p.Fact, fmt.Sprintf("product %q", p.ID))
		for _, id := range p.Identifiers {
			validateIdentifier(id, bad, fact)
		}
	}
	for _, in := range c.Instruments {
		c.validateInstrument(in, bad, fact)
	}
	for _, r := range c.Rebrands {
		c.validateRebrand(r, bad, fact)
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
	if cf := e.ControlledFrom; cf != nil {
		if msg := cf.check(); msg != "" {
			bad(cf.Pos, "entity %q: controlled_from: %s", e.ID, msg)
		}
	}
	for i, p := range e.Parents {
		if c.entityByID[p.ID] == nil {
			bad(p.Pos, "entity %q: parent %q is not a catalogued entity", e.ID, p.ID)
		}
		if msg := p.check(); msg != "" {
			bad(p.Pos, "entity %q: parent %q: %s", e.ID, p.ID, msg)
		}
		for _, q := range e.Parents[:i] {
			if p.overlaps(q.Period) {
				bad(p.Pos, "entity %q: parent %q's period overlaps parent %q's: one parent controls at a time", e.ID, p.ID, q.ID)
			}
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
	if id.Kind == RebrandKind {
		bad(id.Pos, "%s: a rebrand is a fact of its own, written under rebrands:, not an identifier", what)
		return
	}
	if id.Tier != "" && !id.Tier.Valid() {
		bad(id.Pos, "%s: tier %q is not one of %v", what, id.Tier, Tiers())
	}
	values := id.Values
	switch {
	case len(id.Values) > 0 && id.Value != "":
		bad(id.Pos, "%s: give value or values, not both", what)
	case len(id.Values) == 0:
		values = []string{id.Value}
	}
	seen := make(map[string]bool, len(values))
	for _, v := range values {
		if v == "" || !trimmed(v) {
			bad(id.Pos, "%s: empty value or value with surrounding spaces", what)
			continue
		}
		if msg := checkValue(id.Kind, v); msg != "" {
			bad(id.Pos, "%s: %q: %s", what, v, msg)
		}
		if k := exactKey(id.Kind, v); seen[k] {
			bad(id.Pos, "%s: %q is listed twice", what, v)
		} else {
			seen[k] = true
		}
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
	case OUI:
		return checkOUI(v)
	case SNMPEnterprise:
		return checkPEN(v)
	case HTTPServer:
		return checkServerToken(v)
	case TLSSubject:
		if strings.Contains(v, "=") {
			return "a subject's O or CN value, not a distinguished name"
		}
	case NPMScope, NPMPackage, PyPIProject, NuGetPackage, NuGetPrefix, HFOrg, GitHubOrg,
		MavenGroup, GoModule, OCINamespace, OllamaModel, AppleTeamID, APKCertSHA256, EmailDomain:
		return checkNamespace(k, v)
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
	for i, cl := range in.Clauses {
		if strings.TrimSpace(cl.Quote) == "" {
			bad(in.Pos, "instrument %q: clause %d has no quote", in.ID, i+1)
		}
		fact(cl.Fact, fmt.Sprintf("instrument %q clause %d", in.ID, i+1))
	}
}

// checkCycles reports every entity whose parent chain returns to itself.
func (c *Catalog) checkCycles() []error {
	var errs []error
	for _, e := range c.Entities {
		seen := map[string]bool{}
		if id, ok := c.cycleFrom(e, seen); ok {
			errs = append(errs, fmt.Errorf("%s: entity %q: parent chain forms a cycle through %q", e.Pos, e.ID, id))
		}
	}
	return errs
}

// cycleFrom walks every parent of e, whatever its period (a chain must
// end on every day), and returns an entity reached twice on one path.
func (c *Catalog) cycleFrom(e *Entity, onPath map[string]bool) (string, bool) {
	if onPath[e.ID] {
		return e.ID, true
	}
	if len(onPath) > 64 {
		return e.ID, true
	}
	onPath[e.ID] = true
	defer delete(onPath, e.ID)
	for _, p := range e.Parents {
		if q := c.entityByID[p.ID]; q != nil {
			if id, ok := c.cycleFrom(q, onPath); ok {
				return id, true
			}
		}
	}
	return "", false
}
