package systems

import (
	"errors"
	"fmt"
	"slices"
)

// OneOffID is the id of the system described by OneOff.
const OneOffID = "one-off"

// OneOff describes a single target from the command line ("--classification
// SECRET --tag national-security") as a System, so that a scan without a
// register is judged the same way as one with. An empty classification is
// the lowest on the scale; tags must be lower-case words joined by hyphens.
func OneOff(scale Scale, classification string, tags []string) (System, error) {
	s := System{ID: OneOffID, Name: "one-off target", Classification: scale.Lowest()}
	var errs []error
	if classification != "" {
		c, err := scale.Canonical(classification)
		if err != nil {
			errs = append(errs, err)
		}
		s.Classification = c
	}
	for _, t := range tags {
		if !tagPattern.MatchString(t) {
			errs = append(errs, fmt.Errorf("tag %q is not lower-case words joined by hyphens (like %q)", t, TagNationalSecurity))
		}
	}
	if len(errs) > 0 {
		return System{}, errors.Join(errs...)
	}
	s.Tags = sortedSet(slices.Clone(tags))
	return s, nil
}

// sortedSet sorts ss and drops repeats; nil stays nil.
func sortedSet(ss []string) []string {
	if len(ss) == 0 {
		return nil
	}
	slices.Sort(ss)
	return slices.Compact(ss)
}
