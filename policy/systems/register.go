package systems

import (
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/embargo-dev/embargo/internal/wildcard"
)

// Register is a loaded systems register. It is read-only once loaded and
// safe for concurrent use.
type Register struct {
	// Scale ranks the classifications used in the register.
	Scale Scale
	// Systems are in file order.
	Systems []System
	// Default is what a host that matches no system is judged as; its ID
	// is empty.
	Default System

	byID   map[string]int
	exact  map[string]int // normalised host name -> system
	globs  []globRule     // most literal characters first
	labels []labelRule    // most labels first
	addrs  addrTable
}

type globRule struct {
	pattern string
	literal int // characters other than '*'
	sys     int
}

type labelRule struct {
	sel  map[string]string
	text string
	sys  int
}

// System returns the system with the given id.
func (r *Register) System(id string) (System, bool) {
	i, ok := r.byID[id]
	if !ok {
		return System{}, false
	}
	return r.Systems[i], true
}

// ForHost returns the system host belongs to, trying in turn its exact
// name, host globs, the host's labels against each system's selector, and,
// when host is an address literal, address ranges (see By). Host names are
// compared without regard to case or a trailing dot; label keys and values
// are compared exactly. A host that matches nothing gets the default
// system with Unregistered set.
func (r *Register) ForHost(host string, labels map[string]string) Match {
	name := normalizeHost(host)
	if i, ok := r.exact[name]; ok {
		return Match{System: r.Systems[i], By: ByHost, Rule: name, Candidates: []System{r.Systems[i]}}
	}
	if m, ok := r.matchGlobs(name); ok {
		return m
	}
	if m, ok := r.matchLabels(labels); ok {
		return m
	}
	if a, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		if p, i, ok := r.addrs.lookup(a); ok {
			return Match{System: r.Systems[i], By: ByAddress, Rule: p.String(), Candidates: []System{r.Systems[i]}}
		}
	}
	return Match{System: r.Default, Unregistered: true, By: ByDefault}
}

// ForAddr returns the system whose most specific address range holds a.
// IPv4-mapped IPv6 addresses are looked up as IPv4.
func (r *Register) ForAddr(a netip.Addr) (System, bool) {
	_, i, ok := r.addrs.lookup(a)
	if !ok {
		return System{}, false
	}
	return r.Systems[i], true
}

func (r *Register) matchGlobs(name string) (Match, bool) {
	var hits []int
	var rule string
	best := -1
	for _, g := range r.globs {
		if best >= 0 && g.literal < best {
			break // sorted: nothing after this is as specific
		}
		if wildcard.Match(g.pattern, name) {
			if best < 0 {
				rule = g.pattern
			}
			best = g.literal
			hits = append(hits, g.sys)
		}
	}
	if len(hits) == 0 {
		return Match{}, false
	}
	return r.decide(hits, ByGlob, rule), true
}

func (r *Register) matchLabels(labels map[string]string) (Match, bool) {
	if len(labels) == 0 {
		return Match{}, false
	}
	var hits []int
	var rule string
	best := -1
	for _, l := range r.labels {
		if best >= 0 && len(l.sel) < best {
			break
		}
		if selects(l.sel, labels) {
			if best < 0 {
				rule = l.text
			}
			best = len(l.sel)
			hits = append(hits, l.sys)
		}
	}
	if len(hits) == 0 {
		return Match{}, false
	}
	return r.decide(hits, ByLabel, rule), true
}

// decide turns the systems matched equally well into a Match, choosing
// the strictest when there is more than one.
func (r *Register) decide(hits []int, by By, rule string) Match {
	slices.Sort(hits)
	hits = slices.Compact(hits)
	m := Match{By: by, Rule: rule}
	chosen := hits[0]
	for _, i := range hits {
		m.Candidates = append(m.Candidates, r.Systems[i])
		if n, _ := r.Scale.Compare(r.Systems[i].Classification, r.Systems[chosen].Classification); n > 0 {
			chosen = i
		}
	}
	m.System = r.Systems[chosen]
	if len(hits) > 1 {
		m.Rule = "" // several rules matched; Candidates names the systems
	}
	return m
}

func selects(sel, labels map[string]string) bool {
	for k, v := range sel {
		if w, ok := labels[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func selectorText(sel map[string]string) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(sel)) {
		parts = append(parts, k+"="+sel[k])
	}
	return strings.Join(parts, ",")
}

func normalizeHost(h string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(h)), ".")
}
