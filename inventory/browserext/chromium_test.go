package browserext

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/collecttest"
)

const extID = "abcdefghijklmnopabcdefghijklmnop"

// TestChromiumLayouts: one extension, with a localised name, installed in
// each browser's profile folder on each operating system.
func TestChromiumLayouts(t *testing.T) {
	manifest, messages := testdata(t, "manifest.json"), testdata(t, "messages.json")
	layouts := []struct {
		profile, browser string
	}{
		{"home/anna/.config/google-chrome/Default", "chrome"},
		{"home/anna/.config/google-chrome-beta/Profile 2", "chrome"},
		{"home/anna/.config/chromium/Default", "chromium"},
		{"home/anna/snap/chromium/common/chromium/Default", "chromium"},
		{"home/anna/.var/app/com.google.Chrome/config/google-chrome/Default", "chrome"},
		{"home/anna/.config/microsoft-edge/Default", "edge"},
		{"home/anna/.config/BraveSoftware/Brave-Browser/Default", "brave"},
		{"home/anna/.config/yandex-browser/Default", "yandex"},
		{"home/anna/.config/opera", "opera"},
		{"home/anna/.config/vivaldi/Default", "vivaldi"},
		{"root/.config/chromium/Profile 1", "chromium"},
		{"Users/Anna/AppData/Local/Google/Chrome/User Data/Default", "chrome"},
		{"Users/Anna/AppData/Local/Microsoft/Edge/User Data/Profile 1", "edge"},
		{"Users/Anna/AppData/Local/Chromium/User Data/Default", "chromium"},
		{"Users/Anna/AppData/Local/BraveSoftware/Brave-Browser/User Data/Default", "brave"},
		{"Users/Anna/AppData/Local/Yandex/YandexBrowser/User Data/Default", "yandex"},
		{"Users/Anna/AppData/Roaming/Opera Software/Opera Stable", "opera"},
		{"Users/anna/Library/Application Support/Google/Chrome/Default", "chrome"},
		{"Users/anna/Library/Application Support/Microsoft Edge/Default", "edge"},
		{"Users/anna/Library/Application Support/Chromium/Profile 3", "chromium"},
		{"Users/anna/Library/Application Support/com.operasoftware.Opera", "opera"},
		// A user whose name is a browser's does not change the browser.
		{"home/edge/.config/google-chrome/Default", "chrome"},
	}
	for _, l := range layouts {
		t.Run(l.profile, func(t *testing.T) {
			dir := l.profile + "/Extensions/" + extID + "/3.1.4_0"
			res := collect(t, volume(t, map[string][]byte{
				dir + "/manifest.json":                manifest,
				dir + "/_locales/en_GB/messages.json": messages,
				dir + "/_locales/de/messages.json":    []byte(`{"appName": {"message": "Beispielnotizen"}}`),
				dir + "/background.js":                []byte("// code"),
				l.profile + "/Extensions/Temp/x.json": []byte("{}"),
				l.profile + "/Preferences":            []byte("{}"),
			}), inventory.DefaultLimits)
			want := []inventory.Item{{
				Type: inventory.Extension, Ecosystem: l.browser, Name: "Example Notes", Version: "3.1.4",
				Location: inventory.Location{Source: "/mnt/disk/" + dir + "/manifest.json", Host: "pc1", Reader: "browserext"},
				Attrs: []inventory.Attr{
					attr(inventory.ExtensionID, extID),
					attr(inventory.Author, "dev@example.com"),
					attr(inventory.URL, "https://example.com/notes"),
					attr(inventory.URL, "https://clients2.google.com/service/update2/crx"),
					attr(inventory.Path, "/"+dir),
				},
			}}
			if len(res.errs) > 0 || len(res.unknowns) > 0 {
				t.Fatalf("errors %v, unknowns %v", res.errs, res.unknowns)
			}
			if diff := cmp.Diff(collecttest.WithIDs(want), res.items); diff != "" {
				t.Errorf("items (-want +got):\n%s", diff)
			}
		})
	}
}

func TestChromiumWants(t *testing.T) {
	for p, want := range map[string]bool{
		"home/a/.config/google-chrome/Default/Extensions/" + extID + "/1.0_0/manifest.json":                true,
		"home/a/.config/google-chrome/Default/Extensions/" + extID + "/manifest.json":                      false,
		"home/a/.config/google-chrome/Default/Extensions/" + extID + "/1.0_0/sub/manifest.json":            false,
		"home/a/.config/google-chrome/Default/Extensions/ABCDEFGHIJKLMNOPABCDEFGHIJKLMNOP/1/manifest.json": false,
		"home/a/.config/google-chrome/Default/Extensions/abcdefghijklmnopabcdefghijklmnoq/1/manifest.json": false,
		"home/a/.config/some-electron-app/Default/Extensions/" + extID + "/1/manifest.json":                false,
		"home/a/projects/chrome/Extensions/" + extID + "/1/manifest.json":                                  false,
		"home/a/.mozilla/firefox/x.default/extensions.json":                                                true,
		"home/a/snap/firefox/common/.mozilla/firefox/x.default/extensions.json":                            true,
		"Users/a/AppData/Roaming/Mozilla/Firefox/Profiles/x.default-release/extensions.json":               true,
		"Users/a/Library/Application Support/Firefox/Profiles/x.default/extensions.json":                   true,
		"home/a/.mozilla/firefox/extensions.json":                                                          false,
		"home/a/.mozilla/firefox/x.default/sub/extensions.json":                                            false,
		"home/a/.thunderbird/x.default/extensions.json":                                                    false,
	} {
		if got := (Collector{}).Wants(p); got != want {
			t.Errorf("Wants(%q) = %v, want %v", p, got, want)
		}
	}
}

// TestChromiumManifests: author forms, placeholders, and what happens
// when the name cannot be resolved (the item is kept, with an Unknown).
func TestChromiumManifests(t *testing.T) {
	tests := []struct {
		name     string
		manifest string
		messages string // en messages.json, "" for none
		wantName string
		author   string
		unknown  string // in the Unknown's reason, "" for none
	}{
		{"plain", `{"name": "Plain", "version": "1", "author": "Jo Bloggs"}`, "", "Plain", "Jo Bloggs", ""},
		{"author object with a name", `{"name": "A", "version": "1", "author": {"name": "Example Ltd", "email": "x@example.com"}}`, "", "A", "Example Ltd <x@example.com>", ""},
		{"author of another type", `{"name": "A", "version": "1", "author": 7}`, "", "A", "", ""},
		{"BOM", "\ufeff" + `{"name": "B", "version": "1"}`, "", "B", "", ""},
		{"placeholder in text", `{"name": "__MSG_a__ for __MSG_b__", "version": "1", "default_locale": "en"}`,
			`{"a": {"message": "Notes"}, "b": {"message": "Work"}}`, "Notes for Work", "", ""},
		{"no default_locale", `{"name": "__MSG_a__", "version": "1"}`, "", "__MSG_a__", "", "no default_locale"},
		{"missing message", `{"name": "__MSG_zz__", "version": "1", "default_locale": "en"}`,
			`{"a": {"message": "x"}}`, "__MSG_zz__", "", `no message "zz"`},
		{"missing catalogue", `{"name": "__MSG_a__", "version": "1", "default_locale": "fr"}`, "", "__MSG_a__", "", "messages.json"},
		{"locale escaping the folder", `{"name": "__MSG_a__", "version": "1", "default_locale": "../../.."}`, "", "__MSG_a__", "", "not a folder name"},
		{"broken catalogue", `{"name": "__MSG_a__", "version": "1", "default_locale": "en"}`, `{"a": `, "__MSG_a__", "", "_locales/en/messages.json:1:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := "home/u/.config/chromium/Default/Extensions/" + extID + "/1_0"
			files := map[string][]byte{dir + "/manifest.json": []byte(tc.manifest)}
			if tc.messages != "" {
				files[dir+"/_locales/en/messages.json"] = []byte(tc.messages)
			}
			res := collect(t, volume(t, files), inventory.DefaultLimits)
			if len(res.errs) > 0 || len(res.items) != 1 {
				t.Fatalf("errors %v, items %v", res.errs, res.items)
			}
			it := res.items[0]
			if it.Name != tc.wantName || it.Get(inventory.Author) != tc.author {
				t.Errorf("name %q author %q, want %q %q", it.Name, it.Get(inventory.Author), tc.wantName, tc.author)
			}
			switch {
			case tc.unknown == "" && len(res.unknowns) > 0:
				t.Errorf("unknowns %v", res.unknowns)
			case tc.unknown != "" && (len(res.unknowns) != 1 || !strings.Contains(res.unknowns[0].Reason, tc.unknown)):
				t.Errorf("unknowns %v, want one with %q", res.unknowns, tc.unknown)
			}
		})
	}
}

// TestMalformedManifests: a manifest that cannot be read is an error
// naming the file and the position.
func TestMalformedManifests(t *testing.T) {
	tests := []struct{ name, manifest, want string }{
		{"truncated", `{"name": "x",`, "manifest.json:1:"},
		{"not an object", `["x"]`, "manifest.json:1:1"},
		{"not UTF-8", "{\"name\": \"\xff\"}", "manifest.json:1:11: invalid UTF-8"},
		{"deep", strings.Repeat("[", 100_000), "manifest.json"},
		{"empty", ``, "manifest.json"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := "home/u/.config/chromium/Default/Extensions/" + extID + "/1_0/manifest.json"
			res := collect(t, volume(t, map[string][]byte{p: []byte(tc.manifest)}), inventory.DefaultLimits)
			if err := res.errs[p]; !strings.HasPrefix(err, "/mnt/disk/"+p[:len(p)-len("/manifest.json")]) || !strings.Contains(err, tc.want) {
				t.Errorf("error %q, want the file and %q", err, tc.want)
			}
		})
	}
	t.Run("too large", func(t *testing.T) {
		lim := inventory.DefaultLimits
		lim.MaxBytes = 100
		p := "home/u/.config/chromium/Default/Extensions/" + extID + "/1_0/manifest.json"
		res := collect(t, volume(t, map[string][]byte{p: []byte(`{"name": "` + strings.Repeat("x", 200) + `"}`)}), lim)
		if err := res.errs[p]; !strings.Contains(err, "exceeds the size limit") {
			t.Errorf("error %q", err)
		}
	})
}
