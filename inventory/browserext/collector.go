// Package browserext finds browser extensions in the profiles of every
// user of a target, in the Linux, Windows and macOS layouts: Chromium
// family browsers (Chrome, Chromium, Edge, Brave, Opera, Yandex, Vivaldi)
// by each installed extension's manifest.json, with a localised name
// resolved from its default locale, and Firefox by each profile's add-on
// database, extensions.json.
//
// Not read: extensions a Chromium browser loads from elsewhere (unpacked
// developer extensions, external-extension JSON files, policy lists in
// the registry or /etc/opt/chrome/policies), which the profile's
// Preferences file records but the Extensions folder does not hold.
package browserext

import (
	"context"

	"github.com/embargo-dev/embargo/inventory"
)

// Collector reads browser extensions.
type Collector struct{}

// Name implements inventory.Collector.
func (Collector) Name() string { return "browserext" }

// Tags implements inventory.Collector.
func (Collector) Tags() []string {
	return []string{"browser", "extension", "linux", "windows", "macos"}
}

// Requirements implements inventory.Collector: files only.
func (Collector) Requirements() inventory.Requirements { return inventory.Requirements{} }

// Wants implements inventory.Collector.
func (Collector) Wants(p string) bool {
	if _, _, ok := chromiumManifest(p); ok {
		return true
	}
	return firefoxProfile(p)
}

// Collect implements inventory.Collector.
func (Collector) Collect(ctx context.Context, t *inventory.Target, f inventory.TargetFile, lim inventory.Limits) ([]inventory.Item, []inventory.Unknown, error) {
	if browser, id, ok := chromiumManifest(f.Path); ok {
		it, unknowns, err := chromiumItem(t, f.Path, browser, id, lim)
		if err != nil {
			return nil, nil, err
		}
		if reason := inventory.CheckItem(&it, lim); reason != "" {
			return nil, append(unknowns, inventory.Unknown{Location: it.Location, Name: inventory.Clip(it.Name), Reason: reason}), nil
		}
		return []inventory.Item{it}, unknowns, nil
	}
	return firefoxItems(ctx, t, f.Path, lim)
}
