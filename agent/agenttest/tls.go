package agenttest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"math/big"
	"net"
	"testing"
	"time"
)

// StartTLS is Start behind a freshly generated self-signed ECDSA
// certificate, as `embargo serve` makes when given none; it returns the
// certificate's SHA-256 fingerprint (hex) for the agent to pin.
func StartTLS(tb testing.TB) (*Server, string) {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "embargo test server"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	s := &Server{tb: tb, tokens: map[string]*token{}, agents: map[string]agent{}, seen: map[string]bool{}, IntervalSeconds: 3600}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s.addr, s.tls = ln.Addr().String(), &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	s.serve(ln)
	tb.Cleanup(s.Stop)
	sum := sha256.Sum256(der)
	return s, hex.EncodeToString(sum[:])
}

func (s *Server) scheme() string {
	if s.tls != nil {
		return "https"
	}
	return "http"
}

func (s *Server) listener(ln net.Listener) net.Listener {
	if s.tls != nil {
		return tls.NewListener(ln, s.tls)
	}
	return ln
}
