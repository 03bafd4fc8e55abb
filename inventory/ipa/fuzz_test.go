package ipa

import (
	"archive/zip"
	"bytes"
	"context"
	"testing"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/collecttest"
)

// storedZip writes entries uncompressed, so that mutations of an
// executable reach the code signature reader (which stops before the
// checksum at the entry's end).
func storedZip(t testing.TB, entries ...entry) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(e.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// FuzzIPA: any input gives an inventory or an InputError naming the
// input, never a panic; a kept Team ID is ten letters and digits and a
// bundle id valid.
func FuzzIPA(f *testing.F) {
	f.Add(fixture(f))
	info := []byte(infoPlist("com.example.app", "App", "1.0", "1", "App"))
	f.Add(storedZip(f, entry{"Payload/App.app/Info.plist", info}, entry{"Payload/App.app/App", machO(superBlob(codeDirectory("com.example.app", "ABCDE12345"), nil))}))
	f.Add(storedZip(f, entry{"Payload/App.app/Info.plist", info}, entry{"Payload/App.app/embedded.mobileprovision", []byte{0x30, 0x80, 0, 0}}))
	lim := inventory.Limits{MaxBytes: 1 << 20, MaxItems: 10, MaxString: 64, MaxDepth: 16}
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := Reader{}.Read(context.Background(), "fuzz.ipa", bytes.NewReader(data), lim)
		if !collecttest.CheckRead(t, "fuzz.ipa", data, inv, err, lim, false) {
			return
		}
		for _, it := range inv.Items {
			if team := it.Get(inventory.TeamID); team != "" && !validTeamID(team) {
				t.Fatalf("team %q", team)
			}
			if id := it.Get(inventory.BundleID); id != "" && !inventory.ValidBundleID(id) {
				t.Fatalf("bundle id %q", id)
			}
		}
		for _, u := range inv.Unknowns {
			if u.Reason == "" || u.Location.Source != "fuzz.ipa" {
				t.Fatalf("unknown %+v", u)
			}
		}
	})
}

// FuzzSignatures feeds the BER, CMS and code signature readers directly:
// an error or a result, never a panic or a read outside the data.
func FuzzSignatures(f *testing.F) {
	data := fixture(f)
	f.Add(data)
	f.Add(machO(superBlob(codeDirectory("a", "ABCDE12345"), []byte{0x30, 0x80, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02, 0, 0})))
	f.Add([]byte{0x30, 0x80, 0x24, 0x80, 0x04, 0x01, 'a', 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		if d, err := parseCMS(b, 16); err == nil && len(d.content) > len(b) {
			t.Fatalf("content of %d bytes from %d", len(d.content), len(b))
		}
		if cs, err := readCodeSignature(bytes.NewReader(b), int64(len(b)), 16); err == nil && cs.adHoc && cs.certTeam != "" {
			t.Fatalf("ad hoc signature with a certificate %+v", cs)
		}
	})
}
