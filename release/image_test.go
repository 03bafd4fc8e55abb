package release

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/validate"

	"github.com/embargo-dev/embargo/internal/testtool"
)

// caBundle is Debian's CA bundle (package ca-certificates), which the
// image carries.
const caBundle = "/etc/ssl/certs/ca-certificates.crt"

// The OCI layout tarball reads back with go-containerregistry's layout
// package and passes its validation (every digest and size checked); it
// is the same bytes when made again; skopeo, another implementation,
// reads it by its tag; and the binary in its root file system runs, as
// the image's non-root user, in a chroot holding nothing else.
func TestImage(t *testing.T) {
	certs := testtool.File(t, caBundle, "ca-certificates")
	bin := hostBinary(t)
	im := Image{Stamp: testStamp, Binaries: map[string]string{hostTarget.Arch: bin}, CACerts: certs, Copyright: []byte("notices\n")}
	var first, second bytes.Buffer
	if err := im.WriteLayout(&first); err != nil {
		t.Fatal(err)
	}
	if err := im.WriteLayout(&second); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first.Bytes(), second.Bytes()) {
		t.Fatal("two layouts of one stamp differ")
	}
	dir := t.TempDir()
	tarball := filepath.Join(dir, "embargo-oci.tar")
	if err := os.WriteFile(tarball, first.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	laydir := filepath.Join(dir, "layout")
	untar(t, bytes.NewReader(first.Bytes()), laydir)

	p, err := layout.FromPath(laydir)
	if err != nil {
		t.Fatal(err)
	}
	top, err := p.ImageIndex()
	if err != nil {
		t.Fatal(err)
	}
	topm, err := top.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if len(topm.Manifests) != 1 || topm.Manifests[0].Annotations[refName] != im.Tag() {
		t.Fatalf("index.json %+v: want one index named %q", topm.Manifests, im.Tag())
	}
	idx, err := top.ImageIndex(topm.Manifests[0].Digest)
	if err != nil {
		t.Fatal(err)
	}
	if err := validate.Index(idx); err != nil {
		t.Fatalf("validate.Index: %v", err)
	}
	m, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Manifests) != 1 || m.Manifests[0].Platform == nil || m.Manifests[0].Platform.Architecture != hostTarget.Arch || m.Manifests[0].Platform.OS != "linux" {
		t.Fatalf("platforms %+v, want linux/%s", m.Manifests, hostTarget.Arch)
	}
	img, err := idx.Image(m.Manifests[0].Digest)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Config.User != "65532:65532" || !cmp.Equal(cfg.Config.Entrypoint, []string{BinPath}) || !cfg.Created.Time.Equal(testStamp.Date) ||
		cfg.Config.Labels["org.opencontainers.image.version"] != testStamp.Version {
		t.Errorf("config: user %q, entrypoint %q, created %v, labels %v", cfg.Config.User, cfg.Config.Entrypoint, cfg.Created, cfg.Config.Labels)
	}

	rootfs := filepath.Join(dir, "rootfs")
	rc := mutate.Extract(img)
	untar(t, rc, rootfs)
	rc.Close()
	passwd, _ := os.ReadFile(filepath.Join(rootfs, "etc", "passwd"))
	if !strings.Contains(string(passwd), "embargo:x:65532:65532:") {
		t.Errorf("/etc/passwd:\n%s", passwd)
	}
	if certs, err := os.ReadFile(filepath.Join(rootfs, ImageCACerts)); err != nil || !bytes.Contains(certs, []byte("BEGIN CERTIFICATE")) {
		t.Errorf("CA certificates: %v", err)
	}
	// `embargo version`, as the image runs it: its user, its root, its
	// environment, nothing else there.
	cmd := exec.Command(filepath.Join(rootfs, BinPath), "version")
	if os.Geteuid() == 0 {
		cmd = exec.Command(need(t, "chroot", "coreutils"), "--userspec=65532:65532", rootfs, BinPath, "version")
	}
	cmd.Env = cfg.Config.Env
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), testStamp.Version) || !strings.Contains(string(out), testStamp.Commit) {
		t.Errorf("embargo version in the image: %v\n%s\nwant the stamped version and commit", err, out)
	}

	skopeo := need(t, "skopeo", "skopeo")
	insp := runOut(t, skopeo, "inspect", "--format", "{{.Architecture}} {{.Os}} {{index .Labels \"org.opencontainers.image.revision\"}}",
		"oci-archive:"+tarball+":"+im.Tag())
	if want := hostTarget.Arch + " linux " + testStamp.Commit; strings.TrimSpace(insp) != want {
		t.Errorf("skopeo inspect: %q, want %q", insp, want)
	}
}

// untar writes a tar's directories and regular files under dir, refusing
// names that leave it.
func untar(t *testing.T, r io.Reader, dir string) {
	t.Helper()
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Join(dir, filepath.FromSlash(h.Name))
		if !strings.HasPrefix(name, filepath.Clean(dir)+string(filepath.Separator)) && name != filepath.Clean(dir) {
			t.Fatalf("tar entry %q leaves %s", h.Name, dir)
		}
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(name, 0o755); err != nil {
				t.Fatal(err)
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
				t.Fatal(err)
			}
			f, err := os.OpenFile(name, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, os.FileMode(h.Mode)&0o777)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := io.Copy(f, tr); err != nil {
				t.Fatal(err)
			}
			f.Close()
		default:
			t.Fatalf("tar entry %q of type %c", h.Name, h.Typeflag)
		}
	}
}
