package androidapk

import (
	"bytes"
	"context"
	"encoding/hex"
	"testing"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/collecttest"
)

// FuzzAPK: any input gives an inventory or an InputError naming the
// input, never a panic; an item has a valid package or none, and every
// signer digest is a SHA-256. The signing block, outside the ZIP
// entries' checksums, is where mutations reach furthest.
func FuzzAPK(f *testing.F) {
	for _, name := range []string{"fixture.apk", "rotated.apk"} {
		f.Add(fixture(f, name))
	}
	f.Add(zipOf(f, entry{manifestName, encodeAXML(true, []xel{manifestEl("a.b", code123, name123), appLabel})}))
	lim := inventory.Limits{MaxBytes: 1 << 20, MaxItems: 10, MaxString: 64, MaxDepth: 16}
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := Reader{}.Read(context.Background(), "fuzz.apk", bytes.NewReader(data), lim)
		if !collecttest.CheckRead(t, "fuzz.apk", data, inv, err, lim, false) {
			return
		}
		for _, it := range inv.Items {
			if p := it.Get(inventory.AndroidID); p != "" && !inventory.ValidAndroidPackage(p) {
				t.Fatalf("package %q", p)
			}
			for _, d := range values(it, inventory.APKSigner) {
				if b, err := hex.DecodeString(d); err != nil || len(b) != 32 {
					t.Fatalf("signer digest %q", d)
				}
			}
		}
		for _, u := range inv.Unknowns {
			if u.Reason == "" || u.Location.Source != "fuzz.apk" {
				t.Fatalf("unknown %+v", u)
			}
		}
	})
}

// FuzzManifest feeds the binary XML reader directly (inside an APK the
// entries' checksums keep most mutations from reaching it): an error or
// a manifest, never a panic or a read outside the data.
func FuzzManifest(f *testing.F) {
	f.Add(encodeAXML(false, []xel{manifestEl("com.example.a", code123, name123), appLabel, closeEl, closeEl}))
	f.Add(encodeAXML(true, []xel{manifestEl("com.example.a", xattr{name: "", id: attrVersionCode, typ: typeIntHex, data: 0x10}), appLabel}))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := parseManifest(data, func() error { return nil })
		if err == nil && len(m.pkg) > len(data) {
			t.Fatalf("package of %d bytes from %d", len(m.pkg), len(data))
		}
	})
}
