package browserext

import (
	"testing"
	"testing/fstest"

	"github.com/embargo-dev/embargo/inventory"
)

const fuzzDir = "home/u/.config/google-chrome/Default/Extensions/" + extID + "/1_0"

// FuzzManifest feeds arbitrary manifests and message catalogues to the
// Chromium reader: an item, an Unknown or an error, never a panic.
func FuzzManifest(f *testing.F) {
	f.Add(testdata(f, "manifest.json"), testdata(f, "messages.json"))
	f.Add([]byte(`{"name": "__MSG_a__ __MSG_B__", "default_locale": "en_GB", "author": {"name": 1}}`), []byte(`{"a": {"message": 5}, "b": {"message": "x"}}`))
	f.Add([]byte(`{"name": "__MSG_", "default_locale": "en_GB"} /* x`), []byte(`// c`))
	f.Fuzz(func(t *testing.T, manifest, messages []byte) {
		tgt := &inventory.Target{Name: "/", FS: fstest.MapFS{
			fuzzDir + "/manifest.json":                {Data: manifest},
			fuzzDir + "/_locales/en_GB/messages.json": {Data: messages},
		}}
		items, _, err := Collector{}.Collect(t.Context(), tgt, inventory.TargetFile{Path: fuzzDir + "/manifest.json"}, inventory.DefaultLimits)
		if err == nil && len(items) == 1 && items[0].Get(inventory.ExtensionID) != extID {
			t.Errorf("item %v lost its id", items[0])
		}
	})
}

// FuzzExtensionsJSON feeds arbitrary add-on databases to the Firefox
// reader.
func FuzzExtensionsJSON(f *testing.F) {
	f.Add(testdata(f, "extensions.json"))
	f.Add([]byte(`{"addons": [null, 1, {"type": "extension", "defaultLocale": null}]}`))
	const p = "home/u/.mozilla/firefox/x.default/extensions.json"
	f.Fuzz(func(t *testing.T, data []byte) {
		tgt := &inventory.Target{Name: "/", FS: fstest.MapFS{p: {Data: data}}}
		items, unknowns, err := Collector{}.Collect(t.Context(), tgt, inventory.TargetFile{Path: p}, inventory.DefaultLimits)
		if err != nil && (len(items) > 0 || len(unknowns) > 0) {
			t.Errorf("an error with results")
		}
	})
}
