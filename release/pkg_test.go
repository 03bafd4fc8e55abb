package release

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var hostPkgs struct {
	once sync.Once
	pkgs map[string]string // format → path
	err  error
}

// testPackage is the package of hostBinary as a release makes it: with
// the copyright files and the binary's own manual pages.
func testPackage(t *testing.T) Package {
	t.Helper()
	p, cleanup, err := makeTestPackage(t.Context(), hostBinary(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cleanup)
	return p
}

func makeTestPackage(ctx context.Context, bin string) (Package, func(), error) {
	p := Package{Root: root, Binary: bin, Arch: hostTarget.Arch, Stamp: testStamp,
		Maintainer: "Embargo tests <tests@example.org>"}
	none := func() {}
	var err error
	if p.Copyright, err = Notices(ctx, root, bin); err != nil {
		return p, none, err
	}
	if p.DebCopyright, err = DebianCopyright(ctx, root, bin); err != nil {
		return p, none, err
	}
	man, cleanup, err := manPages(ctx, map[string]string{hostTarget.Arch: bin}, testStamp)
	if err != nil {
		return p, none, err
	}
	if man == "" {
		return p, none, errors.New("the binary has no 'embargo man' command: the packages would ship no manual pages")
	}
	p.ManPages = man
	return p, cleanup, nil
}

// hostPackage is the package of hostBinary in format, made once.
func hostPackage(t *testing.T, format string) string {
	t.Helper()
	bin := hostBinary(t)
	hostPkgs.once.Do(func() {
		p, cleanup, err := makeTestPackage(t.Context(), bin)
		defer cleanup()
		if hostPkgs.err = err; err != nil {
			return
		}
		dir := filepath.Join(scratch, "pkgs")
		hostPkgs.pkgs = map[string]string{}
		if hostPkgs.err = os.MkdirAll(dir, 0o755); hostPkgs.err != nil {
			return
		}
		for _, f := range Formats {
			if hostPkgs.pkgs[f], hostPkgs.err = p.Write(f, dir); hostPkgs.err != nil {
				return
			}
		}
	})
	if hostPkgs.err != nil {
		t.Fatal(hostPkgs.err)
	}
	return hostPkgs.pkgs[format]
}

func deployFile(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "deploy", rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The .deb as Go's ar, tar and gzip readers see it: its members, control
// fields, maintainer scripts, and every file with its mode and owner.
func TestDebContents(t *testing.T) {
	path := hostPackage(t, Deb)
	if want := "embargo_" + DebVersion(testStamp.Version) + "_" + hostTarget.Arch + ".deb"; filepath.Base(path) != want {
		t.Errorf("named %s, want %s", filepath.Base(path), want)
	}
	d := readDeb(t, path)
	if diff := cmp.Diff([]string{"debian-binary", "control.tar.gz", "data.tar.gz"}, d.Members); diff != "" {
		t.Errorf("ar members (-want +got):\n%s", diff)
	}
	for k, want := range map[string]string{
		"Package": "embargo", "Version": DebVersion(testStamp.Version), "Architecture": hostTarget.Arch,
		"Depends": "adduser", "Section": "admin", "Priority": "optional",
		"Maintainer": "Embargo tests <tests@example.org>", "Homepage": "https://github.com/embargo-dev/embargo",
	} {
		if d.Control[k] != want {
			t.Errorf("control %s: %q, want %q", k, d.Control[k], want)
		}
	}
	if got := string(d.Meta["conffiles"].Body); got != ConfigPath+"\n" {
		t.Errorf("conffiles %q, want only %s", got, ConfigPath)
	}
	for script, src := range map[string]string{"postinst": "package/deb/postinst", "prerm": "package/deb/prerm", "postrm": "package/deb/postrm"} {
		m := d.Meta[script]
		if m.Mode != 0o755 || !bytes.Equal(m.Body, deployFile(t, src)) {
			t.Errorf("%s: mode %04o, %d bytes; want 0755 and deploy/%s", script, m.Mode, len(m.Body), src)
		}
	}

	var listing []string
	for _, l := range d.listing() {
		if !strings.Contains(l, " /usr/share/man/") {
			listing = append(listing, l)
		}
	}
	want := []string{
		"0755 root/root /etc/", "0755 root/root /etc/embargo/", "0644 root/root /etc/embargo/embargo.yaml",
		"0755 root/root /usr/", "0755 root/root /usr/bin/", "0755 root/root /usr/bin/embargo",
		"0755 root/root /usr/lib/", "0755 root/root /usr/lib/systemd/", "0755 root/root /usr/lib/systemd/system/",
		"0644 root/root /usr/lib/systemd/system/embargo-agent.service", "0644 root/root /usr/lib/systemd/system/embargo-server.service",
		"0755 root/root /usr/share/", "0755 root/root /usr/share/doc/", "0755 root/root /usr/share/doc/embargo/",
		"0644 root/root /usr/share/doc/embargo/changelog.gz", "0644 root/root /usr/share/doc/embargo/copyright",
		"0755 root/root /usr/share/doc/embargo/examples/", "0644 root/root /usr/share/doc/embargo/examples/embargo-server-pdf.conf",
		"0755 root/root /usr/share/lintian/", "0755 root/root /usr/share/lintian/overrides/", "0644 root/root /usr/share/lintian/overrides/embargo",
	}
	if diff := cmp.Diff(want, listing); diff != "" {
		t.Errorf("data.tar.gz (-want +got):\n%s", diff)
	}
	if page, ok := d.file("/usr/share/man/man1/embargo.1.gz"); !ok || page.Mode != 0o644 || !bytes.Contains(gunzip(t, page.Body), []byte(".TH")) {
		t.Errorf("no roff page /usr/share/man/man1/embargo.1.gz (mode %04o)", page.Mode)
	}

	same := map[string][]byte{
		"/usr/lib/systemd/system/embargo-server.service":          deployFile(t, "systemd/embargo-server.service"),
		"/usr/lib/systemd/system/embargo-agent.service":           deployFile(t, "systemd/embargo-agent.service"),
		"/etc/embargo/embargo.yaml":                               deployFile(t, "etc/embargo.yaml"),
		"/usr/share/doc/embargo/examples/embargo-server-pdf.conf": deployFile(t, "systemd/embargo-server-pdf.conf"),
		"/usr/share/lintian/overrides/embargo":                    deployFile(t, "package/deb/lintian-overrides"),
	}
	bin, err := os.ReadFile(hostBinary(t))
	if err != nil {
		t.Fatal(err)
	}
	same[BinPath] = bin
	for name, want := range same {
		if f, ok := d.file(name); !ok || !bytes.Equal(f.Body, want) {
			t.Errorf("%s differs from its source", name)
		}
	}
	copyright, _ := d.file(DocDir + "/copyright")
	for _, s := range []string{"IP data: RouteViews", "CC BY 4.0", "/usr/share/common-licenses/Apache-2.0", "github.com/spf13/cobra"} {
		if !bytes.Contains(copyright.Body, []byte(s)) {
			t.Errorf("the copyright file does not say %q", s)
		}
	}
	if bytes.Contains(copyright.Body, []byte("TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION")) {
		t.Error("the copyright file holds the Apache licence's full text, which Debian has in /usr/share/common-licenses")
	}
	changelog, _ := d.file(DocDir + "/changelog.gz")
	text := string(gunzip(t, changelog.Body))
	if !strings.HasPrefix(text, "embargo ("+DebVersion(testStamp.Version)+") ") || !strings.Contains(text, testStamp.Commit) {
		t.Errorf("changelog.gz:\n%s", text)
	}
}

// lintian, Debian's own checker, finds no error and no warning (its
// overrides are in the package, each with its reason).
func TestDebLintian(t *testing.T) {
	lintian := need(t, "lintian", "lintian")
	path := hostPackage(t, Deb)
	out, err := runCombined(lintian, "--fail-on", "error,warning", "--display-info", path)
	if err != nil {
		t.Fatalf("lintian %s: %v\n%s", filepath.Base(path), err, out)
	}
	t.Logf("lintian:\n%s", out)
}

// The .rpm as rpm itself reads it: its header, files with modes and
// owners, configuration files and scriptlets.
func TestRPMContents(t *testing.T) {
	rpm := need(t, "rpm", "rpm")
	path := hostPackage(t, RPM)
	arch := map[string]string{"amd64": "x86_64", "arm64": "aarch64"}[hostTarget.Arch]
	if want := "embargo-" + DebVersion(testStamp.Version) + "-1." + arch + ".rpm"; filepath.Base(path) != want {
		t.Errorf("named %s, want %s", filepath.Base(path), want)
	}
	head := runOut(t, rpm, "-qp", "--queryformat", "%{NAME} %{VERSION} %{RELEASE} %{ARCH} %{BUILDHOST} %{BUILDTIME}", path)
	if want := "embargo " + DebVersion(testStamp.Version) + " 1 " + arch + " embargo-release " + "1767323045"; head != want {
		t.Errorf("rpm header %q, want %q", head, want)
	}
	var files []string
	for _, line := range strings.Split(strings.TrimSpace(runOut(t, rpm, "-qp", "--dump", path)), "\n") {
		f := strings.Fields(line) // path size mtime digest mode owner group isconfig isdoc rdev symlink
		if len(f) < 8 || strings.HasPrefix(f[0], "/usr/share/man/") {
			continue
		}
		files = append(files, f[0]+" "+f[4]+" "+f[5]+":"+f[6]+" config="+f[7]+" mtime="+f[2])
	}
	m := " mtime=1767323045"
	want := []string{
		"/etc/embargo/embargo.yaml 0100644 root:root config=1" + m,
		"/usr/bin/embargo 0100755 root:root config=0" + m,
		"/usr/lib/systemd/system/embargo-agent.service 0100644 root:root config=0" + m,
		"/usr/lib/systemd/system/embargo-server.service 0100644 root:root config=0" + m,
		"/usr/share/doc/embargo/copyright 0100644 root:root config=0" + m,
		"/usr/share/doc/embargo/examples/embargo-server-pdf.conf 0100644 root:root config=0" + m,
		"/var/lib/embargo 040750 embargo:embargo config=0" + m,
	}
	if diff := cmp.Diff(want, files); diff != "" {
		t.Errorf("rpm --dump (-want +got):\n%s", diff)
	}
	scripts := runOut(t, rpm, "-qp", "--scripts", path)
	for _, s := range []string{"preinstall scriptlet", "useradd --system", "preuninstall scriptlet", "disable --now", "postuninstall scriptlet"} {
		if !strings.Contains(scripts, s) {
			t.Errorf("the scriptlets lack %q:\n%s", s, scripts)
		}
	}
}

// The same inputs make the same packages, byte for byte.
func TestPackagesReproducible(t *testing.T) {
	p := testPackage(t)
	for _, f := range Formats {
		again, err := p.Write(f, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		if a, b := sha(t, hostPackage(t, f)), sha(t, again); a != b {
			t.Errorf("two %s packages of one stamp differ: %s, %s", f, a, b)
		}
	}
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
