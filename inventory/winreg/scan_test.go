package winreg_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/inventory/winreg"
	"github.com/embargo-dev/embargo/scan"
)

// TestScanMountedVolume scans a directory laid out like a mounted Windows
// volume, with hives made by hivexregedit, through the whole pipeline,
// and checks what the catalogue attributes.
func TestScanMountedVolume(t *testing.T) {
	software, system, user := winreg.FixtureHives(t)
	root := t.TempDir()
	for name, data := range map[string][]byte{
		"Windows/System32/config/SOFTWARE": software,
		"Windows/System32/config/SYSTEM":   system,
		"users/alice/ntuser.dat":           user, // a volume mounted case-insensitively may show any case
		"Users/Default/NTUSER.DAT.LOG1":    user, // a transaction log: not a hive to read
	} {
		file := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := scan.Run(context.Background(), attribute.New(cat), []string{root}, scan.Options{Select: []string{"registry"}})
	if err != nil {
		t.Fatal(err)
	}
	type hit struct{ Name, Ref, Entity, Country string }
	var got []hit
	for _, e := range rep.Attributed() {
		got = append(got, hit{e.Name, e.Location.Ref, e.Attribution.Entity.ID, e.Attribution.Chain.Country})
	}
	slices.SortFunc(got, func(a, b hit) int { return strings.Compare(a.Ref, b.Ref) })
	want := []hit{
		{"Yandex", `HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\YandexBrowser`, "yandex-mkao", "RU"},
		{"KasperskyLab", `HKLM\SOFTWARE\KasperskyLab`, "kaspersky-ao", "RU"},
		{"Kaspersky Endpoint Security for Windows", `HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\{7EC66A95-AC2D-4127-940B-0445A526AB2F}`, "kaspersky-ao", "RU"},
		{"KasperskyLab", `HKLM\SOFTWARE\WOW6432Node\KasperskyLab`, "kaspersky-ao", "RU"},
		{"Kaspersky Security Center Network Agent", `HKLM\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall\{2924BEDA-E0D7-4DAF-A224-50D2E0B12F5B}`, "kaspersky-ao", "RU"},
		{"Kaspersky Security Center Network Agent", `HKLM\SYSTEM\ControlSet002\Services\klnagent`, "kaspersky-ao", "RU"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("attributed items (-want +got):\n%s", diff)
	}
	if rep.Summary.Items != 12 || rep.Summary.Unknown != 0 {
		t.Errorf("summary %+v, unknowns %+v", rep.Summary, rep.Unknowns)
	}
	for _, e := range rep.Attributed() {
		if !strings.HasPrefix(e.Location.Source, root+"/") || e.ID == "" {
			t.Errorf("%s: source %q, id %q", e.Name, e.Location.Source, e.ID)
		}
	}
}
