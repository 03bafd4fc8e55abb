package pe_test

import (
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/inventory"
	embpe "github.com/embargo-dev/embargo/inventory/pe"
)

// TestDebianSignedEFI reads real signed UEFI binaries made by others:
// Debian's shim (signed by Microsoft, twice) and GRUB (signed by Debian),
// fetched with apt-get and unpacked with dpkg-deb. The signers and the
// digest verdicts must agree with sbverify (sbsigntool) and, for GRUB,
// osslsigncode. A failed download fails the test.
func TestDebianSignedEFI(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "root")
	for _, deb := range aptDownload(t, dir, "shim-signed", "grub-efi-amd64-signed") {
		run(t, "dpkg-deb", "-x", deb, root)
	}
	items, unknowns := walk(t, &embpe.Collector{}, os.DirFS(root), root, inventory.DefaultLimits)
	if len(unknowns) > 0 {
		t.Errorf("unknowns: %+v", unknowns)
	}
	byName := map[string]inventory.Item{}
	for _, it := range items {
		byName[filepath.Base(it.Location.Source)] = it
		if it.Ecosystem != "efi" {
			t.Errorf("%s: ecosystem %q, want efi", it.Location.Source, it.Ecosystem)
		}
	}
	shim, grub := byName["shimx64.efi.signed"], byName["grubx64.efi.signed"]
	if shim.Name == "" || grub.Name == "" {
		t.Fatalf("shimx64.efi.signed or grubx64.efi.signed not found among %v", slices.Collect(maps.Keys(byName)))
	}
	if s := shim.Get(inventory.Signer); !strings.HasPrefix(s, "CN=Microsoft Windows UEFI Driver Publisher, O=Microsoft Corporation,") {
		t.Errorf("shim signer %q, want Microsoft Windows UEFI Driver Publisher of Microsoft Corporation", s)
	}
	if s := grub.Get(inventory.Signer); !strings.HasPrefix(s, "CN=Debian Secure Boot Signer") {
		t.Errorf("grub signer %q, want Debian Secure Boot Signer", s)
	}

	for _, it := range items {
		file := filepath.Join(root, strings.TrimPrefix(it.Location.Source, root+"/"))
		f := readFile(t, file)
		var got []sbSignature
		for _, s := range f.Signatures {
			if s.Status != embpe.StatusValid {
				t.Errorf("%s: %s: %s", file, s.Status, s.Reason)
			}
			got = append(got, sbSignature{Issuer: slashDN(s.Issuer), Signer: slashDN(s.Subject)})
		}
		want := sbverifyList(t, file)
		for i := range min(len(want), len(got)) {
			// sbverify lists every certificate of a signature; ours is the
			// one the signer info names.
			if slices.Contains(want[i].certs, got[i].Signer) {
				want[i].Signer = got[i].Signer
			}
			want[i].certs = nil
		}
		if diff := cmp.Diff(want, got, cmp.AllowUnexported(sbSignature{})); diff != "" {
			t.Errorf("%s: signatures (-sbverify +ours):\n%s", file, diff)
		}
		if out := runAllowFail(t, "sbverify", "-v", file); strings.Contains(out, "fails hash check") {
			t.Errorf("%s: sbverify says the hash does not match, we say it does:\n%s", file, out)
		}
	}
	witnessOsslsigncode(t, filepath.Join(root, "usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed"), "/dev/null", readFile(t, filepath.Join(root, "usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed")).Signatures)

	// A patched shim: both verdicts turn, ours and sbverify's.
	patched := filepath.Join(dir, "shim-patched.efi")
	copyFile(t, filepath.Join(root, "usr/lib/shim/shimx64.efi.signed"), patched)
	flipCodeByte(t, patched)
	for _, s := range readFile(t, patched).Signatures {
		if s.Status != embpe.StatusMismatch {
			t.Errorf("patched shim: status %q, want %q", s.Status, embpe.StatusMismatch)
		}
	}
	if out := runAllowFail(t, "sbverify", "-v", patched); !strings.Contains(out, "fails hash check") {
		t.Errorf("sbverify did not see the patch either:\n%s", out)
	}
}

// aptDownload fetches Debian packages into dir, refreshing the package
// lists once when the first try fails, and returns the .deb files.
func aptDownload(t *testing.T, dir string, pkgs ...string) []string {
	t.Helper()
	get := func() ([]byte, error) {
		cmd := exec.Command("apt-get", append([]string{"download", "-q"}, pkgs...)...)
		cmd.Dir = dir
		return cmd.CombinedOutput()
	}
	out, err := get()
	if err != nil {
		run(t, "apt-get", "update", "-q")
		if out, err = get(); err != nil {
			t.Fatalf("apt-get download %s: %v\n%s", strings.Join(pkgs, " "), err, out)
		}
	}
	debs, err := filepath.Glob(filepath.Join(dir, "*.deb"))
	if err != nil || len(debs) != len(pkgs) {
		t.Fatalf("apt-get download left %v (%v)\n%s", debs, err, out)
	}
	return debs
}

// sbSignature is one signature as `sbverify --list` prints it.
type sbSignature struct {
	Issuer, Signer string
	certs          []string
}

var reSbLine = regexp.MustCompile(`^(signature \d+|image signature issuers:|image signature certificates:| - subject: (.*)| - (/.*))$`)

// sbverifyList parses `sbverify --list FILE`.
func sbverifyList(t *testing.T, file string) []sbSignature {
	t.Helper()
	var out []sbSignature
	for _, line := range strings.Split(run(t, "sbverify", "--list", file), "\n") {
		m := reSbLine.FindStringSubmatch(line)
		switch {
		case m == nil:
		case strings.HasPrefix(m[1], "signature "):
			out = append(out, sbSignature{})
		case len(out) == 0:
		case m[2] != "":
			out[len(out)-1].certs = append(out[len(out)-1].certs, m[2])
		case m[3] != "":
			out[len(out)-1].Issuer = m[3]
		}
	}
	if len(out) == 0 {
		t.Fatalf("sbverify --list %s listed no signature", file)
	}
	return out
}
