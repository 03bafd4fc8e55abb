package trustca

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"

	"github.com/embargo-dev/embargo/inventory"
)

// distributionSources hold the roots a distribution ships; without one
// of them a bundle cannot be told apart from the distribution's own.
var distributionSources = []string{
	"usr/share/ca-certificates",     // Debian, Ubuntu, Alpine (mozilla/*.crt); Arch (trust-source/)
	"usr/share/pki/ca-trust-source", // Fedora, RHEL (ca-bundle.trust.p11-kit)
	"usr/share/pki/trust",           // SUSE (anchors/)
}

// addedSources hold the certificates added locally, which a bundle
// includes and which are reported from their own files.
var addedSources = []string{
	"usr/local/share/ca-certificates",
	"etc/pki/ca-trust/source",
	"etc/pki/trust/anchors",
	"etc/ca-certificates/trust-source",
}

// Bounds on reading the trust sources for one bundle.
const (
	maxSourceFiles = 10_000
	maxSourceBytes = 256 << 20
)

// trustSources returns the digests of every certificate in the trust
// sources of the target, from which its bundles are built, or nil when
// the target has none of a distribution's (a distroless image ships only
// the bundle): then every certificate of a bundle is reported. A source
// file that cannot be read is an Unknown; the certificates it would have
// explained are then reported as added.
func trustSources(ctx context.Context, t *inventory.Target, lim inventory.Limits) (map[[sha256.Size]byte]bool, []inventory.Unknown, error) {
	known := map[[sha256.Size]byte]bool{}
	var unknowns []inventory.Unknown
	found := false
	files, size := 0, int64(0)
	visit := func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			unknowns = append(unknowns, inventory.Unknown{Location: inventory.Location{Source: t.Display(p), Host: t.Host},
				Reason: "trust source could not be read: " + err.Error()})
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		if files++; files > maxSourceFiles {
			return fmt.Errorf("more than %d files in the trust sources", maxSourceFiles)
		}
		if files%256 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if fi, err := d.Info(); err == nil {
			if size += fi.Size(); size > maxSourceBytes {
				return fmt.Errorf("more than %d bytes in the trust sources", maxSourceBytes)
			}
		}
		certs, _, err := readFile(t, p, lim)
		var pe *fs.PathError
		switch {
		case errors.As(err, &pe):
			unknowns = append(unknowns, inventory.Unknown{Location: inventory.Location{Source: t.Display(p), Host: t.Host},
				Reason: "trust source could not be read: " + err.Error()})
			return nil
		case err != nil:
			return nil // not a certificate file (a README, a note)
		}
		for _, c := range certs {
			known[c.sum] = true
		}
		return nil
	}
	for i, root := range append(distributionSources[:len(distributionSources):len(distributionSources)], addedSources...) {
		if _, err := fs.Stat(t.FS, root); err != nil {
			continue
		}
		if i < len(distributionSources) {
			found = true
		}
		if err := fs.WalkDir(t.FS, root, visit); err != nil {
			return nil, nil, fmt.Errorf("reading the trust sources to compare a bundle with: %w", err)
		}
	}
	if !found {
		return nil, unknowns, nil
	}
	return known, unknowns, nil
}
