package release

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// The image's user: not root, with a home that holds the data folder.
const (
	ImageUID  = 65532
	ImageHome = "/home/embargo"
)

// ImageCACerts is where the image's CA certificates are: the path Go's
// crypto/x509 reads first on Linux.
const ImageCACerts = "/etc/ssl/certs/ca-certificates.crt"

// Image is the OCI image of a release: for each Linux binary, one layer
// with the static binary, the CA certificates, the copyright notices and
// /etc/passwd naming a non-root user; no shell, no package manager.
type Image struct {
	Stamp     Stamp
	Binaries  map[string]string // Go arch → the linux binary
	CACerts   string            // a PEM bundle, such as Debian's /etc/ssl/certs/ca-certificates.crt
	Copyright []byte
}

// Tag is the name the layout gives the image (its ref.name): the version,
// with "+" made "_" as container tags allow no "+".
func (im Image) Tag() string { return strings.ReplaceAll(im.Stamp.Version, "+", "_") }

// Index builds the multi-platform image index.
func (im Image) Index() (v1.ImageIndex, error) {
	if err := im.Stamp.Validate(); err != nil {
		return nil, err
	}
	if len(im.Binaries) == 0 {
		return nil, fmt.Errorf("an image needs at least one linux binary")
	}
	certs, err := os.ReadFile(im.CACerts)
	if err != nil {
		return nil, fmt.Errorf("CA certificates: %w", err)
	}
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	for _, arch := range slices.Sorted(maps.Keys(im.Binaries)) {
		img, err := im.image(arch, im.Binaries[arch], certs)
		if err != nil {
			return nil, err
		}
		p := &v1.Platform{OS: "linux", Architecture: arch}
		if arch == "arm64" {
			p.Variant = "v8"
		}
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: p}})
	}
	return mutate.Annotations(idx, im.labels()).(v1.ImageIndex), nil
}

func (im Image) labels() map[string]string {
	return map[string]string{
		"org.opencontainers.image.title":    "embargo",
		"org.opencontainers.image.version":  im.Stamp.Version,
		"org.opencontainers.image.revision": im.Stamp.Commit,
		"org.opencontainers.image.created":  im.Stamp.Date.UTC().Format("2006-01-02T15:04:05Z"),
		"org.opencontainers.image.source":   "https://github.com/embargo-dev/embargo",
	}
}

func (im Image) image(arch, binary string, certs []byte) (v1.Image, error) {
	bin, err := os.ReadFile(binary)
	if err != nil {
		return nil, err
	}
	rootfs, err := im.rootfs(bin, certs)
	if err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(rootfs)), nil },
		tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, err
	}
	created := v1.Time{Time: im.Stamp.Date.UTC()}
	cfg := &v1.ConfigFile{
		Architecture: arch, OS: "linux", Created: created,
		Config: v1.Config{
			User:       fmt.Sprintf("%d:%d", ImageUID, ImageUID),
			Entrypoint: []string{BinPath},
			Cmd:        []string{"--help"},
			WorkingDir: ImageHome,
			Env:        []string{"PATH=/usr/bin", "HOME=" + ImageHome, "SSL_CERT_FILE=" + ImageCACerts},
			Labels:     im.labels(),
		},
		RootFS: v1.RootFS{Type: "layers"},
	}
	if arch == "arm64" {
		cfg.Variant = "v8"
	}
	img, err := mutate.ConfigFile(mutate.ConfigMediaType(mutate.MediaType(empty.Image, types.OCIManifestSchema1), types.OCIConfigJSON), cfg)
	if err != nil {
		return nil, err
	}
	return mutate.Append(img, mutate.Addendum{Layer: layer, MediaType: types.OCILayer, History: v1.History{
		Created: created, CreatedBy: "embargo release " + im.Stamp.Version, Comment: "the static binary, CA certificates and a non-root user",
	}})
}

// rootfs is the layer's tar: entries in a fixed order, every time the
// stamp's date, owners by number.
func (im Image) rootfs(bin, certs []byte) ([]byte, error) {
	home := ImageHome[1:]
	passwd := fmt.Sprintf("root:x:0:0:root:/root:/usr/sbin/nologin\nembargo:x:%d:%d:embargo:%s:/usr/sbin/nologin\n", ImageUID, ImageUID, ImageHome)
	group := fmt.Sprintf("root:x:0:\nembargo:x:%d:\n", ImageUID)
	entries := []tarEntry{
		{name: "etc/", mode: 0o755},
		{name: "etc/group", mode: 0o644, data: []byte(group)},
		{name: "etc/nsswitch.conf", mode: 0o644, data: []byte("hosts: files dns\n")},
		{name: "etc/passwd", mode: 0o644, data: []byte(passwd)},
		{name: "etc/ssl/", mode: 0o755},
		{name: "etc/ssl/certs/", mode: 0o755},
		{name: ImageCACerts[1:], mode: 0o644, data: certs},
		{name: "home/", mode: 0o755},
		{name: home + "/", mode: 0o700, uid: ImageUID},
		{name: home + "/data/", mode: 0o700, uid: ImageUID},
		{name: "tmp/", mode: 0o1777},
		{name: "usr/", mode: 0o755},
		{name: "usr/bin/", mode: 0o755},
		{name: BinPath[1:], mode: 0o755, data: bin},
		{name: "usr/share/", mode: 0o755},
		{name: "usr/share/doc/", mode: 0o755},
		{name: DocDir[1:] + "/", mode: 0o755},
		{name: DocDir[1:] + "/copyright", mode: 0o644, data: im.Copyright},
	}
	var b bytes.Buffer
	if err := writeTar(&b, entries, im.Stamp); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// tarEntry is one file or directory (name ending in "/") of a tar written
// by writeTar.
type tarEntry struct {
	name string
	mode int64
	uid  int
	data []byte
}

func writeTar(w io.Writer, entries []tarEntry, s Stamp) error {
	tw := tar.NewWriter(w)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: e.mode, Uid: e.uid, Gid: e.uid, ModTime: s.Date.UTC(), Format: tar.FormatPAX}
		if strings.HasSuffix(e.name, "/") {
			h.Typeflag = tar.TypeDir
		} else {
			h.Typeflag, h.Size = tar.TypeReg, int64(len(e.data))
		}
		if err := tw.WriteHeader(h); err != nil {
			return fmt.Errorf("%s: %w", e.name, err)
		}
		if _, err := tw.Write(e.data); err != nil {
			return fmt.Errorf("%s: %w", e.name, err)
		}
	}
	return tw.Close()
}
