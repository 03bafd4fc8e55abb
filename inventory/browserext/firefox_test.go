package browserext

import (
	"archive/zip"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/internal/testtool"
	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/collecttest"
)

// TestFirefoxExtensionsJSON: extensions only, Mozilla's own built-ins
// left out, side-loaded ones kept, a bad entry an Unknown.
func TestFirefoxExtensionsJSON(t *testing.T) {
	db := testdata(t, "extensions.json")
	for _, profile := range []string{
		"home/anna/.mozilla/firefox/abcd1234.default-esr",
		"Users/Anna/AppData/Roaming/Mozilla/Firefox/Profiles/abcd1234.default-release",
		"Users/anna/Library/Application Support/Firefox/Profiles/abcd1234.default",
	} {
		t.Run(profile, func(t *testing.T) {
			res := collect(t, volume(t, map[string][]byte{profile + "/extensions.json": db}), inventory.DefaultLimits)
			src := "/mnt/disk/" + profile + "/extensions.json"
			want := []inventory.Item{{
				Type: inventory.Extension, Ecosystem: "firefox", Name: "Example Notes", Version: "2.0.1",
				Location: inventory.Location{Source: src, Ref: "/addons/0", Host: "pc1", Reader: "browserext"},
				Attrs: []inventory.Attr{
					attr(inventory.ExtensionID, "notes@example.com"),
					attr(inventory.Author, "Example Ltd"),
					attr(inventory.URL, "https://example.com/notes"),
					attr(inventory.URL, "https://addons.mozilla.org/firefox/downloads/file/1/example_notes-2.0.1.xpi"),
					attr(inventory.Path, "/home/anna/.mozilla/firefox/abcd1234.default-esr/extensions/notes@example.com.xpi"),
				},
			}, {
				Type: inventory.Extension, Ecosystem: "firefox", Name: "Kaspersky Protection", Version: "4.0.8.0",
				Location: inventory.Location{Source: src, Ref: "/addons/4", Host: "pc1", Reader: "browserext"},
				Attrs: []inventory.Attr{
					attr(inventory.ExtensionID, "light_plugin_ACF0E80077C511E59DED005056C00008@kaspersky.com"),
					attr(inventory.Path, `C:\ProgramData\Kaspersky Lab\KES\x\light_plugin_firefox\addon.xpi`),
				},
			}}
			if diff := cmp.Diff(collecttest.WithIDs(want), res.items); diff != "" {
				t.Errorf("items (-want +got):\n%s", diff)
			}
			if len(res.errs) > 0 || len(res.unknowns) != 1 || res.unknowns[0].Location.Ref != "/addons/5" {
				t.Errorf("errors %v, unknowns %v: want one unknown, /addons/5", res.errs, res.unknowns)
			}
		})
	}
}

func TestMalformedExtensionsJSON(t *testing.T) {
	p := "home/u/.mozilla/firefox/x.default/extensions.json"
	for _, tc := range []struct{ name, data, want string }{
		{"truncated", `{"schemaVersion": 36, "addons": [`, "extensions.json:1:"},
		{"no addons", `{"schemaVersion": 36}`, `no "addons" list`},
		{"addons of another type", `{"addons": {"a": 1}}`, `field "addons"`},
		{"comments are not JSON here", "// x\n{\"addons\": []}", "extensions.json:1:1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := collect(t, volume(t, map[string][]byte{p: []byte(tc.data)}), inventory.DefaultLimits)
			if err := res.errs[p]; !strings.HasPrefix(err, "/mnt/disk/"+p) || !strings.Contains(err, tc.want) {
				t.Errorf("error %q, want the file and %q", err, tc.want)
			}
		})
	}
}

// TestRealFirefoxProfile runs Debian's Firefox ESR, the real writer of
// extensions.json, on a profile laid out in a user's home with one
// side-loaded extension whose name Firefox itself resolves from the
// extension's _locales. The collector must find exactly that extension,
// with Firefox's reading of its name and author, and none of Firefox's
// built-in add-ons.
func TestRealFirefoxProfile(t *testing.T) {
	testtool.Command(t, "firefox-esr", "firefox-esr")
	root := t.TempDir()
	profile := filepath.Join(root, "home", "anna", ".mozilla", "firefox", "k3x9.default-esr")
	const id = "protection@kaspersky.example"
	xpi := zipFiles(t, map[string]string{
		"manifest.json": `{"manifest_version": 2, "name": "__MSG_extName__", "version": "4.2.0", "default_locale": "en",
			"author": "AO Kaspersky Lab", "homepage_url": "https://www.kaspersky.com/",
			"browser_specific_settings": {"gecko": {"id": "` + id + `"}}}`,
		"_locales/en/messages.json": `{"extName": {"message": "Kaspersky Protection"}}`,
		"_locales/de/messages.json": `{"extName": {"message": "Kaspersky Schutz"}}`,
	})
	for p, data := range map[string][]byte{
		"extensions/" + id + ".xpi": xpi,
		// Unsigned add-ons load in ESR only with signatures off; scopes
		// so that a side-loaded add-on is found and enabled at start.
		"user.js": []byte(`user_pref("xpinstall.signatures.required", false);
user_pref("extensions.autoDisableScopes", 0);
user_pref("extensions.startupScanScopes", 15);
`),
	} {
		full := filepath.Join(profile, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.CommandContext(t.Context(), "firefox-esr", "--headless", "--no-remote", "--profile", profile,
		"--screenshot", filepath.Join(t.TempDir(), "shot.png"), "about:blank")
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir(), "MOZ_CRASHREPORTER_DISABLE=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("firefox-esr: %v\n%s", err, out)
	}
	db, err := os.ReadFile(filepath.Join(profile, "extensions.json"))
	if err != nil {
		t.Fatalf("Firefox wrote no extensions.json: %v", err)
	}
	if n := bytes.Count(db, []byte(`"location":"app-builtin`)); n == 0 {
		t.Errorf("no built-in add-ons in Firefox's extensions.json: the test no longer shows they are left out")
	}
	res := collect(t, root, inventory.DefaultLimits)
	if len(res.errs) > 0 || len(res.unknowns) > 0 {
		t.Fatalf("errors %v, unknowns %v", res.errs, res.unknowns)
	}
	if len(res.items) != 1 {
		t.Fatalf("items %v, want the one side-loaded extension", res.items)
	}
	it := res.items[0]
	want := []inventory.Attr{
		attr(inventory.ExtensionID, id),
		attr(inventory.Author, "AO Kaspersky Lab"),
		attr(inventory.URL, "https://www.kaspersky.com/"),
	}
	if it.Name != "Kaspersky Protection" || it.Version != "4.2.0" || it.Ecosystem != "firefox" {
		t.Errorf("item %+v", it)
	}
	if diff := cmp.Diff(want, it.Attrs[:min(3, len(it.Attrs))]); diff != "" {
		t.Errorf("attributes (-want +got):\n%s", diff)
	}
	if p := it.Get(inventory.Path); !strings.HasSuffix(p, "/extensions/"+id+".xpi") {
		t.Errorf("path %q", p)
	}
}

// zipFiles builds an .xpi (a zip archive) of the files.
func zipFiles(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for name, data := range files {
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
