package server

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"time"

	"github.com/embargo-dev/embargo/internal/atomicfile"
)

// Names of the self-signed certificate and key kept in the data folder.
const (
	GeneratedCertFile = "server-cert.pem"
	GeneratedKeyFile  = "server-key.pem"
	// generatedValidity is long because agents pin the fingerprint, not a
	// chain: a certificate that expires breaks every agent at once.
	generatedValidity = 10 * 365 * 24 * time.Hour
)

// Endpoint says where a server listens and how clients trust it.
type Endpoint struct {
	URL string
	// Fingerprint is the hex SHA-256 of the certificate (DER), for agents
	// to pin; empty for plain HTTP.
	Fingerprint string
	// Generated is set when the certificate was made by the server
	// (now or on an earlier start) rather than given.
	Generated bool
}

// IsLoopback reports whether a listen address (host:port) binds only the
// loopback interface: an IP loopback literal or "localhost". An empty or
// unspecified host binds every interface.
func IsLoopback(listen string) (bool, error) {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return false, fmt.Errorf("listen address %q: %w", listen, err)
	}
	if host == "localhost" {
		return true, nil
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return false, nil // a host name may resolve anywhere
	}
	return a.IsLoopback(), nil
}

// Fingerprint is the hex SHA-256 of a DER certificate.
func Fingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:])
}

// tlsConfig returns the TLS configuration for listen: nil (plain HTTP) on
// loopback without a certificate, the given certificate, or one generated
// into dataDir on first use.
func tlsConfig(listen, certFile, keyFile, dataDir string, now time.Time) (*tls.Config, Endpoint, error) {
	var ep Endpoint
	if (certFile == "") != (keyFile == "") {
		return nil, ep, errors.New("give both a TLS certificate and its key, or neither")
	}
	loop, err := IsLoopback(listen)
	if err != nil {
		return nil, ep, err
	}
	if certFile == "" && loop {
		return nil, ep, nil
	}
	if certFile == "" {
		if dataDir == "" {
			return nil, ep, fmt.Errorf("listening on %q (not loopback) needs TLS: give a certificate and key, or a data folder to keep a generated one in", listen)
		}
		certFile, keyFile = filepath.Join(dataDir, GeneratedCertFile), filepath.Join(dataDir, GeneratedKeyFile)
		if err := ensureSelfSigned(certFile, keyFile, listen, now); err != nil {
			return nil, ep, err
		}
		ep.Generated = true
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, ep, fmt.Errorf("loading the TLS certificate %q: %w", certFile, err)
	}
	ep.Fingerprint = Fingerprint(cert.Certificate[0])
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, ep, nil
}

// ensureSelfSigned makes an ECDSA P-256 certificate for listen's host
// (and this machine's name and loopback) unless certFile already exists.
func ensureSelfSigned(certFile, keyFile, listen string, now time.Time) error {
	if _, err := os.Stat(certFile); err == nil {
		return nil
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return fmt.Errorf("generating a TLS key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return fmt.Errorf("generating a serial number: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "embargo server"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(generatedValidity),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	if h, err := os.Hostname(); err == nil && h != "" {
		tmpl.DNSNames = append(tmpl.DNSNames, h)
	}
	if host, _, err := net.SplitHostPort(listen); err == nil && host != "" {
		if ip := net.ParseIP(host); ip == nil {
			tmpl.DNSNames = append(tmpl.DNSNames, host)
		} else if !ip.IsUnspecified() && !ip.IsLoopback() {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return fmt.Errorf("signing the TLS certificate: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return fmt.Errorf("encoding the TLS key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(certFile), 0o700); err != nil {
		return fmt.Errorf("creating the data folder: %w", err)
	}
	// The key is written first and the certificate last: the certificate's
	// presence is what says both are complete.
	if err := atomicfile.Write(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		return err
	}
	return atomicfile.Write(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
}
