package systems

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"
)

var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

func (b *builder) build(f *rawFile) *Register {
	r := &Register{
		byID:  map[string]int{},
		exact: map[string]int{},
	}
	scaleOK := b.scale(r, f.Classifications)
	r.Default = b.defaultSystem(r.Scale, f.Default, scaleOK)
	hostLine := map[string]int{} // host name or glob -> line first claimed
	prefixLine := map[netip.Prefix]int{}
	rules := 0
	for _, raw := range f.Systems {
		s := System{
			ID:         strings.TrimSpace(raw.ID.Value),
			Name:       raw.Name,
			Department: raw.Department,
			Owner:      raw.Owner,
			Pos:        Position{File: b.file, Line: raw.Line},
		}
		what := fmt.Sprintf("system %q", s.ID)
		switch {
		case s.ID == "":
			b.errorf(at(raw.ID, raw.Line), "a system has no id")
			what = "a system"
		case !idPattern.MatchString(s.ID):
			b.errorf(at(raw.ID, raw.Line), "system id %q: use letters, digits, '.', '_' and '-'", s.ID)
		default:
			if j, dup := r.byID[s.ID]; dup {
				b.errorf(at(raw.ID, raw.Line), "system %q already defined at line %d", s.ID, r.Systems[j].Pos.Line)
			}
		}
		s.Tags = b.tags(raw.Tags, raw.Line, what)
		if scaleOK {
			s.Classification = b.classification(r.Scale, raw.Classification, raw.Line, what)
		}
		rules += len(raw.Match.Hosts) + len(raw.Match.Labels) + len(raw.Match.Addresses)
		if rules > MaxRules {
			b.errorf(raw.Line, "more than %d match rules in the register", MaxRules)
			return nil
		}
		i := len(r.Systems)
		s.Rules.Hosts = b.hosts(r, raw, i, what, hostLine)
		s.Rules.Labels = b.selector(r, raw, i, what)
		s.Rules.Addresses = b.addresses(r, raw, i, what, prefixLine)
		if _, dup := r.byID[s.ID]; !dup && s.ID != "" {
			r.byID[s.ID] = i
		}
		r.Systems = append(r.Systems, s)
	}
	// The most specific rule is tried first; equals stay in file order.
	slices.SortStableFunc(r.globs, func(a, b globRule) int { return b.literal - a.literal })
	slices.SortStableFunc(r.labels, func(a, b labelRule) int { return len(b.sel) - len(a.sel) })
	return r
}

func (b *builder) scale(r *Register, levels []lined) bool {
	if levels == nil {
		return true // the zero Scale is the UK scale
	}
	names := make([]string, len(levels))
	for i, l := range levels {
		names[i] = l.Value
	}
	s, err := NewScale(names)
	if err != nil {
		line := 1
		if len(levels) > 0 {
			line = levels[0].Line
		}
		b.errorf(line, "classifications: %v", err)
		return false
	}
	r.Scale = s
	return true
}

func (b *builder) defaultSystem(s Scale, d *rawDefault, scaleOK bool) System {
	def := System{Name: "unregistered", Classification: s.Lowest(), Pos: Position{File: b.file}}
	if d == nil {
		return def
	}
	def.Pos.Line = d.Line
	if d.Classification.Value != "" && scaleOK {
		def.Classification = b.classification(s, d.Classification, d.Line, "default")
	}
	def.Tags = b.tags(d.Tags, d.Line, "default")
	return def
}

func (b *builder) hosts(r *Register, raw rawSystem, i int, what string, seen map[string]int) []string {
	var out []string
	for _, h := range raw.Match.Hosts {
		line := at(h, raw.Line)
		name := normalizeHost(h.Value)
		switch {
		case name == "":
			b.errorf(line, "%s: an empty host name or glob", what)
			continue
		case strings.Trim(name, "*") == "":
			b.errorf(line, "%s: host glob %q matches every host; use default: for hosts outside the register", what, h.Value)
			continue
		case strings.ContainsAny(name, " \t\r\n/,\\"):
			b.errorf(line, "%s: host %q is not a host name or glob", what, h.Value)
			continue
		}
		if _, err := netip.ParseAddr(strings.Trim(name, "[]")); err == nil {
			b.errorf(line, "%s: %q is an address; list it under addresses", what, h.Value)
			continue
		}
		if prev, dup := seen[name]; dup {
			b.errorf(line, "%s: host %q already listed at line %d", what, name, prev)
			continue
		}
		seen[name] = line
		out = append(out, name)
		if strings.Contains(name, "*") {
			r.globs = append(r.globs, globRule{pattern: name, literal: len(name) - strings.Count(name, "*"), sys: i})
		} else {
			r.exact[name] = i
		}
	}
	return out
}

func (b *builder) selector(r *Register, raw rawSystem, i int, what string) map[string]string {
	if len(raw.Match.Labels) == 0 {
		return nil
	}
	sel := map[string]string{}
	for _, l := range raw.Match.Labels {
		line := at(l, raw.Line)
		k, v, ok := strings.Cut(l.Value, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" || v == "" {
			b.errorf(line, "%s: label %q is not key=value", what, l.Value)
			continue
		}
		if w, dup := sel[k]; dup {
			b.errorf(line, "%s: label %q given twice (%q and %q)", what, k, w, v)
			continue
		}
		sel[k] = v
	}
	if len(sel) > 0 {
		r.labels = append(r.labels, labelRule{sel: sel, text: selectorText(sel), sys: i})
	}
	return sel
}

func (b *builder) addresses(r *Register, raw rawSystem, i int, what string, seen map[netip.Prefix]int) []netip.Prefix {
	var out []netip.Prefix
	for _, a := range raw.Match.Addresses {
		line := at(a, raw.Line)
		p, err := parseRange(a.Value)
		if err != nil {
			b.errorf(line, "%s: address range %q: %v", what, a.Value, err)
			continue
		}
		if j, dup := r.addrs.insert(p, i); dup {
			if j == i {
				b.errorf(line, "%s: address range %s listed twice", what, p)
			} else {
				b.errorf(line, "%s: address range %s already claimed by system %q at line %d", what, p, r.Systems[j].ID, seen[p])
			}
			continue
		}
		seen[p] = line
		out = append(out, p)
	}
	return out
}
