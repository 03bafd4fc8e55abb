package pe_test

import (
	"bytes"
	"context"
	"os"
	"testing"
	"testing/fstest"

	"github.com/embargo-dev/embargo/inventory"
	embpe "github.com/embargo-dev/embargo/inventory/pe"
)

// FuzzPE feeds mutations of the osslsigncode-signed fixtures to the PE
// reader and to both collectors: no input may panic, and a signature may
// be called valid only when the file hashes to the signed digest.
func FuzzPE(f *testing.F) {
	fx := makeSmallFixtures(f)
	for _, name := range []string{fx.plain, fx.signed, fx.signed1, fx.tampered, fx.nested} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("MZ"))
	lim := inventory.Limits{MaxBytes: 1 << 20, MaxItems: 1000, MaxString: 4096, MaxDepth: 8}
	f.Fuzz(func(t *testing.T, data []byte) {
		pf, err := embpe.Read("fuzz", bytes.NewReader(data), int64(len(data)))
		if err == nil {
			for _, s := range pf.Signatures {
				if s.Status == "" || s.Status == embpe.StatusValid && !bytes.Equal(s.FileDigest, s.SignedDigest) {
					t.Fatalf("signature %+v", s)
				}
			}
		}
		fsys := fstest.MapFS{"Program Files/x.exe": {Data: data}}
		for _, c := range []*embpe.Collector{{}, {All: true}} {
			items, _, _ := c.Collect(context.Background(), &inventory.Target{Name: "fuzz", FS: fsys}, inventory.TargetFile{Path: "Program Files/x.exe"}, lim)
			for _, it := range items {
				if it.Name == "" || it.Get(inventory.Path) != "/Program Files/x.exe" {
					t.Fatalf("item %+v", it)
				}
			}
		}
	})
}
