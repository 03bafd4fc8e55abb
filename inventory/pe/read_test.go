package pe_test

import (
	"debug/pe"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/internal/testtool"
	embpe "github.com/embargo-dev/embargo/inventory/pe"
)

// fixtures are the PE files the tests read, made by the real tools.
type fixtures struct {
	dir      string
	pki      *testPKI
	plain    string // mingw build with a version resource, unsigned
	signed   string // plain signed by osslsigncode, SHA-256
	signed1  string // plain signed by osslsigncode, SHA-1
	tampered string // signed with one byte of its code flipped afterwards
	nested   string // signed, then given a nested SHA-1 signature (dual-signed)
	goSigned string // a Go build (no version resource) signed, SHA-256
}

// shared holds the fixtures made once for the tests that only read them,
// in a folder TestMain removes.
var shared struct {
	once sync.Once
	dir  string
	fx   *fixtures
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

// makeFixtures returns every fixture, made on first use. The files must
// not be changed.
func makeFixtures(t testing.TB) *fixtures {
	t.Helper()
	// Every test that reads the fixtures needs their makers: each is
	// failed, or skipped, for a missing one on its own account.
	fixtureTools(t)
	shared.once.Do(func() {
		dir, err := os.MkdirTemp("", "embargo-pe-")
		if err != nil {
			t.Fatal(err)
		}
		shared.dir = dir
		fx := makeSmallFixturesIn(t, dir)
		gobin := buildGo(t, fx.dir, "gobuild.exe")
		fx.goSigned = filepath.Join(fx.dir, "gosigned.exe")
		fx.pki.sign(t, gobin, fx.goSigned, "sha256")
		shared.fx = fx
	})
	if shared.fx == nil {
		t.Fatal("the fixtures could not be made (see the first test that failed)")
	}
	return shared.fx
}

// makeSmallFixtures makes the fixtures of a few kilobytes, all but
// goSigned, in a folder of the test's own.
func makeSmallFixtures(t testing.TB) *fixtures {
	t.Helper()
	fixtureTools(t)
	return makeSmallFixturesIn(t, t.TempDir())
}

// fixtureTools checks for the tools that make the fixtures.
func fixtureTools(t testing.TB) {
	t.Helper()
	testtool.Commands(t, [2]string{"x86_64-w64-mingw32-windres", "binutils-mingw-w64-x86-64"},
		[2]string{"x86_64-w64-mingw32-gcc", "gcc-mingw-w64-x86-64"}, [2]string{"osslsigncode", "osslsigncode"})
}

func makeSmallFixturesIn(t testing.TB, dir string) *fixtures {
	t.Helper()
	fx := &fixtures{dir: dir, pki: newPKI(t, dir)}
	fx.plain = buildVersioned(t, dir, "plain.exe")
	fx.signed = filepath.Join(dir, "signed.exe")
	fx.pki.sign(t, fx.plain, fx.signed, "sha256")
	fx.signed1 = filepath.Join(dir, "signed-sha1.exe")
	fx.pki.sign(t, fx.plain, fx.signed1, "sha1")
	fx.tampered = filepath.Join(dir, "tampered.exe")
	copyFile(t, fx.signed, fx.tampered)
	flipCodeByte(t, fx.tampered)
	fx.nested = filepath.Join(dir, "dual.exe")
	run(t, "osslsigncode", "sign", "-certs", fx.pki.certsFile, "-key", fx.pki.keyFile, "-h", "sha1", "-nest", "-in", fx.signed, "-out", fx.nested)
	return fx
}

// flipCodeByte inverts the first byte of the file's .text section, as a
// patched copy of a signed program would differ.
func flipCodeByte(t testing.TB, name string) {
	t.Helper()
	f, err := pe.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	s := f.Section(".text")
	f.Close()
	if s == nil || s.Size == 0 {
		t.Fatalf("%s has no .text section", name)
	}
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	data[s.Offset] ^= 0xff
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t testing.TB, name string) *embpe.File {
	t.Helper()
	fh, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil {
		t.Fatal(err)
	}
	f, err := embpe.Read(name, fh, fi.Size())
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// sigView is what the tests compare of a signature.
type sigView struct {
	Subject, Issuer, Serial string
	NotBefore, NotAfter     time.Time
	Digest                  string
	Status                  embpe.Status
	Nested                  bool
}

func views(f *embpe.File) []sigView {
	var out []sigView
	for _, s := range f.Signatures {
		out = append(out, sigView{s.Subject, s.Issuer, s.Serial, s.NotBefore, s.NotAfter, s.DigestAlgorithm.String(), s.Status, s.Nested})
	}
	return out
}

// TestRead reads the signed fixtures and checks the signer, the digest
// verdict and the version resource; osslsigncode verify is the
// independent witness for the digests.
func TestRead(t *testing.T) {
	fx := makeFixtures(t)
	leaf := fx.pki.leaf
	kas := func(alg string, st embpe.Status) []sigView {
		return []sigView{{
			Subject: "CN=AO Kaspersky Lab, O=AO Kaspersky Lab, L=Moscow, C=RU",
			Issuer:  "CN=Embargo Test Code Signing CA, O=Embargo Tests",
			Serial:  "4B6173706572736B79", NotBefore: leaf.NotBefore, NotAfter: leaf.NotAfter,
			Digest: alg, Status: st,
		}}
	}
	tests := []struct {
		name    string
		file    string
		sigs    []sigView
		version bool
	}{
		{"unsigned", fx.plain, nil, true},
		{"signed SHA-256", fx.signed, kas("SHA-256", embpe.StatusValid), true},
		{"signed SHA-1", fx.signed1, kas("SHA-1", embpe.StatusValid), true},
		{"code patched after signing", fx.tampered, kas("SHA-256", embpe.StatusMismatch), true},
		{"Go build without version resource", fx.goSigned, kas("SHA-256", embpe.StatusValid), false},
		{"dual-signed, SHA-1 nested in SHA-256", fx.nested, append(kas("SHA-256", embpe.StatusValid), nested(kas("SHA-1", embpe.StatusValid))...), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := readFile(t, tc.file)
			if len(f.Problems) > 0 {
				t.Errorf("problems: %v", f.Problems)
			}
			if diff := cmp.Diff(tc.sigs, views(f)); diff != "" {
				t.Errorf("signatures (-want +got):\n%s", diff)
			}
			if f.EFI {
				t.Error("a console program read as an EFI image")
			}
			if (f.Version != nil) != tc.version {
				t.Fatalf("version resource present = %v, want %v", f.Version != nil, tc.version)
			}
			if tc.version {
				checkVersion(t, f.Version)
			}
			if len(f.Signatures) > 0 {
				witnessOsslsigncode(t, tc.file, fx.pki.caFile, f.Signatures)
			}
		})
	}
}

func nested(vs []sigView) []sigView {
	for i := range vs {
		vs[i].Nested = true
	}
	return vs
}

func checkVersion(t *testing.T, v *embpe.VersionInfo) {
	t.Helper()
	got := map[string]string{}
	for _, k := range []string{"CompanyName", "ProductName", "FileDescription", "OriginalFilename", "ProductVersion", "FileVersion"} {
		got[k] = v.Get(k)
	}
	want := map[string]string{
		"CompanyName": "AO Kaspersky Lab", "ProductName": "Kaspersky Endpoint Security for Windows",
		"FileDescription": "Kaspersky Endpoint Security service", "OriginalFilename": "avp.exe",
		"ProductVersion": "21.3.10.391", "FileVersion": "21.3.10.391",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("version strings (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"AO Kaspersky Lab", "АО «Лаборатория Касперского»"}, v.All("CompanyName")); diff != "" {
		t.Errorf("company names in every language (-want +got):\n%s", diff)
	}
	if v.ProductVersion != "21.3.10.391" || v.FileVersion != "21.3.10.391" {
		t.Errorf("VS_FIXEDFILEINFO versions %q, %q", v.ProductVersion, v.FileVersion)
	}
}

var (
	reCurrent    = regexp.MustCompile(`(?m)^Current message digest\s*: ([0-9A-F]+)`)
	reCalculated = regexp.MustCompile(`(?m)^Calculated message digest\s*: ([0-9A-F]+)`)
	reSubject    = regexp.MustCompile(`(?m)^\s*Subject: (.*)$`)
	reSerial     = regexp.MustCompile(`(?m)^\s*Serial : ([0-9A-F]+)$`)
)

// witnessOsslsigncode checks signatures against `osslsigncode verify`:
// the same signed digests, the same file digests (so the same
// Authenticode hash), the same verdict, the same signer.
func witnessOsslsigncode(t *testing.T, file, caFile string, sigs []embpe.Signature) {
	t.Helper()
	out := runAllowFail(t, "osslsigncode", "verify", "-in", file, "-CAfile", caFile)
	cur, calc := reCurrent.FindAllStringSubmatch(out, -1), reCalculated.FindAllStringSubmatch(out, -1)
	if len(cur) != len(sigs) || len(calc) != len(sigs) {
		t.Fatalf("osslsigncode verify printed %d and %d digests for %d signatures:\n%s", len(cur), len(calc), len(sigs), out)
	}
	for i, s := range sigs {
		if got := fmt.Sprintf("%X", s.SignedDigest); got != cur[i][1] {
			t.Errorf("signature %d: signed digest %s, osslsigncode says %s", i, got, cur[i][1])
		}
		fileDigest := s.FileDigest
		if fileDigest == nil {
			fileDigest = s.SignedDigest
		}
		if got := fmt.Sprintf("%X", fileDigest); got != calc[i][1] {
			t.Errorf("signature %d: file digest %s, osslsigncode calculates %s", i, got, calc[i][1])
		}
	}
	witnessMismatch := strings.Contains(out, "MISMATCH")
	if witnessMismatch != (sigs[0].Status == embpe.StatusMismatch) {
		t.Errorf("status %q, osslsigncode mismatch = %v", sigs[0].Status, witnessMismatch)
	}
	if witnessMismatch {
		return // osslsigncode stops at the digest and names no signer
	}
	if subj := reSubject.FindStringSubmatch(out); subj == nil || subj[1] != slashDN(sigs[0].Subject) {
		t.Errorf("subject %q, osslsigncode says %q", slashDN(sigs[0].Subject), subj)
	}
	if ser := reSerial.FindStringSubmatch(out); ser == nil || ser[1] != sigs[0].Serial {
		t.Errorf("serial %q, osslsigncode says %q", sigs[0].Serial, ser)
	}
}

// slashDN writes "CN=a, O=b, C=c" as OpenSSL prints it: "/C=c/O=b/CN=a".
func slashDN(dn string) string {
	parts := strings.Split(dn, ", ")
	slices.Reverse(parts)
	return "/" + strings.Join(parts, "/")
}
