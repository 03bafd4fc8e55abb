package release

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/goreleaser/nfpm/v2"
	"github.com/goreleaser/nfpm/v2/deb"
	"github.com/goreleaser/nfpm/v2/files"
	"github.com/goreleaser/nfpm/v2/rpm"
)

// The package formats a release is made in.
const (
	Deb = "deb"
	RPM = "rpm"
)

// Formats are the package formats, in the order a release makes them.
var Formats = []string{Deb, RPM}

// Where the package puts things; tests and scripts/test-package read the
// same paths.
const (
	BinPath     = "/usr/bin/embargo"
	UnitDir     = "/usr/lib/systemd/system"
	ConfigPath  = "/etc/embargo/embargo.yaml"
	DocDir      = "/usr/share/doc/embargo"
	StateDir    = "/var/lib/embargo"
	ServiceUser = "embargo"
)

// Units are the systemd units a package installs, from deploy/systemd.
var Units = []string{"embargo-server.service", "embargo-agent.service"}

// Package is one Linux package of a release.
type Package struct {
	Root       string // the repository's root: deploy/ is read from it
	Binary     string // the linux binary for Arch
	Arch       string // Go's name: amd64, arm64
	Stamp      Stamp
	Maintainer string // "Name <address>"
	Copyright  []byte // the copyright file (Notices)
	// DebCopyright is the .deb's copyright file (DebianCopyright); the
	// .deb has Copyright when it is empty.
	DebCopyright []byte
	ManPages     string // a folder of section-1 pages (NAME.1) to install, or ""
}

// description is the package's description: a synopsis line, then the
// extended description.
const description = `find software from restricted suppliers and who controls it
Embargo reads software inventories (hosts, images, SBOMs, MDM exports,
network scans and traffic logs), attributes each item to the catalogue of
restricted suppliers, says who really controls it up to the controlling
jurisdiction, and judges it against government instruments, with the
evidence for every attribution.
.
This package installs the embargo command, the systemd units of the fleet
server (embargo-server.service, run as the system user embargo) and of the
agent (embargo-agent.service), both disabled until configured.`

// Info is the nFPM description of the package in format (Deb or RPM).
// Files it generates (copyright, changelog, compressed manual pages) are
// written into tmp.
func (p Package) Info(format, tmp string) (*nfpm.Info, error) {
	if err := p.Stamp.Validate(); err != nil {
		return nil, err
	}
	if !slices.Contains(Formats, format) {
		return nil, fmt.Errorf("package format %q: want %s", format, strings.Join(Formats, " or "))
	}
	deploy := func(rel string) string { return filepath.Join(p.Root, "deploy", filepath.FromSlash(rel)) }
	file := func(src, dst string, mode os.FileMode) *files.Content {
		return &files.Content{Source: src, Destination: dst, Type: files.TypeFile,
			FileInfo: &files.ContentFileInfo{Mode: mode, MTime: p.Stamp.Date}}
	}
	copyright := filepath.Join(tmp, "copyright")
	text := p.Copyright
	if format == Deb && len(p.DebCopyright) > 0 {
		text = p.DebCopyright
	}
	if err := os.WriteFile(copyright, text, 0o644); err != nil {
		return nil, err
	}
	contents := files.Contents{
		file(p.Binary, BinPath, 0o755),
		file(deploy("systemd/embargo-server-pdf.conf"), DocDir+"/examples/embargo-server-pdf.conf", 0o644),
		file(copyright, DocDir+"/copyright", 0o644),
		{Source: deploy("etc/embargo.yaml"), Destination: ConfigPath, Type: files.TypeConfigNoReplace,
			FileInfo: &files.ContentFileInfo{Mode: 0o644, MTime: p.Stamp.Date}},
	}
	for _, u := range Units {
		contents = append(contents, file(deploy("systemd/"+u), UnitDir+"/"+u, 0o644))
	}
	pages, err := p.manPages(tmp)
	if err != nil {
		return nil, err
	}
	for _, page := range pages {
		contents = append(contents, file(page, "/usr/share/man/man1/"+filepath.Base(page), 0o644))
	}
	info := &nfpm.Info{
		Name: "embargo", Arch: p.Arch, Platform: "linux", Version: p.Stamp.Version,
		Section: "admin", Priority: "optional", Maintainer: p.Maintainer,
		Description: description, Vendor: "Embargo", Homepage: "https://github.com/embargo-dev/embargo",
		DisableGlobbing: true, MTime: p.Stamp.Date,
	}
	info.Contents = contents
	switch format {
	case Deb:
		changelog, err := p.debChangelog(tmp)
		if err != nil {
			return nil, err
		}
		info.Contents = append(info.Contents, file(changelog, DocDir+"/changelog.gz", 0o644),
			file(deploy("package/deb/lintian-overrides"), "/usr/share/lintian/overrides/embargo", 0o644))
		info.Depends = []string{"adduser"}
		info.Scripts = nfpm.Scripts{PostInstall: deploy("package/deb/postinst"), PreRemove: deploy("package/deb/prerm"),
			PostRemove: deploy("package/deb/postrm")}
	case RPM:
		// rpm resolves owners when it installs, after %pre made the user.
		info.Contents = append(info.Contents, &files.Content{Destination: StateDir, Type: files.TypeDir,
			FileInfo: &files.ContentFileInfo{Owner: ServiceUser, Group: ServiceUser, Mode: 0o750, MTime: p.Stamp.Date}})
		info.License = "none stated; see " + DocDir + "/copyright"
		info.Scripts = nfpm.Scripts{PreInstall: deploy("package/rpm/preinstall.sh"), PostInstall: deploy("package/rpm/postinstall.sh"),
			PreRemove: deploy("package/rpm/preremove.sh"), PostRemove: deploy("package/rpm/postremove.sh")}
		// rpm has the synopsis apart, and no "." paragraph marks.
		synopsis, body, _ := strings.Cut(description, "\n")
		info.Description = strings.ReplaceAll(body, "\n.\n", "\n\n")
		info.RPM = nfpm.RPM{Summary: synopsis, Group: "Applications/System",
			BuildHost: "embargo-release", Packager: p.Maintainer}
	}
	return nfpm.WithDefaults(info), nil
}

// Write makes the package in format into dir and returns its path, named
// as dpkg-name and rpm name packages.
func (p Package) Write(format, dir string) (string, error) {
	tmp, err := os.MkdirTemp("", "embargo-pkg-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	info, err := p.Info(format, tmp)
	if err != nil {
		return "", err
	}
	var packager interface {
		nfpm.Packager
		ConventionalFileName(*nfpm.Info) string
	}
	if format == Deb {
		packager = deb.Default
	} else {
		packager = rpm.DefaultRPM
	}
	name := packager.ConventionalFileName(info)
	// ConventionalFileName renames the architecture; packaging wants Go's.
	info.Arch = p.Arch
	var b bytes.Buffer
	if err := packager.Package(info, &b); err != nil {
		return "", fmt.Errorf("making the %s package for %s: %w", format, p.Arch, err)
	}
	path := filepath.Join(dir, name)
	return path, os.WriteFile(path, b.Bytes(), 0o644)
}

// debChangelog writes the changelog Debian requires of a native package,
// compressed at gzip's best level with no name or time in its header.
func (p Package) debChangelog(tmp string) (string, error) {
	var text bytes.Buffer
	fmt.Fprintf(&text, "embargo (%s) unstable; urgency=medium\n\n", DebVersion(p.Stamp.Version))
	fmt.Fprintf(&text, "  * Built from commit %s of\n    https://github.com/embargo-dev/embargo (its history is the changelog).\n\n", p.Stamp.Commit)
	fmt.Fprintf(&text, " -- %s  %s\n", p.Maintainer, p.Stamp.Date.UTC().Format("Mon, 02 Jan 2006 15:04:05 -0700"))
	path := filepath.Join(tmp, "changelog.gz")
	return path, os.WriteFile(path, gzipBest(text.Bytes()), 0o644)
}

// manPages compresses the pages of p.ManPages into tmp.
func (p Package) manPages(tmp string) ([]string, error) {
	if p.ManPages == "" {
		return nil, nil
	}
	names, err := filepath.Glob(filepath.Join(p.ManPages, "*.1"))
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no manual pages (*.1) in %s", p.ManPages)
	}
	var out []string
	for _, n := range names {
		page, err := os.ReadFile(n)
		if err != nil {
			return nil, err
		}
		path := filepath.Join(tmp, filepath.Base(n)+".gz")
		if err := os.WriteFile(path, gzipBest(page), 0o644); err != nil {
			return nil, err
		}
		out = append(out, path)
	}
	return out, nil
}

// DebVersion is how nFPM writes a semantic version for dpkg: the
// pre-release after a tilde, so that it sorts before the release.
func DebVersion(v string) string {
	core, meta, _ := strings.Cut(v, "+")
	core, pre, ok := strings.Cut(core, "-")
	if ok {
		core += "~" + pre
	}
	if meta != "" {
		core += "+" + meta
	}
	return core
}

func gzipBest(b []byte) []byte {
	var out bytes.Buffer
	w, _ := gzip.NewWriterLevel(&out, gzip.BestCompression) // a valid level: no error
	w.Write(b)
	w.Close()
	return out.Bytes()
}
