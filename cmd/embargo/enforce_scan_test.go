package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/internal/testtool"
)

// TestEnforceAppLockerFromScan goes from a signed executable to a deny
// rule: mingw-w64 links a program, osslsigncode signs it with a
// certificate whose subject names a catalogued supplier, `embargo scan`
// reads the signature off the file, and `embargo enforce -o applocker
// --from-scan` turns the subject it saw into a publisher rule, which
// xmllint checks against the AppLocker schema.
func TestEnforceAppLockerFromScan(t *testing.T) {
	testtool.Commands(t, [2]string{"x86_64-w64-mingw32-gcc", "gcc-mingw-w64-x86-64"}, [2]string{"osslsigncode", "osslsigncode"},
		[2]string{"xmllint", "libxml2-utils"})
	dir := t.TempDir()
	src := filepath.Join(dir, "tiny.c")
	writeFixture(t, src, "int start(void) { return 0; }\n")
	exe := filepath.Join(dir, "tiny.exe")
	runFixtureTool(t, "x86_64-w64-mingw32-gcc", "-s", "-Os", "-nostdlib", "-Wl,--entry=start", "-o", exe, src)

	certs, key := codeSigningPEM(t, dir, pkix.Name{CommonName: "AO Kaspersky Lab", Organization: []string{"AO Kaspersky Lab"},
		Locality: []string{"Moscow"}, Country: []string{"RU"}})
	target := filepath.Join(dir, "target")
	signed := filepath.Join(target, "Program Files", "Kaspersky Lab", "avp.exe")
	if err := os.MkdirAll(filepath.Dir(signed), 0o755); err != nil {
		t.Fatal(err)
	}
	runFixtureTool(t, "osslsigncode", "sign", "-certs", certs, "-key", key, "-h", "sha256", "-in", exe, "-out", signed)

	scanOut, stderr, code := run(t, "scan", target, "-o", "json", "--quiet")
	if code != 0 && code != 1 {
		t.Fatalf("scan exited %d: %s", code, stderr)
	}
	scanFile := filepath.Join(dir, "scan.json")
	writeFixture(t, scanFile, scanOut)

	policyFile := filepath.Join(dir, "applocker.xml")
	_, stderr, code = run(t, "enforce", "-o", "applocker", "--from-scan", scanFile, "--output-file", policyFile)
	if code != 0 {
		t.Fatalf("enforce exited %d: %s", code, stderr)
	}
	doc, err := os.ReadFile(policyFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`PublisherName="O=AO KASPERSKY LAB, L=MOSCOW, C=RU"`, `Action="Deny"`, "observed in " + scanFile} {
		if !strings.Contains(string(doc), want) {
			t.Errorf("the policy lacks %s:\n%s", want, doc)
		}
	}
	if out, err := exec.Command("xmllint", "--noout", "--schema", "../../enforce/testdata/applocker.xsd", policyFile).CombinedOutput(); err != nil {
		t.Errorf("xmllint --schema: %v\n%s", err, out)
	}

	// Without the scan, the same command would deny nobody: it writes
	// nothing and fails.
	plain, stderr, code := run(t, "enforce", "-o", "applocker")
	if strings.Contains(plain, `Action="Deny"`) {
		t.Errorf("a deny rule without --from-scan: the catalogue now has subjects; update this test")
	}
	if code != 2 || plain != "" || !strings.Contains(stderr, "would block nothing") {
		t.Errorf("without --from-scan: exit %d, %d bytes, %s", code, len(plain), stderr)
	}
}

// codeSigningPEM writes a test CA and a code-signing certificate for
// subject it issued (certificate then CA) and the signer's key.
func codeSigningPEM(t *testing.T, dir string, subject pkix.Name) (certs, key string) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Embargo Test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	leafKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	leafTmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: subject, NotBefore: now.Add(-time.Hour),
		NotAfter: now.Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning}}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, ca, &leafKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(leafKey)
	if err != nil {
		t.Fatal(err)
	}
	certs, key = filepath.Join(dir, "certs.pem"), filepath.Join(dir, "key.pem")
	writeFixture(t, certs, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leafDER}))+
		string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})))
	writeFixture(t, key, string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})))
	return certs, key
}

// fixtureToolPackage names the Debian package of each tool that makes
// fixtures.
var fixtureToolPackage = map[string]string{
	"x86_64-w64-mingw32-gcc": "gcc-mingw-w64-x86-64", "osslsigncode": "osslsigncode", "hivexregedit": "libwin-hivex-perl",
}

func runFixtureTool(t *testing.T, name string, args ...string) {
	t.Helper()
	pkg := fixtureToolPackage[name]
	if pkg == "" {
		pkg = name
	}
	if out, err := exec.Command(testtool.Command(t, name, pkg), args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

func writeFixture(t *testing.T, name, body string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}
