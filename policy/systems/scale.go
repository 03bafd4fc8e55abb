package systems

import (
	"errors"
	"fmt"
	"strings"
)

// MaxLevels bounds a classification scale; real schemes have three to six.
const MaxLevels = 32

// Scale is an ordered list of classification levels, lowest first. The
// zero Scale is the UK scale.
//
// Levels are compared without regard to case, and '_' or '-' count as a
// space, so "top_secret" and "Top Secret" both name TOP SECRET; the
// spelling in the scale is the canonical one.
type Scale struct {
	levels []string
}

var (
	ukLevels = []string{"OFFICIAL", "SECRET", "TOP SECRET"}
	usLevels = []string{"UNCLASSIFIED", "CONFIDENTIAL", "SECRET", "TOP SECRET"}
)

// UKScale is the UK Government Security Classifications scale since 2014:
// OFFICIAL < SECRET < TOP SECRET. OFFICIAL-SENSITIVE is a marking within
// OFFICIAL, not a level.
func UKScale() Scale { return Scale{levels: ukLevels} }

// USScale is the US scale of Executive Order 13526 with UNCLASSIFIED
// below it: UNCLASSIFIED < CONFIDENTIAL < SECRET < TOP SECRET.
func USScale() Scale { return Scale{levels: usLevels} }

// NewScale returns the scale of levels, given lowest first. Levels must be
// non-empty and distinct once case and separators are ignored.
func NewScale(levels []string) (Scale, error) {
	if len(levels) == 0 {
		return Scale{}, errors.New("a classification scale needs at least one level")
	}
	if len(levels) > MaxLevels {
		return Scale{}, fmt.Errorf("%d classification levels is over the limit of %d", len(levels), MaxLevels)
	}
	seen := map[string]bool{}
	out := make([]string, 0, len(levels))
	for _, l := range levels {
		k := levelKey(l)
		if k == "" {
			return Scale{}, errors.New("an empty classification level")
		}
		if seen[k] {
			return Scale{}, fmt.Errorf("classification level %q appears twice", l)
		}
		seen[k] = true
		out = append(out, strings.TrimSpace(l))
	}
	return Scale{levels: out}, nil
}

// Levels returns the levels, lowest first.
func (s Scale) Levels() []string {
	return append([]string(nil), s.list()...)
}

// Lowest returns the lowest level.
func (s Scale) Lowest() string { return s.list()[0] }

func (s Scale) list() []string {
	if len(s.levels) == 0 {
		return ukLevels
	}
	return s.levels
}

// Canonical returns the scale's spelling of classification c, or an error
// saying why c is not on the scale.
func (s Scale) Canonical(c string) (string, error) {
	i, err := s.rank(c)
	if err != nil {
		return "", err
	}
	return s.list()[i], nil
}

// Compare returns -1, 0 or +1 as a is below, equal to or above b.
func (s Scale) Compare(a, b string) (int, error) {
	i, err := s.rank(a)
	if err != nil {
		return 0, err
	}
	j, err := s.rank(b)
	if err != nil {
		return 0, err
	}
	switch {
	case i < j:
		return -1, nil
	case i > j:
		return 1, nil
	}
	return 0, nil
}

// AtLeast reports whether c is at or above min. A classification not on
// the scale is never at least anything: a rule scoped to "SECRET and
// above" must not be decided by a misspelling.
func (s Scale) AtLeast(c, min string) bool {
	n, err := s.Compare(c, min)
	return err == nil && n >= 0
}

func (s Scale) rank(c string) (int, error) {
	k := levelKey(c)
	if k == "" {
		return 0, errors.New("empty classification")
	}
	best := -1
	for i, l := range s.list() {
		lk := levelKey(l)
		if lk == k {
			return i, nil
		}
		// OFFICIAL-SENSITIVE and the like: a marking within a level.
		if strings.HasPrefix(k, lk+" ") && (best < 0 || len(lk) > len(levelKey(s.list()[best]))) {
			best = i
		}
	}
	if best >= 0 {
		return 0, fmt.Errorf("classification %q is not a level on the scale %s; it looks like a marking within %q, so write %q",
			c, s, s.list()[best], s.list()[best])
	}
	return 0, fmt.Errorf("classification %q is not on the scale %s", c, s)
}

// String writes the scale as "A < B < C".
func (s Scale) String() string { return strings.Join(s.list(), " < ") }

func levelKey(l string) string {
	l = strings.ToUpper(l)
	l = strings.NewReplacer("_", " ", "-", " ").Replace(l)
	return strings.Join(strings.Fields(l), " ")
}
