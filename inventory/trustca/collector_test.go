package trustca

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509/pkix"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/internal/testtool"
	"github.com/embargo-dev/embargo/inventory"
)

const kasperskyWebAV = "Kaspersky Web Anti-Virus Certification Authority"

// summary is an item as the tests compare it.
type summary struct {
	Source, Name string
	Subjects     []string
	Line         int
}

func summarise(items []inventory.Item) []summary {
	var out []summary
	for _, it := range items {
		s := summary{Source: strings.TrimPrefix(it.Location.Source, "/mnt/root/"), Name: it.Name, Line: it.Location.Line}
		for _, a := range it.Attrs {
			if a.Field == inventory.CASubject {
				s.Subjects = append(s.Subjects, a.Value)
			}
		}
		out = append(out, s)
	}
	return out
}

// TestDebianTrustStore builds a Debian trust store with Debian's own
// update-ca-certificates: the Mozilla roots this machine ships, one root
// made with openssl and added the Debian way (usr/local), and then
// another appended to the bundle by hand, as some products do. Only the
// two added roots are reported: the Mozilla ones and every symbolic link
// update-ca-certificates made are not.
func TestDebianTrustStore(t *testing.T) {
	root := t.TempDir()
	mozilla, err := filepath.Glob("/usr/share/ca-certificates/mozilla/*.crt")
	if err != nil || len(mozilla) < 50 {
		t.Fatalf("the Mozilla roots of Debian's ca-certificates package: %d found, %v", len(mozilla), err)
	}
	var conf strings.Builder
	files := map[string][]byte{}
	for _, m := range mozilla {
		data, err := os.ReadFile(m)
		if err != nil {
			t.Fatal(err)
		}
		files["usr/share/ca-certificates/mozilla/"+filepath.Base(m)] = data
		conf.WriteString("mozilla/" + filepath.Base(m) + "\n")
	}
	files["etc/ca-certificates.conf"] = []byte(conf.String())
	write(t, root, files)
	local := filepath.Join(root, "usr/local/share/ca-certificates/kaspersky")
	if err := os.MkdirAll(local, 0o755); err != nil {
		t.Fatal(err)
	}
	openssl(t, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
		"-keyout", filepath.Join(t.TempDir(), "key.pem"), "-out", filepath.Join(local, "kav.crt"), "-days", "30",
		"-subj", "/C=RU/O=AO Kaspersky Lab/CN="+kasperskyWebAV)
	etc := filepath.Join(root, "etc/ssl/certs")
	hooks := filepath.Join(root, "etc/ca-certificates/update.d")
	for _, d := range []string{etc, hooks} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(testtool.Command(t, "update-ca-certificates", "ca-certificates"), "--fresh", "--certsconf", filepath.Join(root, "etc/ca-certificates.conf"),
		"--certsdir", filepath.Join(root, "usr/share/ca-certificates"), "--localcertsdir", filepath.Join(root, "usr/local/share/ca-certificates"),
		"--etccertsdir", etc, "--hooksdir", hooks)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("update-ca-certificates (Debian package ca-certificates): %v\n%s", err, out)
	}
	bundle := filepath.Join(etc, "ca-certificates.crt")
	appended := newCert(t, pkix.Name{CommonName: "ESET SSL Filter CA", Organization: []string{"ESET spol. s r. o."}}, nil, true)
	f, err := os.OpenFile(bundle, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write(appended.pem("CERTIFICATE"))
	f.Close()

	data, err := os.ReadFile(bundle)
	if err != nil {
		t.Fatal(err)
	}
	// openssl, independently, counts the bundle's certificates.
	certs, unknowns, err := parseCerts("bundle", data, inventory.DefaultLimits)
	if err != nil || len(unknowns) > 0 {
		t.Fatalf("bundle: %v %v", err, unknowns)
	}
	if want := opensslCount(t, bundle); len(certs) != want || want != len(mozilla)+2 {
		t.Errorf("%d certificates read from the bundle; openssl reads %d; %d Mozilla roots + 2 added", len(certs), want, len(mozilla))
	}

	res := collect(t, root, inventory.DefaultLimits)
	if len(res.errs) > 0 || len(res.unknowns) > 0 {
		t.Fatalf("errors %v, unknowns %v", res.errs, res.unknowns)
	}
	bundleLine, _ := inventory.LineCol(data, int64(bytes.LastIndex(data, []byte("-----BEGIN"))))
	want := []summary{
		{"etc/ssl/certs/ca-certificates.crt", "ESET SSL Filter CA", []string{"CN=ESET SSL Filter CA,O=ESET spol. s r. o."}, bundleLine},
		{"usr/local/share/ca-certificates/kaspersky/kav.crt", kasperskyWebAV, []string{"CN=" + kasperskyWebAV + ",O=AO Kaspersky Lab,C=RU"}, 1},
	}
	if diff := cmp.Diff(want, summarise(res.items)); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	links, _ := filepath.Glob(filepath.Join(etc, "*.pem"))
	if len(links) < len(mozilla) {
		t.Errorf("update-ca-certificates made %d links in etc/ssl/certs; the test no longer shows they are passed over", len(links))
	}
}

// opensslCount asks openssl how many certificates a PEM file holds.
func opensslCount(t *testing.T, file string) int {
	t.Helper()
	p7 := filepath.Join(t.TempDir(), "p7")
	openssl(t, "crl2pkcs7", "-nocrl", "-certfile", file, "-out", p7)
	return strings.Count(string(openssl(t, "pkcs7", "-in", p7, "-print_certs", "-noout")), "subject=")
}

// TestAnchorFormats: PEM, DER, OpenSSL's TRUSTED CERTIFICATE and p11-kit
// files in each distribution's anchor folder; an intermediate's issuer is
// a CA subject too; a server certificate in etc/ssl/certs is not an
// authority.
func TestAnchorFormats(t *testing.T) {
	root := newCert(t, pkix.Name{CommonName: "Kaspersky Anti-Virus Personal Root Certificate", Organization: []string{"AO Kaspersky Lab"}, Country: []string{"RU"}}, nil, true)
	inter := newCert(t, pkix.Name{CommonName: "Example Filter Intermediate"}, root, true)
	leaf := newCert(t, pkix.Name{CommonName: "localhost"}, nil, false)
	key := []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
	p11kit := append([]byte("[p11-kit-object-v1]\nclass: certificate\ntrusted: true\nlabel: \"KAV\"\n"), root.pem("CERTIFICATE")...)
	rootSubject := "CN=Kaspersky Anti-Virus Personal Root Certificate,O=AO Kaspersky Lab,C=RU"
	res := collect(t, volume(t, map[string][]byte{
		"etc/pki/ca-trust/source/anchors/kav.der":           root.der,
		"etc/pki/ca-trust/source/kav.p11-kit":               p11kit,
		"etc/pki/ca-trust/source/blocklist/bad.pem":         root.pem("CERTIFICATE"),
		"usr/share/pki/ca-trust-source/anchors/pkg/kav.pem": root.pem("TRUSTED CERTIFICATE"),
		"etc/pki/trust/anchors/chain.pem":                   append(append(key, inter.pem("CERTIFICATE")...), root.pem("CERTIFICATE")...),
		"etc/ca-certificates/trust-source/anchors/kav.crt":  root.pem("CERTIFICATE"),
		"etc/ssl/certs/ssl-cert-snakeoil.pem":               leaf.pem("CERTIFICATE"),
		"etc/ssl/certs/filter.pem":                          inter.pem("CERTIFICATE"),
		"etc/ssl/certs/java/cacerts":                        []byte("not read"),
		"usr/local/share/ca-certificates/readme.txt":        []byte("not read"),
		"usr/local/share/ca-certificates/kav.crt":           root.pem("CERTIFICATE"),
	}), inventory.DefaultLimits)
	if len(res.errs) > 0 || len(res.unknowns) > 0 {
		t.Fatalf("errors %v, unknowns %v", res.errs, res.unknowns)
	}
	kav := "Kaspersky Anti-Virus Personal Root Certificate"
	interSubjects := []string{"CN=Example Filter Intermediate", rootSubject}
	want := []summary{
		{"etc/ca-certificates/trust-source/anchors/kav.crt", kav, []string{rootSubject}, 1},
		{"etc/pki/ca-trust/source/anchors/kav.der", kav, []string{rootSubject}, 0},
		{"etc/pki/ca-trust/source/kav.p11-kit", kav, []string{rootSubject}, 5},
		{"etc/pki/trust/anchors/chain.pem", "Example Filter Intermediate", interSubjects, 4},
		{"etc/pki/trust/anchors/chain.pem", kav, []string{rootSubject}, 4 + bytes.Count(inter.pem("CERTIFICATE"), []byte("\n"))},
		{"etc/ssl/certs/filter.pem", "Example Filter Intermediate", interSubjects, 1},
		{"usr/local/share/ca-certificates/kav.crt", kav, []string{rootSubject}, 1},
		{"usr/share/pki/ca-trust-source/anchors/pkg/kav.pem", kav, []string{rootSubject}, 1},
	}
	if diff := cmp.Diff(want, summarise(res.items)); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	sum := sha256.Sum256(root.der)
	for _, it := range res.items {
		if it.Name == kav && it.Location.Ref != "sha256:"+hex.EncodeToString(sum[:]) {
			t.Errorf("%s: ref %q", it.Location.Source, it.Location.Ref)
		}
		if it.Type != inventory.Certificate || it.Ecosystem != "trust-store" || it.Get(inventory.Path) != "/"+strings.TrimPrefix(it.Location.Source, "/mnt/root/") {
			t.Errorf("item %+v", it)
		}
	}
}

// TestBundleWithoutSources: a bundle with no trust sources beside it (a
// distroless image) cannot be compared, so each certificate is reported.
func TestBundleWithoutSources(t *testing.T) {
	a := newCert(t, pkix.Name{CommonName: "A"}, nil, true)
	b := newCert(t, pkix.Name{CommonName: "B"}, nil, true)
	res := collect(t, volume(t, map[string][]byte{
		"etc/ssl/certs/ca-certificates.crt": append(a.pem("CERTIFICATE"), b.pem("CERTIFICATE")...),
	}), inventory.DefaultLimits)
	got := summarise(res.items)
	if len(res.errs) > 0 || len(got) != 2 || got[0].Name != "A" || got[1].Name != "B" {
		t.Errorf("items %v, errors %v", got, res.errs)
	}
}

func TestMalformed(t *testing.T) {
	good := newCert(t, pkix.Name{CommonName: "G"}, nil, true)
	lim := inventory.DefaultLimits
	tests := []struct {
		name    string
		data    []byte
		lim     func(*inventory.Limits)
		err     string // in the error, or "" when there is none
		unknown string // in the one Unknown's reason
	}{
		{"garbage", []byte("hello"), nil, "neither a PEM nor a DER certificate", ""},
		{"empty", nil, nil, "neither a PEM nor a DER certificate", ""},
		{"truncated DER", good.der[:100], nil, "neither a PEM nor a DER certificate", ""},
		{"PEM without a certificate", []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), nil, "no certificate in the file", ""},
		{"PEM never ended", []byte("-----BEGIN CERTIFICATE-----\nAAAA\n"), nil, "no certificate in the file", ""},
		{"certificate that does not parse", append(good.pem("CERTIFICATE"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"...), nil, "",
			"CERTIFICATE block that does not parse"},
		{"too many", bytes.Repeat(good.pem("CERTIFICATE"), 3), func(l *inventory.Limits) { l.MaxItems = 2 }, "more than 2 certificates", ""},
		{"too large", good.pem("CERTIFICATE"), func(l *inventory.Limits) { l.MaxBytes = 100 }, "exceeds the size limit", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := lim
			if tc.lim != nil {
				tc.lim(&l)
			}
			const p = "usr/local/share/ca-certificates/x.crt"
			res := collect(t, volume(t, map[string][]byte{p: tc.data}), l)
			err := res.errs[p]
			switch {
			case tc.err != "" && (!strings.HasPrefix(err, "/mnt/root/"+p) || !strings.Contains(err, tc.err)):
				t.Errorf("error %q, want the file and %q", err, tc.err)
			case tc.err == "" && err != "":
				t.Errorf("error %q", err)
			case tc.unknown != "" && (len(res.unknowns) != 1 || !strings.Contains(res.unknowns[0].Reason, tc.unknown) || res.unknowns[0].Location.Line == 0):
				t.Errorf("unknowns %+v, want one with a line and %q", res.unknowns, tc.unknown)
			}
		})
	}
}
