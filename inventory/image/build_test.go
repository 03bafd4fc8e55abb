package image

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// The tarballs of these tests are written as the tools write them, per
// the formats' specifications: `docker save` (Docker's image spec v1.2,
// "Combined Image JSON + Filesystem Changeset Format": one folder per
// layer with VERSION, json and layer.tar, the configuration as HEX.json,
// manifest.json and repositories), Docker 25's `docker save` (an OCI image
// layout plus manifest.json naming the blobs), and an OCI image layout
// (oci-layout, index.json, blobs/sha256/HEX) with gzip layers.

// member is one entry of a layer or tarball.
type member struct {
	name string
	typ  byte
	body string
	link string
	mode int64
}

func regular(name, body string) member {
	return member{name: name, typ: tar.TypeReg, body: body, mode: 0o644}
}
func folder(name string) member { return member{name: name, typ: tar.TypeDir, mode: 0o755} }
func symlink(name, to string) member {
	return member{name: name, typ: tar.TypeSymlink, link: to, mode: 0o777}
}
func hardlink(name, to string) member {
	return member{name: name, typ: tar.TypeLink, link: to, mode: 0o644}
}

var epoch = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

func tarBytes(t testing.TB, ms []member) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, m := range ms {
		hdr := &tar.Header{Name: m.name, Typeflag: m.typ, Linkname: m.link, Mode: m.mode, ModTime: epoch, Size: int64(len(m.body)), Format: tar.FormatPAX}
		if m.typ != tar.TypeReg {
			hdr.Size = 0
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(m.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gzipBytes(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func digest(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// imageConfigJSON is an image configuration whose rootfs lists the
// digests of the uncompressed layers, as the image spec requires.
func imageConfigJSON(t testing.TB, os string, layers [][]byte) []byte {
	t.Helper()
	var diffIDs []string
	for _, l := range layers {
		diffIDs = append(diffIDs, "sha256:"+digest(l))
	}
	return mustJSON(t, map[string]any{
		"architecture": "amd64",
		"os":           os,
		"config":       map[string]any{"Env": []string{"PATH=/usr/bin"}},
		"rootfs":       map[string]any{"type": "layers", "diff_ids": diffIDs},
		"history":      []map[string]any{{"created_by": "test"}},
	})
}

// dockerSave writes a classic `docker save` tarball of uncompressed layers.
func dockerSave(t testing.TB, repoTag string, layers [][]byte) []byte {
	t.Helper()
	cfg := imageConfigJSON(t, "linux", layers)
	cfgName := digest(cfg) + ".json"
	var ms []member
	var layerPaths []string
	parent := ""
	for _, l := range layers {
		// Layer folders are named by a v1 id; docker derives it from the
		// chain of layer digests.
		id := digest([]byte(parent + digest(l)))
		v1 := map[string]any{"id": id, "created": epoch.Format(time.RFC3339)}
		if parent != "" {
			v1["parent"] = parent
		}
		ms = append(ms, folder(id+"/"), regular(id+"/VERSION", "1.0"), regular(id+"/json", string(mustJSON(t, v1))), regular(id+"/layer.tar", string(l)))
		layerPaths = append(layerPaths, id+"/layer.tar")
		parent = id
	}
	ms = append(ms, regular(cfgName, string(cfg)))
	ms = append(ms, regular("manifest.json", string(mustJSON(t, []map[string]any{{"Config": cfgName, "RepoTags": []string{repoTag}, "Layers": layerPaths}}))))
	repo, tag := splitTag(repoTag)
	ms = append(ms, regular("repositories", string(mustJSON(t, map[string]map[string]string{repo: {tag: parent}}))))
	return tarBytes(t, ms)
}

func splitTag(ref string) (string, string) {
	for i := len(ref) - 1; i >= 0; i-- {
		if ref[i] == ':' {
			return ref[:i], ref[i+1:]
		}
		if ref[i] == '/' {
			break
		}
	}
	return ref, "latest"
}

// ociLayout writes an OCI image layout tarball. Layers are gzip'd when
// compress is set. With docker set, it is Docker 25's `docker save`: the
// same layout plus manifest.json and repositories. prefix puts the whole
// layout under one folder, as `tar -cf x.tar folder` does.
func ociLayout(t testing.TB, ref string, layers [][]byte, compress, docker bool, prefix string) []byte {
	t.Helper()
	var blobs []member
	addBlob := func(b []byte) string {
		d := digest(b)
		blobs = append(blobs, regular(prefix+"blobs/sha256/"+d, string(b)))
		return d
	}
	cfg := imageConfigJSON(t, "linux", layers)
	cfgDigest := addBlob(cfg)
	var descs []map[string]any
	var layerPaths []string
	for _, l := range layers {
		mt := "application/vnd.oci.image.layer.v1.tar"
		if compress {
			l = gzipBytes(t, l)
			mt += "+gzip"
		}
		d := addBlob(l)
		descs = append(descs, map[string]any{"mediaType": mt, "digest": "sha256:" + d, "size": len(l)})
		layerPaths = append(layerPaths, "blobs/sha256/"+d)
	}
	manifest := mustJSON(t, map[string]any{
		"schemaVersion": 2,
		"mediaType":     "application/vnd.oci.image.manifest.v1+json",
		"config":        map[string]any{"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "sha256:" + cfgDigest, "size": len(cfg)},
		"layers":        descs,
	})
	mDigest := addBlob(manifest)
	index := mustJSON(t, map[string]any{
		"schemaVersion": 2,
		"mediaType":     "application/vnd.oci.image.index.v1+json",
		"manifests": []map[string]any{{
			"mediaType":   "application/vnd.oci.image.manifest.v1+json",
			"digest":      "sha256:" + mDigest,
			"size":        len(manifest),
			"annotations": map[string]string{"org.opencontainers.image.ref.name": ref},
			"platform":    map[string]string{"os": "linux", "architecture": "amd64"},
		}},
	})
	ms := []member{}
	if prefix != "" {
		ms = append(ms, folder(prefix))
	}
	ms = append(ms, folder(prefix+"blobs/"), folder(prefix+"blobs/sha256/"))
	ms = append(ms, blobs...)
	ms = append(ms, regular(prefix+"index.json", string(index)))
	if docker {
		ms = append(ms, regular(prefix+"manifest.json", string(mustJSON(t, []map[string]any{{"Config": "blobs/sha256/" + cfgDigest, "RepoTags": []string{ref}, "Layers": layerPaths}}))))
	}
	ms = append(ms, regular(prefix+"oci-layout", `{"imageLayoutVersion": "1.0.0"}`))
	return tarBytes(t, ms)
}

func writeFile(t testing.TB, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func mustRead(t testing.TB, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
