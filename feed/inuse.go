package feed

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/policy"
)

// Data is the catalogue and packs a run judges by: an installed feed's,
// or the binary's own.
type Data struct {
	Catalog *catalog.Catalog
	// Packs are the built-in packs: the feed's, or nil for the
	// binary's (policy.Packs).
	Packs []*policy.Pack
	// Feed is the installed feed, nil when the binary's data is in use.
	Feed *Installed
	// IPData is the feed's IP data snapshot file; empty when the feed
	// carries none (or none is installed).
	IPData string
	// Digest names the data: the catalogue's digest and the packs' as
	// one, so that a change of either is a change.
	Digest string
}

// InUse is the data a run judges by: the feed installed in dir, loaded
// and checked again, or — when none is installed — the binary's.
func InUse(dir string) (Data, error) {
	in, err := Status(dir)
	if errors.Is(err, ErrNone) || dir == "" {
		return builtin()
	}
	if err != nil {
		return Data{}, err
	}
	base := filepath.Join(dir, in.Path)
	cat, err := catalog.Load(os.DirFS(filepath.Join(base, "catalog")))
	if err != nil {
		return Data{}, fmt.Errorf("the installed feed (version %d): its catalogue: %w", in.Version, err)
	}
	names, err := filepath.Glob(filepath.Join(base, "packs", "*.yaml"))
	if err != nil {
		return Data{}, err
	}
	sort.Strings(names)
	var packs []*policy.Pack
	h := sha256.New()
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			return Data{}, err
		}
		p, err := policy.LoadPack(filepath.Base(n), data)
		if err != nil {
			return Data{}, fmt.Errorf("the installed feed (version %d): %w", in.Version, err)
		}
		packs = append(packs, p)
		h.Write([]byte(filepath.Base(n)))
		h.Write(data)
	}
	if len(packs) == 0 {
		return Data{}, fmt.Errorf("the installed feed (version %d) has no packs", in.Version)
	}
	d := Data{Catalog: cat, Packs: packs, Feed: &in, Digest: cat.Digest() + "+" + hex.EncodeToString(h.Sum(nil))[:16]}
	if p := filepath.Join(base, IPDataTarget); exists(p) {
		d.IPData = p
	}
	return d, nil
}

func builtin() (Data, error) {
	cat, err := catalog.Embedded()
	if err != nil {
		return Data{}, err
	}
	pd, err := policy.BuiltinDigest()
	if err != nil {
		return Data{}, err
	}
	return Data{Catalog: cat, Digest: cat.Digest() + "+" + pd}, nil
}

// WithLocal is d with the local catalogue files added to its catalogue
// (catalog.WithLocal) and its digest naming them; d itself when there
// are none.
func (d Data) WithLocal(files []catalog.LocalFile) (Data, error) {
	if len(files) == 0 {
		return d, nil
	}
	cat, err := d.Catalog.WithLocal(files)
	if err != nil {
		return d, fmt.Errorf("local catalogue: %w", err)
	}
	packs := d.Digest[len(d.Catalog.Digest()):] // "+" and the packs' digest
	d.Catalog, d.Digest = cat, cat.Digest()+packs
	return d, nil
}
