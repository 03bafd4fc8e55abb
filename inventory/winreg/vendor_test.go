package winreg

import (
	"bytes"
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/inventory"
)

func TestVendorKeys(t *testing.T) {
	user := buildHive(t, userPrefix, `
[HKEY_CURRENT_USER\Software\KasperskyLab\AVP21.3]

[HKEY_CURRENT_USER\Software\WOW6432Node\kasperskylab]

[HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Uninstall\YandexBrowser]
"DisplayName"="Yandex"
`)
	keys := []string{
		normalizeKey(`HKEY_CURRENT_USER/Software/KasperskyLab`),
		normalizeKey(`HKCU\Software\KasperskyLab\AVP21.3`),                                     // below one found: not again
		normalizeKey(`HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\YandexBrowser`), // an item already
		normalizeKey(`HKCU\Software\Absent`),
		normalizeKey(`HKLM\SOFTWARE\KasperskyLab`), // another hive
	}
	h, err := openHive("NTUSER.DAT", bytes.NewReader(user), int64(len(user)))
	if err != nil {
		t.Fatal(err)
	}
	c := &collected{ctx: context.Background(), src: "NTUSER.DAT", lim: inventory.DefaultLimits, user: "alice", userRoot: `HKU\S-1-5-21-1`}
	err = h.guard(func() error {
		root, err := h.root()
		if err != nil {
			return err
		}
		return c.vendorKeys(root, "hkcu", "HKCU", keys)
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []row{
		{inventory.Other, "windows", "KasperskyLab", "", `HKU\S-1-5-21-1\Software\KasperskyLab`, attrs("registry_key", `HKCU\Software\KasperskyLab`, "user", "alice")},
		{inventory.Other, "windows", "kasperskylab", "", `HKU\S-1-5-21-1\Software\WOW6432Node\kasperskylab`, attrs("registry_key", `HKCU\Software\WOW6432Node\kasperskylab`, "user", "alice")},
	}
	if diff := cmp.Diff(want, rows(c.items)); diff != "" || len(c.unknowns) > 0 {
		t.Errorf("items (-want +got):\n%s\nunknowns %+v", diff, c.unknowns)
	}
}
