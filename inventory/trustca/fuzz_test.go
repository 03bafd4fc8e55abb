package trustca

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/embargo-dev/embargo/inventory"
)

// FuzzCerts feeds arbitrary files to the certificate reader: items, an
// Unknown per bad block, or an error, never a panic.
func FuzzCerts(f *testing.F) {
	files, err := filepath.Glob("testdata/*")
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("[p11-kit-object-v1]\n-----BEGIN TRUSTED CERTIFICATE-----\nMAA=\n-----END TRUSTED CERTIFICATE-----\n"))
	lim := inventory.DefaultLimits
	lim.MaxItems = 100
	f.Fuzz(func(t *testing.T, data []byte) {
		certs, unknowns, err := parseCerts("x.pem", data, lim)
		if err != nil && (len(certs) > 0 || len(unknowns) > 0) {
			t.Error("an error with results")
		}
		for _, c := range certs {
			it := c.item("x.pem", "/x.pem", "")
			if it.Name == "" || int(c.offset) > len(data) {
				t.Errorf("item %+v at %d of %d bytes", it, c.offset, len(data))
			}
			_ = authorities([]cert{c})
		}
	})
}
