package trustca

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/embargo-dev/embargo/inventory"
)

// TestThisMachine reads the trust store of the machine the tests run on:
// every regular certificate file in /etc/ssl/certs and
// /usr/local/share/ca-certificates is read without error, the bundle has
// as many certificates as openssl counts, and each single-certificate
// file has the fingerprint openssl gives it.
func TestThisMachine(t *testing.T) {
	var files []string
	for _, glob := range []string{"/etc/ssl/certs/*", "/usr/local/share/ca-certificates/*.crt", "/usr/local/share/ca-certificates/*/*.crt"} {
		m, err := filepath.Glob(glob)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range m {
			if fi, err := os.Lstat(f); err == nil && fi.Mode().IsRegular() && (Collector{}).Wants(f[1:]) {
				files = append(files, f[1:])
			}
		}
	}
	if len(files) == 0 {
		t.Fatal("no regular certificate file in /etc/ssl/certs: is Debian's ca-certificates package installed?")
	}
	tgt := &inventory.Target{Name: "/", FS: os.DirFS("/"), Live: true}
	bundleSeen := false
	for _, p := range files {
		items, unknowns, err := Collector{}.Collect(t.Context(), tgt, inventory.TargetFile{Path: p}, inventory.DefaultLimits)
		if err != nil || len(unknowns) > 0 {
			t.Errorf("/%s: %v %v", p, err, unknowns)
			continue
		}
		certs, _, err := readFile(tgt, p, inventory.DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		if want := opensslCount(t, "/"+p); len(certs) != want {
			t.Errorf("/%s: %d certificates read, openssl counts %d", p, len(certs), want)
		}
		if bundles[p] {
			bundleSeen = true
			t.Logf("/%s: %d certificates, %d not from a trust source: %v", p, len(certs), len(items), names(items))
			continue
		}
		if len(certs) == 1 {
			fp := strings.TrimSpace(string(openssl(t, "x509", "-in", "/"+p, "-noout", "-fingerprint", "-sha256")))
			fp = strings.ToLower(strings.ReplaceAll(fp[strings.IndexByte(fp, '=')+1:], ":", ""))
			if got := certs[0].sum; fp != strings.TrimPrefix(refOf(certs[0]), "sha256:") {
				t.Errorf("/%s: fingerprint %x, openssl %s", p, got, fp)
			}
		}
		t.Logf("/%s: %v", p, names(items))
	}
	if !bundleSeen {
		t.Error("no /etc/ssl/certs/ca-certificates.crt read")
	}
}

func refOf(c cert) string { return c.item("", "", "").Location.Ref }

func names(items []inventory.Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.Name)
	}
	return out
}
