package waivers

import (
	"fmt"
	"regexp"
	"time"
)

var (
	// slugPattern is the catalogue's id form, used for waiver, product
	// and instrument (policy pack) ids.
	slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	// systemIDPattern is the systems register's id form.
	systemIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
	// refPattern covers finding, rule and instrument ids, whose exact
	// form belongs to the policy engine: one token, no spaces.
	refPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:/-]*$`)
)

// builder validates a parsed file into a Set, collecting every problem
// rather than stopping at the first.
type builder struct {
	file string
	errs []error
}

func (b *builder) errorf(line int, format string, args ...any) {
	b.errs = append(b.errs, fmt.Errorf("%s:%d: %s", b.file, line, fmt.Sprintf(format, args...)))
}

// at is the line of l, or fallback when l was not written.
func at(l lined, fallback int) int {
	if l.Line > 0 {
		return l.Line
	}
	return fallback
}

func (b *builder) build(f *rawFile) *Set {
	s := &Set{
		byID:      map[string]int{},
		byFinding: map[string][]int{},
		bySystem:  map[string][]int{},
		byProduct: map[string][]int{},
	}
	scopes := map[string]int{} // scope and narrowing -> line first written
	for _, raw := range f.Waivers {
		w := b.waiver(raw)
		what := fmt.Sprintf("waiver %q", w.ID)
		if w.ID == "" {
			what = "a waiver"
		} else if j, dup := s.byID[w.ID]; dup {
			b.errorf(at(raw.ID, raw.Line), "waiver %q already defined at line %d", w.ID, s.Waivers[j].Pos.Line)
		}
		if sc := w.Scope(); sc != "" {
			if prev, dup := scopes[sc]; dup {
				b.errorf(raw.Line, "%s: the same scope (%s) as the waiver at line %d; which one applies would be unclear", what, sc, prev)
			} else {
				scopes[sc] = raw.Line
			}
		}
		i := len(s.Waivers)
		if _, dup := s.byID[w.ID]; !dup && w.ID != "" {
			s.byID[w.ID] = i
		}
		switch {
		case w.Finding != "":
			s.byFinding[w.Finding] = append(s.byFinding[w.Finding], i)
		case w.System != "":
			s.bySystem[w.System] = append(s.bySystem[w.System], i)
		case w.Product != "":
			s.byProduct[w.Product] = append(s.byProduct[w.Product], i)
		}
		s.Waivers = append(s.Waivers, w)
	}
	return s
}

// waiver validates one entry, reporting each problem with its line.
func (b *builder) waiver(raw rawWaiver) Waiver {
	w := Waiver{
		ID:         raw.ID.Value,
		Finding:    raw.Scope.Finding.Value,
		System:     raw.Scope.System.Value,
		Product:    raw.Scope.Product.Value,
		Instrument: raw.Instrument.Value,
		Rule:       raw.Rule.Value,
		Reason:     raw.Reason.Value,
		Approver:   raw.Approver.Value,
		Note:       raw.Note.Value,
		Pos:        Position{File: b.file, Line: raw.Line},
	}
	what := fmt.Sprintf("waiver %q", w.ID)
	switch {
	case w.ID == "":
		b.errorf(at(raw.ID, raw.Line), "a waiver has no id")
		what = "a waiver"
	case !slugPattern.MatchString(w.ID):
		b.errorf(raw.ID.Line, "waiver id %q is not lower-case words joined by hyphens (like %q)", w.ID, "grid-kaspersky-2026")
	}
	b.scope(raw, w, what)
	b.pattern(raw.Instrument, slugPattern, what, "instrument", "lower-case words joined by hyphens")
	b.pattern(raw.Rule, refPattern, what, "rule", "one word of letters, digits and . _ : / -")
	for _, req := range []struct {
		l    lined
		name string
	}{{raw.Reason, "reason"}, {raw.Approver, "approver"}} {
		if req.l.Value == "" {
			b.errorf(at(req.l, raw.Line), "%s has no %s", what, req.name)
		}
	}
	w.Granted = b.date(raw.Granted, raw.Line, what, "granted", false)
	w.Expiry = b.date(raw.Expiry, raw.Line, what, "expiry", true)
	if !w.Granted.IsZero() && !w.Expiry.IsZero() && w.Expiry.Before(w.Granted) {
		b.errorf(raw.Expiry.Line, "%s: expiry %s is before the granted date %s", what, raw.Expiry.Value, raw.Granted.Value)
	}
	return w
}

func (b *builder) scope(raw rawWaiver, w Waiver, what string) {
	line := raw.Line
	if raw.Scope.Line > 0 {
		line = raw.Scope.Line
	}
	switch {
	case w.Finding == "" && w.System == "" && w.Product == "":
		b.errorf(line, "%s has no scope (finding, system, product, or system and product)", what)
		return
	case w.Finding != "" && (w.System != "" || w.Product != ""):
		b.errorf(line, "%s: a finding scope stands alone; drop system and product", what)
	case w.Finding != "" && (w.Instrument != "" || w.Rule != ""):
		b.errorf(line, "%s: a finding is already one rule; drop instrument and rule", what)
	}
	b.pattern(raw.Scope.Finding, refPattern, what, "finding", "one word of letters, digits and . _ : / -")
	b.pattern(raw.Scope.System, systemIDPattern, what, "system", "letters, digits, '.', '_' and '-'")
	b.pattern(raw.Scope.Product, slugPattern, what, "product", "a catalogue product id: lower-case words joined by hyphens")
}

func (b *builder) pattern(l lined, re *regexp.Regexp, what, field, form string) {
	if l.Value != "" && !re.MatchString(l.Value) {
		b.errorf(l.Line, "%s: %s %q is not %s", what, field, l.Value, form)
	}
}

// date parses a YYYY-MM-DD date as midnight UTC.
func (b *builder) date(l lined, fallback int, what, field string, required bool) time.Time {
	if l.Value == "" {
		if required {
			b.errorf(at(l, fallback), "%s has no %s (YYYY-MM-DD)", what, field)
		}
		return time.Time{}
	}
	t, err := time.Parse(DateLayout, l.Value)
	if err != nil {
		b.errorf(l.Line, "%s: %s %q is not a date (YYYY-MM-DD)", what, field, l.Value)
		return time.Time{}
	}
	return t
}
