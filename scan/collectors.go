package scan

import (
	"fmt"
	"runtime"
	"slices"
	"strings"

	"github.com/embargo-dev/embargo/inventory/androidapk"
	"github.com/embargo-dev/embargo/inventory/ipa"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/aimodel"
	"github.com/embargo-dev/embargo/inventory/apk"
	"github.com/embargo-dev/embargo/inventory/browserext"
	"github.com/embargo-dev/embargo/inventory/dotnet"
	"github.com/embargo-dev/embargo/inventory/dpkg"
	"github.com/embargo-dev/embargo/inventory/gobinary"
	"github.com/embargo-dev/embargo/inventory/java"
	"github.com/embargo-dev/embargo/inventory/kavscanengine"
	"github.com/embargo-dev/embargo/inventory/macapp"
	"github.com/embargo-dev/embargo/inventory/npm"
	"github.com/embargo-dev/embargo/inventory/pe"
	"github.com/embargo-dev/embargo/inventory/python"
	"github.com/embargo-dev/embargo/inventory/rpm"
	"github.com/embargo-dev/embargo/inventory/services"
	"github.com/embargo-dev/embargo/inventory/trustca"
	"github.com/embargo-dev/embargo/inventory/winreg"
)

// Collectors lists every host collector. A new source is one package
// under inventory/ and one line here.
func Collectors() []inventory.Collector {
	return []inventory.Collector{
		dpkg.Collector{},
		rpm.Collector{},
		apk.Collector{},
		&pe.Collector{},
		kavscanengine.Collector{},
		&pe.Collector{All: true},
		macapp.Collector{},
		macapp.Launchd{},
		androidapk.Collector{},
		ipa.Collector{},
		browserext.Collector{},
		services.Collector{},
		trustca.Collector{},
		winreg.Software{},
		winreg.Users{},
		winreg.Services{},
		winreg.Live{},
		python.Collector{},
		npm.Collector{},
		gobinary.Collector{},
		java.Collector{},
		dotnet.Collector{},
		aimodel.Collector{},
	}
}

// SelectCollectors returns the collectors that apply to the target and
// match the selection (names or tags; empty selects all), and a note for
// each one skipped by its requirements.
func SelectCollectors(t *inventory.Target, sel []string) ([]inventory.Collector, []string, error) {
	if err := CheckSelect(sel); err != nil {
		return nil, nil, err
	}
	var out []inventory.Collector
	var notes []string
	for _, c := range Collectors() {
		r := c.Requirements()
		byName := slices.Contains(sel, c.Name())
		byTag := slices.ContainsFunc(c.Tags(), func(tag string) bool { return slices.Contains(sel, tag) })
		if r.OnRequest && !byName || len(sel) > 0 && !byName && !byTag {
			continue
		}
		switch {
		case r.OS != "" && r.OS != runtime.GOOS:
			notes = append(notes, fmt.Sprintf("collector %s skipped: it runs only on %s", c.Name(), r.OS))
			continue
		case r.LiveOnly && !t.Live:
			notes = append(notes, fmt.Sprintf("collector %s skipped: it reads the running system, and %s is not the live root", c.Name(), t.Name))
			continue
		case r.NotInImage && t.Image:
			notes = append(notes, fmt.Sprintf("collector %s skipped: not applicable to a container image", c.Name()))
			continue
		}
		out = append(out, c)
	}
	return out, notes, nil
}

// CheckSelect refuses a --select that names no collector and no tag,
// listing both.
func CheckSelect(sel []string) error {
	names, tags := map[string]bool{}, map[string]bool{}
	for _, c := range Collectors() {
		names[c.Name()] = true
		for _, tag := range c.Tags() {
			tags[tag] = true
		}
	}
	for _, s := range sel {
		if !names[s] && !tags[s] {
			return fmt.Errorf("--select %q: no collector or tag has that name; collectors: %s; tags: %s",
				s, strings.Join(sortedKeys(names), ", "), strings.Join(sortedKeys(tags), ", "))
		}
	}
	return nil
}

func sortedKeys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
