// Package feed is Embargo's signed data: the catalogue, the policy packs
// and the IP data published as a repository of The Update Framework
// (TUF, through go-tuf/v2), so that a department receives corrected facts
// without a new release and can prove they were not altered. Maintainers
// build and sign the repository (Init, Publish, RotateRoot) with offline
// Ed25519 keys and thresholds; users update from it over HTTP, from a
// mirror directory or from an offline bundle (Update), which TUF checks
// end to end — signatures and thresholds, expiry, rollback and freeze,
// lengths and hashes — before the new data replaces the old, atomically.
package feed

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"

	"github.com/sigstore/sigstore/pkg/signature"
	"github.com/theupdateframework/go-tuf/v2/metadata"
)

// Key is a signing key of a role: an Ed25519 private key kept by a
// maintainer, offline.
type Key struct {
	Path    string
	private ed25519.PrivateKey
}

// GenerateKey writes a new Ed25519 private key to path (PKCS#8 PEM, mode
// 0600, refusing to overwrite) and returns it.
func GenerateKey(path string) (*Key, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("writing key %s: %w", path, err)
	}
	if err := pem.Encode(f, &pem.Block{Type: "PRIVATE KEY", Bytes: der}); err != nil {
		f.Close()
		return nil, fmt.Errorf("writing key %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("writing key %s: %w", path, err)
	}
	return &Key{Path: path, private: priv}, nil
}

// maxKeyFile bounds a key file read.
const maxKeyFile = 16 << 10

// LoadKey reads an Ed25519 private key written by GenerateKey.
func LoadKey(path string) (*Key, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("key %s: %w", path, err)
	}
	if st.Size() > maxKeyFile {
		return nil, fmt.Errorf("key %s: %d bytes, not a key", path, st.Size())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("key %s: %w", path, err)
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("key %s: no PEM PRIVATE KEY block", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("key %s: %w", path, err)
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("key %s: %T, want an Ed25519 key", path, k)
	}
	return &Key{Path: path, private: priv}, nil
}

// Public is the key's TUF public key.
func (k *Key) Public() (*metadata.Key, error) {
	return metadata.KeyFromPublicKey(k.private.Public())
}

// ID is the key's TUF key id.
func (k *Key) ID() (string, error) {
	p, err := k.Public()
	if err != nil {
		return "", err
	}
	return p.ID()
}

func (k *Key) signer() (signature.Signer, error) {
	return signature.LoadSigner(k.private, crypto.Hash(0))
}

// errNoKey is a role signed with fewer keys than its threshold.
var errNoKey = errors.New("fewer keys than the role's threshold")
