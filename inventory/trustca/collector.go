// Package trustca finds root certificates that were added to a Linux
// target's system trust store: how security products that inspect TLS
// (a "Web Anti-Virus" re-signing HTTPS connections) make their own
// certificate authority trusted.
//
// It reads the folders where certificates are added by hand or by a
// package (Debian's usr/local/share/ca-certificates, the p11-kit anchor
// folders of Fedora, RHEL, SUSE and Arch), certificate files placed
// directly in etc/ssl/certs (Debian keeps symbolic links there, which
// the walk does not follow, so a regular file was put there by someone
// else), and the combined bundles, from which only certificates that no
// trust source explains are reported: ones a program appended to the
// bundle itself.
//
// Out of scope: Windows certificate stores, which live in the registry
// (SOFTWARE\Microsoft\SystemCertificates and the user hives) and are
// the registry collector's; macOS keychains (System.keychain, a binary
// keychain database); browsers' own NSS databases (cert9.db); Java's
// cacerts.
package trustca

import (
	"context"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// Collector reads added trust anchors.
type Collector struct{}

// Name implements inventory.Collector.
func (Collector) Name() string { return "trustca" }

// Tags implements inventory.Collector.
func (Collector) Tags() []string { return []string{"linux", "certificate", "tls"} }

// Requirements implements inventory.Collector: files only.
func (Collector) Requirements() inventory.Requirements { return inventory.Requirements{} }

// anchorDirs hold certificates that are trusted because someone put them
// there, at any depth (p11-kit reads any file below them).
var anchorDirs = []string{
	"etc/pki/ca-trust/source/anchors/",       // Fedora, RHEL: the administrator's
	"usr/share/pki/ca-trust-source/anchors/", // Fedora, RHEL: packages'
	"etc/pki/trust/anchors/",                 // SUSE
	"etc/ca-certificates/trust-source/anchors/",
}

// sourceDirs are p11-kit source folders: their own files are trust
// sources, but not the folders below, which are anchors (above) or lists
// of distrusted certificates (blocklist).
var sourceDirs = []string{
	"etc/pki/ca-trust/source/",
	"etc/ca-certificates/trust-source/",
}

// bundles are the files that distributions build from all trust sources.
var bundles = map[string]bool{
	"etc/ssl/certs/ca-certificates.crt":                true, // Debian, Ubuntu, Alpine
	"etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem": true, // Fedora, RHEL
	"etc/ca-certificates/extracted/tls-ca-bundle.pem":  true, // Arch
	"etc/ssl/ca-bundle.pem":                            true, // SUSE
}

// Wants implements inventory.Collector.
func (Collector) Wants(p string) bool {
	if bundles[p] {
		return true
	}
	if name, ok := strings.CutPrefix(p, "etc/ssl/certs/"); ok {
		return !strings.Contains(name, "/") && (strings.HasSuffix(name, ".pem") || strings.HasSuffix(name, ".crt"))
	}
	if rest, ok := strings.CutPrefix(p, "usr/local/share/ca-certificates/"); ok {
		return strings.HasSuffix(rest, ".crt") // update-ca-certificates reads no other
	}
	for _, d := range anchorDirs {
		if strings.HasPrefix(p, d) {
			return true
		}
	}
	for _, d := range sourceDirs {
		if rest, ok := strings.CutPrefix(p, d); ok {
			return !strings.Contains(rest, "/")
		}
	}
	return false
}

// Collect implements inventory.Collector.
func (Collector) Collect(ctx context.Context, t *inventory.Target, f inventory.TargetFile, lim inventory.Limits) ([]inventory.Item, []inventory.Unknown, error) {
	name := t.Display(f.Path)
	certs, unknowns, err := readFile(t, f.Path, lim)
	if err != nil {
		return nil, nil, err
	}
	switch {
	case bundles[f.Path]:
		known, unk, err := trustSources(ctx, t, lim)
		if err != nil {
			return nil, nil, err
		}
		unknowns = append(unknowns, unk...)
		if known != nil {
			certs = unexplained(certs, known)
		}
	case strings.HasPrefix(f.Path, "etc/ssl/certs/"):
		// Other packages keep server certificates here too (ssl-cert's
		// snakeoil certificate): only authorities are trust anchors.
		certs = authorities(certs)
	}
	items := make([]inventory.Item, 0, len(certs))
	for _, c := range certs {
		it := c.item(name, "/"+f.Path, t.Host)
		if reason := inventory.CheckItem(&it, lim); reason != "" {
			unknowns = append(unknowns, inventory.Unknown{Location: it.Location, Name: inventory.Clip(it.Name), Reason: reason})
			continue
		}
		items = append(items, it)
	}
	return items, unknowns, nil
}
