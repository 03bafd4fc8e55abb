package pe_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/internal/testtool"
)

// The fixtures are made here, by the real tools: Debian's mingw-w64
// (x86_64-w64-mingw32-windres, -gcc) compiles a program with a version
// resource, the Go toolchain cross-compiles one without, and osslsigncode
// signs them with a code-signing certificate issued by a test CA. A
// missing tool fails the test: scripts/test installs them.

// signerSubject is the subject of the test code-signing certificate: a
// catalogued vendor's name, so that attribution has something to find.
var signerSubject = pkix.Name{CommonName: "AO Kaspersky Lab", Organization: []string{"AO Kaspersky Lab"}, Locality: []string{"Moscow"}, Country: []string{"RU"}}

// testPKI is a test CA and a code-signing certificate it issued, written
// as PEM files osslsigncode reads.
type testPKI struct {
	ca, leaf          *x509.Certificate
	caFile, certsFile string // CA certificate; signer certificate then CA
	keyFile           string // signer's private key, PKCS#8
}

// newPKI makes the test CA and the signer certificate in dir. The signer
// has an RSA key (osslsigncode signs with RSA or ECDSA alike; RSA is what
// vendors use) and a validity that covers the test run.
func newPKI(t testing.TB, dir string) *testPKI {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().Truncate(time.Second)
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Embargo Test Code Signing CA", Organization: []string{"Embargo Tests"}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key := rsaKey(t)
	leafTmpl := &x509.Certificate{
		SerialNumber: new(big.Int).SetBytes([]byte{0x4b, 0x61, 0x73, 0x70, 0x65, 0x72, 0x73, 0x6b, 0x79}),
		Subject:      signerSubject,
		NotBefore:    now.Add(-time.Hour), NotAfter: now.Add(12 * time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(leafDER)
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	p := &testPKI{ca: ca, leaf: leaf, caFile: filepath.Join(dir, "ca.pem"), certsFile: filepath.Join(dir, "certs.pem"), keyFile: filepath.Join(dir, "key.pem")}
	writePEM(t, p.caFile, "CERTIFICATE", caDER)
	writePEM(t, p.certsFile, "CERTIFICATE", leafDER, caDER)
	writePEM(t, p.keyFile, "PRIVATE KEY", keyDER)
	return p
}

func rsaKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func writePEM(t testing.TB, name, typ string, ders ...[]byte) {
	t.Helper()
	var b strings.Builder
	for _, d := range ders {
		b.Write(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: d}))
	}
	if err := os.WriteFile(name, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
}

// sign signs in into out with osslsigncode, hash being sha1 or sha256.
func (p *testPKI) sign(t testing.TB, in, out, hash string) {
	t.Helper()
	run(t, "osslsigncode", "sign", "-certs", p.certsFile, "-key", p.keyFile, "-h", hash,
		"-n", "Kaspersky Endpoint Security", "-in", in, "-out", out)
}

// buildVersioned compiles testdata/tiny.c with testdata/version.rc into
// dir/name and returns its path.
func buildVersioned(t testing.TB, dir, name string) string {
	t.Helper()
	obj := filepath.Join(dir, "version.o")
	run(t, "x86_64-w64-mingw32-windres", "-c", "65001", "testdata/version.rc", "-O", "coff", "-o", obj)
	exe := filepath.Join(dir, name)
	run(t, "x86_64-w64-mingw32-gcc", "-s", "-Os", "-nostdlib", "-Wl,--entry=start", "-o", exe, "testdata/tiny.c", obj)
	return exe
}

// buildGo cross-compiles a minimal Go program for Windows into dir/name:
// a PE with no version resource.
func buildGo(t testing.TB, dir, name string) string {
	t.Helper()
	src := filepath.Join(dir, "gosrc")
	if err := os.MkdirAll(src, 0o755); err != nil {
		t.Fatal(err)
	}
	for f, body := range map[string]string{"go.mod": "module tiny\n\ngo 1.22\n", "main.go": "package main\n\nfunc main() {}\n"} {
		if err := os.WriteFile(filepath.Join(src, f), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	exe := filepath.Join(dir, name)
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", exe, ".")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0", "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build for windows: %v\n%s", err, out)
	}
	return exe
}

// witnessPackage names the Debian package of each tool the tests run.
var witnessPackage = map[string]string{
	"osslsigncode": "osslsigncode", "sbverify": "sbsigntool",
	"x86_64-w64-mingw32-gcc": "gcc-mingw-w64-x86-64", "x86_64-w64-mingw32-windres": "binutils-mingw-w64-x86-64",
	"dpkg-deb": "dpkg", "apt-get": "apt",
}

// run runs a tool and fails the test when it is missing or fails.
func run(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(testtool.Command(t, name, witnessPackage[name]), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func copyFile(t testing.TB, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// runAllowFail runs a witness whose exit code carries a verdict: it fails
// the test only when the tool is missing or could not start.
func runAllowFail(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(testtool.Command(t, name, witnessPackage[name]), args...).CombinedOutput()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("%s: %v", name, err)
	}
	return string(out)
}
