package catalog

import (
	"strconv"
	"strings"

	"github.com/embargo-dev/embargo/internal/wildcard"
)

// Index finds the identifiers that a field value matches, with one map
// lookup (or a few, walking prefixes or suffixes) per value: attribution of
// a large SBOM must cost little more than decoding it.
type Index struct {
	subjects *memo[[]*Identifier]              // TLSSubject's answers
	exact    map[Kind]map[string][]*Identifier // lower-cased value
	purl     map[string][]*Identifier          // lower-cased prefix, without trailing '/'
	cpe      map[string][]*Identifier          // vendor or vendor:product
	org      map[string][]*Identifier          // Normalize(value)
	orgKey   map[string][]*Identifier          // OrgKey(value)
	dotted   map[Kind]map[string][]*Identifier // bundle and android ids, Maven groups, NuGet prefixes
	prefix   map[Kind]map[string][]*Identifier // Go modules, image namespaces ('/'); e-mail domains ('.')
	domain   map[string][]*Identifier          // host, or suffix for "*." rules (keyed "*.suffix")
	display  map[string][]pattern              // first token of the normalised pattern
	paths    pathIndex
	oui      map[string][]*Identifier // lower-case hex prefix of 6, 7 or 9 digits
	server   map[string][]*Identifier // HTTP Server product token, exact
	brands   map[string][]*Rebrand    // OrgKey of a brand name (rebrand facts)
}

// pathIndex holds path globs by a segment every matching path has: the
// first one when the glob starts with literal segments (/opt/kaspersky/*),
// else a literal segment anywhere in it (**/HCNetSDK.dll by
// "hcnetsdk.dll"), so that a path is matched against the few globs that
// can match it, not all of them.
type pathIndex struct {
	byFirst map[string][]pattern
	bySeg   map[string][]pattern
	always  []pattern // globs with no literal segment at all
	n       int
}

func (pi *pathIndex) add(p pattern) {
	pi.n++
	if p.lit != "/" {
		first, _, _ := strings.Cut(strings.TrimPrefix(p.lit, "/"), "/")
		if pi.byFirst == nil {
			pi.byFirst = map[string][]pattern{}
		}
		pi.byFirst[first] = append(pi.byFirst[first], p)
		return
	}
	for i := len(p.segs) - 1; i >= 0; i-- {
		if s := p.segs[i]; !strings.Contains(s, "*") {
			if pi.bySeg == nil {
				pi.bySeg = map[string][]pattern{}
			}
			pi.bySeg[s] = append(pi.bySeg[s], p)
			return
		}
	}
	pi.always = append(pi.always, p)
}

// pattern is an identifier with its value normalised once, at load (and,
// for path globs, split into segments, with the literal start that every
// matching path has).
type pattern struct {
	norm  string
	ident *Identifier
	segs  []string
	// For path globs: a matching path equals lit when whole is set (the
	// glob has no '*'), and otherwise starts with lit, which is the
	// segments before the first one with a '*', then "/".
	lit   string
	whole bool
}

// pathPattern prepares a normalised path glob.
func pathPattern(norm string, id *Identifier) pattern {
	p := pattern{norm: norm, ident: id, segs: globSegments(norm)}
	k := 0
	for k < len(p.segs) && !strings.Contains(p.segs[k], "*") {
		k++
	}
	p.lit = "/" + strings.Join(p.segs[:k], "/")
	if k == len(p.segs) {
		p.whole = true
	} else if k > 0 {
		p.lit += "/"
	}
	return p
}

func newIndex() *Index {
	return &Index{
		subjects: newMemo[[]*Identifier](),
		exact:    map[Kind]map[string][]*Identifier{},
		purl:     map[string][]*Identifier{},
		cpe:      map[string][]*Identifier{},
		org:      map[string][]*Identifier{},
		orgKey:   map[string][]*Identifier{},
		dotted:   map[Kind]map[string][]*Identifier{},
		prefix:   map[Kind]map[string][]*Identifier{},
		domain:   map[string][]*Identifier{},
		display:  map[string][]pattern{},
		oui:      map[string][]*Identifier{},
		server:   map[string][]*Identifier{},
		brands:   map[string][]*Rebrand{},
	}
}

func (ix *Index) add(id *Identifier) {
	v := id.Value
	switch id.Kind {
	case PURLPrefix:
		k := strings.TrimSuffix(strings.ToLower(v), "/")
		ix.purl[k] = append(ix.purl[k], id)
	case CPEVendor:
		k := strings.ToLower(v)
		ix.cpe[k] = append(ix.cpe[k], id)
	case OrgName, SignerSubject, ASOrg:
		n := Normalize(v)
		ix.org[n] = append(ix.org[n], id)
		k := StripLegalForm(n)
		ix.orgKey[k] = append(ix.orgKey[k], id)
	case TLSInterceptCA:
		n := Normalize(v)
		ix.org[n] = append(ix.org[n], id)
	case BundleID, AndroidPackage, MavenGroup, NuGetPrefix:
		addTo(ix.dotted, id.Kind, strings.TrimSuffix(strings.ToLower(v), "."), id)
	case GoModule:
		addTo(ix.prefix, id.Kind, strings.Trim(strings.ToLower(v), "/"), id)
	case OCINamespace:
		addTo(ix.prefix, id.Kind, ociNamespace(v), id)
	case EmailDomain:
		addTo(ix.prefix, id.Kind, strings.ToLower(v), id)
	case Domain:
		k := strings.TrimSuffix(strings.ToLower(v), ".")
		ix.domain[k] = append(ix.domain[k], id)
	case DisplayName:
		n := Normalize(v)
		first, _, _ := strings.Cut(n, " ")
		first = strings.TrimSuffix(first, "*")
		ix.display[first] = append(ix.display[first], pattern{norm: n, ident: id})
	case PathGlob:
		ix.paths.add(pathPattern(NormalizePath(v), id))
	case OUI:
		k := strings.ToLower(v)
		ix.oui[k] = append(ix.oui[k], id)
	case HTTPServer:
		ix.server[v] = append(ix.server[v], id)
	default:
		addTo(ix.exact, id.Kind, exactKey(id.Kind, v), id)
	}
}

func addTo(maps map[Kind]map[string][]*Identifier, k Kind, key string, id *Identifier) {
	m := maps[k]
	if m == nil {
		m = map[string][]*Identifier{}
		maps[k] = m
	}
	m[key] = append(m[key], id)
}

// Exact returns identifiers of kind k whose value equals v, ignoring case
// (and folded as the kind says: PEP 503 for PyPI, tags for Ollama). It
// serves the package, extension, service, winget, Chocolatey, process,
// ASN and exact-name kinds.
func (ix *Index) Exact(k Kind, v string) []*Identifier {
	m := ix.exact[k]
	if m == nil {
		return nil
	}
	return m[exactKey(k, v)]
}

// RegistryKey returns identifiers for the registry key path or any of its
// ancestors.
func (ix *Index) RegistryKey(path string) []*Identifier {
	m := ix.exact[RegistryKey]
	if m == nil {
		return nil
	}
	p := normalizeRegistryKey(path)
	var out []*Identifier
	for {
		out = append(out, m[p]...)
		i := strings.LastIndexByte(p, '\\')
		if i <= 0 {
			return out
		}
		p = p[:i]
	}
}

// PURL returns identifiers whose prefix the package URL starts with, on a
// segment boundary: "pkg:maven/com.example" matches
// "pkg:maven/com.example/lib@1" but not "pkg:maven/com.examples/lib".
func (ix *Index) PURL(purl string) []*Identifier {
	if !strings.HasPrefix(purl, "pkg:") {
		return nil
	}
	p := lowerASCII(purl)
	if i := strings.IndexAny(p, "@?#"); i >= 0 {
		p = p[:i]
	}
	var out []*Identifier
	for i := len("pkg:"); i <= len(p); i++ {
		if i == len(p) || p[i] == '/' {
			out = append(out, ix.purl[p[:i]]...)
		}
	}
	return out
}

// CPE returns identifiers for the vendor, or vendor:product, of a CPE in
// 2.2 URI (cpe:/a:vendor:product) or 2.3 (cpe:2.3:a:vendor:product:...)
// form.
func (ix *Index) CPE(cpe string) []*Identifier {
	vendor, product, ok := parseCPE(cpe)
	if !ok {
		return nil
	}
	out := ix.cpe[vendor]
	if product != "" {
		out = append(out[:len(out):len(out)], ix.cpe[vendor+":"+product]...)
	}
	return out
}

func parseCPE(cpe string) (vendor, product string, ok bool) {
	c := lowerASCII(cpe)
	var rest string
	switch {
	case strings.HasPrefix(c, "cpe:2.3:"):
		rest = c[len("cpe:2.3:"):]
	case strings.HasPrefix(c, "cpe:/"):
		rest = c[len("cpe:/"):]
	default:
		return "", "", false
	}
	// The part, the vendor and the product: the first three ':'-separated
	// fields (cut one by one rather than split, which allocates).
	_, rest, ok = strings.Cut(rest, ":")
	if !ok {
		return "", "", false
	}
	v, rest, more := strings.Cut(rest, ":")
	if v == "" || v == "*" || v == "-" {
		return "", "", false
	}
	vendor = strings.ReplaceAll(v, `\`, "")
	if more {
		if p, _, _ := strings.Cut(rest, ":"); p != "*" && p != "-" {
			product = strings.ReplaceAll(p, `\`, "")
		}
	}
	return vendor, product, true
}

// OrgHit is an organisation-name match; Exact is false when the names
// agree only once legal forms are dropped.
type OrgHit struct {
	Ident *Identifier
	Exact bool
}

// Org returns identifiers whose organisation name equals name once both
// are normalised; exact matches (legal form included) come first.
func (ix *Index) Org(name string) []OrgHit {
	n := Normalize(name)
	if n == "" {
		return nil
	}
	var out []OrgHit
	for _, id := range ix.org[n] {
		out = append(out, OrgHit{id, true})
	}
	for _, id := range ix.orgKey[StripLegalForm(n)] {
		if Normalize(id.Value) != n {
			out = append(out, OrgHit{id, false})
		}
	}
	return out
}

// Dotted returns identifiers of a dotted kind (bundle or Android id) that
// equal id or one of its dotted ancestors.
func (ix *Index) Dotted(k Kind, id string) []*Identifier {
	m := ix.dotted[k]
	if m == nil {
		return nil
	}
	p := lowerASCII(id)
	var out []*Identifier
	for {
		out = append(out, m[p]...)
		i := strings.LastIndexByte(p, '.')
		if i <= 0 {
			return out
		}
		p = p[:i]
	}
}

// Domain returns identifiers for a host name: exact names, and "*." rules
// for the name itself (the apex of "*.kaspersky.com" is kaspersky.com:
// whoever holds the names below a domain holds the domain) and any of its
// parent domains.
func (ix *Index) Domain(host string) []*Identifier {
	h := strings.TrimSuffix(lowerASCII(host), ".")
	if h == "" {
		return nil
	}
	out := ix.domain[h]
	if ids := ix.domain["*."+h]; len(ids) > 0 {
		out = append(out[:len(out):len(out)], ids...)
	}
	for i := 0; i < len(h); i++ {
		if h[i] == '.' {
			if ids := ix.domain["*"+h[i:]]; len(ids) > 0 {
				out = append(out[:len(out):len(out)], ids...)
			}
		}
	}
	return out
}

// DisplayName returns display-name patterns that the application name
// matches.
func (ix *Index) DisplayName(name string) []*Identifier {
	n := Normalize(name)
	first, _, _ := strings.Cut(n, " ")
	var out []*Identifier
	for _, p := range ix.display[first] {
		if wildcard.Match(p.norm, n) {
			out = append(out, p.ident)
		}
	}
	return out
}

// Path returns path globs that the file path matches.
func (ix *Index) Path(p string) []*Identifier {
	pi := &ix.paths
	if pi.n == 0 {
		return nil
	}
	np := NormalizePath(p)
	var ss []string // split only when a candidate needs it
	var out []*Identifier
	try := func(p pattern) {
		if p.whole && np != p.lit || !p.whole && !strings.HasPrefix(np, p.lit) && !isFolderOf(np, p.lit) {
			return
		}
		if ss == nil {
			ss = pathSegments(np)
		}
		if matchSegments(p.segs, ss) {
			for _, id := range out {
				if id == p.ident {
					return // reached through two of the path's segments
				}
			}
			out = append(out, p.ident)
		}
	}
	rest := strings.TrimPrefix(np, "/")
	first, _, _ := strings.Cut(rest, "/")
	for _, p := range pi.byFirst[first] {
		try(p)
	}
	if len(pi.bySeg) > 0 {
		for seg := range strings.SplitSeq(rest, "/") {
			for _, p := range pi.bySeg[seg] {
				try(p)
			}
		}
	}
	for _, p := range pi.always {
		try(p)
	}
	return out
}

// isFolderOf reports whether np is the folder lit (ending in "/") names,
// which a trailing "/*" covers too; without allocating.
func isFolderOf(np, lit string) bool {
	return len(np)+1 == len(lit) && strings.HasPrefix(lit, np)
}

var hiveNames = map[string]string{
	"hkey_local_machine": "hklm", "hkey_current_user": "hkcu", "hkey_users": "hku",
	"hkey_classes_root": "hkcr", "hkey_current_config": "hkcc",
}

// normalizeRegistryKey lower-cases a key path, writes hives short (HKLM)
// and folds the 32-bit view (SOFTWARE\WOW6432Node) into SOFTWARE.
func normalizeRegistryKey(k string) string {
	k = strings.Trim(strings.ToLower(strings.ReplaceAll(k, "/", `\`)), `\`)
	hive, rest, _ := strings.Cut(k, `\`)
	if short, ok := hiveNames[hive]; ok {
		hive = short
	}
	rest = strings.Replace(rest, `software\wow6432node\`, `software\`, 1)
	if rest == "" {
		return hive
	}
	return hive + `\` + rest
}

func normalizeASN(v string) string {
	v = strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(v)), "AS")
	if n, err := strconv.ParseUint(v, 10, 32); err == nil {
		return "as" + strconv.FormatUint(n, 10)
	}
	return strings.ToLower(v)
}

// lowerASCII lower-cases s without allocating when it is already lower.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

// Lookup returns the identifiers that a value of the field kind k would
// match: the dispatch that the catalogue's examples are checked through.
// Organisation kinds include entity names (legal names, former names and
// aliases).
func (ix *Index) Lookup(k Kind, v string) []*Identifier {
	switch k {
	case PURLPrefix:
		return ix.PackageURL(v)
	case CPEVendor:
		return ix.CPE(v)
	case OrgName, SignerSubject, ASOrg, TLSInterceptCA:
		var out []*Identifier
		for _, h := range ix.Org(v) {
			out = append(out, h.Ident)
		}
		return out
	case BundleID, AndroidPackage:
		return ix.Dotted(k, v)
	case MavenGroup:
		group, _, _ := strings.Cut(v, ":")
		return ix.Dotted(k, group)
	case NuGetPrefix, NuGetPackage:
		return ix.NuGet(v)
	case NPMScope, NPMPackage:
		return ix.NPM(v)
	case GoModule:
		return ix.GoModule(v)
	case OCINamespace:
		return ix.OCI(v)
	case HFOrg:
		return ix.HF(v)
	case GitHubOrg:
		return ix.Exact(k, firstSegment(strings.TrimPrefix(v, "github.com/")))
	case EmailDomain:
		return ix.Email(v)
	case Domain:
		return ix.Domain(v)
	case DisplayName:
		return ix.DisplayName(v)
	case PathGlob:
		return ix.Path(v)
	case RegistryKey:
		return ix.RegistryKey(v)
	case OUI:
		return ix.OUI(v)
	case SNMPEnterprise:
		return ix.SNMPEnterprise(v)
	case HTTPServer:
		return ix.HTTPServer(v)
	case TLSSubject:
		return ix.TLSSubject(v)
	}
	return ix.Exact(k, v)
}
