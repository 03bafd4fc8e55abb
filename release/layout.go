package release

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// refName is the annotation that names an image in an OCI layout's
// index.json (the image-layout specification's tag).
const refName = "org.opencontainers.image.ref.name"

// WriteLayout writes the image as an OCI image layout in a tar archive:
// oci-layout, index.json naming the multi-platform index by the image's
// Tag, and every blob under blobs/sha256/, in name order, each with the
// stamp's time. `skopeo copy oci-archive:FILE:TAG ...`, `podman load` and
// go-containerregistry's layout package read it.
func (im Image) WriteLayout(w io.Writer) error {
	idx, err := im.Index()
	if err != nil {
		return err
	}
	blobs := map[string][]byte{}
	add := func(h v1.Hash, b []byte) { blobs["blobs/"+h.Algorithm+"/"+h.Hex] = b }
	raw, err := idx.RawManifest()
	if err != nil {
		return err
	}
	idxDigest, err := idx.Digest()
	if err != nil {
		return err
	}
	add(idxDigest, raw)
	manifest, err := idx.IndexManifest()
	if err != nil {
		return err
	}
	for _, desc := range manifest.Manifests {
		img, err := idx.Image(desc.Digest)
		if err != nil {
			return err
		}
		if err := addImage(img, add); err != nil {
			return fmt.Errorf("image for %s: %w", desc.Platform, err)
		}
	}
	top, err := json.Marshal(v1.IndexManifest{SchemaVersion: 2, MediaType: types.OCIImageIndex, Manifests: []v1.Descriptor{{
		MediaType: types.OCIImageIndex, Digest: idxDigest, Size: int64(len(raw)),
		Annotations: map[string]string{refName: im.Tag()},
	}}})
	if err != nil {
		return err
	}
	entries := []tarEntry{{name: "blobs/", mode: 0o755}, {name: "blobs/sha256/", mode: 0o755}}
	for _, name := range slices.Sorted(maps.Keys(blobs)) {
		entries = append(entries, tarEntry{name: name, mode: 0o644, data: blobs[name]})
	}
	entries = append(entries,
		tarEntry{name: "index.json", mode: 0o644, data: top},
		tarEntry{name: "oci-layout", mode: 0o644, data: []byte(`{"imageLayoutVersion":"1.0.0"}`)})
	return writeTar(w, entries, im.Stamp)
}

func addImage(img v1.Image, add func(v1.Hash, []byte)) error {
	raw, err := img.RawManifest()
	if err != nil {
		return err
	}
	d, err := img.Digest()
	if err != nil {
		return err
	}
	add(d, raw)
	cfg, err := img.RawConfigFile()
	if err != nil {
		return err
	}
	cd, err := img.ConfigName()
	if err != nil {
		return err
	}
	add(cd, cfg)
	layers, err := img.Layers()
	if err != nil {
		return err
	}
	for _, l := range layers {
		rc, err := l.Compressed()
		if err != nil {
			return err
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return err
		}
		ld, err := l.Digest()
		if err != nil {
			return err
		}
		add(ld, b)
	}
	return nil
}
