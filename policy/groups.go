package policy

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/embargo-dev/embargo/catalog"
)

// Groups are the built-in packs by jurisdiction: a group is every
// built-in pack whose instrument the catalogue says was issued in one of
// the group's countries (catalog.Instrument.Country, a sourced fact), so
// that a UK department sees the UK's instruments without listing them,
// and a pack added later joins its group by its instrument alone.
var Groups = map[string][]string{
	"uk":         {"GB"},
	"us-federal": {"US"},
	"eu":         {"EU"},
	"de":         {"DE"},
	"au":         {"AU"},
	"ca":         {"CA"},
}

// GroupNames are the groups' names, sorted.
func GroupNames() []string {
	names := make([]string, 0, len(Groups))
	for n := range Groups {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// group is the ids of the built-in packs of group name, by cat.
func group(ps []*Pack, name string, cat *catalog.Catalog) ([]*Pack, error) {
	countries, ok := Groups[name]
	if !ok {
		return nil, nil
	}
	if cat == nil {
		return nil, fmt.Errorf("policy group %q: no catalogue to read its instruments' countries from", name)
	}
	var out []*Pack
	for _, p := range ps {
		in := cat.Instrument(p.Instrument)
		if in != nil && slices.Contains(countries, strings.ToUpper(in.Country)) {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("policy group %q: no built-in pack has an instrument of %s", name, strings.Join(countries, ", "))
	}
	return out, nil
}
