package report_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/embargo-dev/embargo/report"
)

// TestCycloneDXHostScan: a directory scan becomes a new 1.6 BOM that
// validates, with a trust-store CA as a cryptographic asset.
func TestCycloneDXHostScan(t *testing.T) {
	root := dpkgTree(t)
	ca := filepath.Join(root, "usr/local/share/ca-certificates/kav.crt")
	if err := os.MkdirAll(filepath.Dir(ca), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(ca, caPEM(t, pkix.Name{CommonName: "Kaspersky Web Anti-Virus Certification Authority", Organization: []string{"AO Kaspersky Lab"}}), 0o644); err != nil {
		t.Fatal(err)
	}
	r := scanReport(t, root)
	bom := checkCDX(t, "host BOM", encode(t, report.CycloneDX{}, r))
	var types []cdx.ComponentType
	for _, c := range *bom.Components {
		types = append(types, c.Type)
	}
	want := map[cdx.ComponentType]bool{cdx.ComponentTypeLibrary: true, cdx.ComponentTypeCryptographicAsset: true}
	for _, ty := range types {
		delete(want, ty)
	}
	if len(want) > 0 {
		t.Errorf("component types %v lack %v", types, want)
	}
}

func caPEM(t *testing.T, subject pkix.Name) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(7), Subject: subject, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}
