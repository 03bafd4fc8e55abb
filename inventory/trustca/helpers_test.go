package trustca

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/internal/testtool"
	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/collecttest"
)

// volume lays files out under a fresh directory and returns it.
func volume(t *testing.T, files map[string][]byte) string { return collecttest.Volume(t, files) }

func write(t *testing.T, root string, files map[string][]byte) { collecttest.Write(t, root, files) }

// result is what the collector made of a volume.
type result struct {
	items    []inventory.Item
	unknowns []inventory.Unknown
	errs     map[string]string
}

// collect offers every regular file of root to the collector, as the
// walker does (symbolic links are passed over).
func collect(t *testing.T, root string, lim inventory.Limits) result {
	t.Helper()
	tgt := &inventory.Target{Name: "/mnt/root", FS: os.DirFS(root), Host: "srv1"}
	r := collecttest.Run(t, tgt, Collector{}, lim)
	return result{r.Items, r.Unknowns, r.Errs}
}

// authority is a certificate made for a test, with its key.
type authority struct {
	der []byte
	x   *x509.Certificate
	key *ecdsa.PrivateKey
}

// newCert makes a certificate for subject, signed by parent (self-signed
// when nil), a CA when ca is set.
func newCert(t testing.TB, subject pkix.Name, parent *authority, ca bool) *authority {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: subject,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		BasicConstraintsValid: true, IsCA: ca,
	}
	issuer, signer := tmpl, key
	if parent != nil {
		issuer, signer = parent.x, parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, issuer, &key.PublicKey, signer)
	if err != nil {
		t.Fatal(err)
	}
	x, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &authority{der: der, x: x, key: key}
}

func (a *authority) pem(typ string) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: a.der})
}

// openssl runs the real openssl command and returns its output.
func openssl(t *testing.T, args ...string) []byte {
	t.Helper()
	out, err := exec.Command(testtool.Command(t, "openssl", "openssl"), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("openssl %v (Debian package openssl): %v\n%s", args, err, out)
	}
	return out
}
