package image

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// Image is one image of a tarball: its configuration and its layers, in
// the order they are applied.
type Image struct {
	Ref      string // repository tag or reference name, "" when untagged
	Digest   string // manifest digest (OCI), or configuration digest
	OS       string // from the configuration: "linux", "windows"
	Platform string // os/architecture[/variant]
	Layers   []string
	config   string
}

// Label names the image for output: its reference, else its digest.
func (im Image) Label() string {
	if im.Ref != "" {
		return im.Ref
	}
	return im.Digest
}

// dockerManifest is one element of `docker save`'s manifest.json.
type dockerManifest struct {
	Config   string
	RepoTags []string
	Layers   []string
}

// descriptor is an OCI content descriptor.
type descriptor struct {
	MediaType   string            `json:"mediaType"`
	Digest      string            `json:"digest"`
	Size        int64             `json:"size"`
	Annotations map[string]string `json:"annotations"`
	Platform    *struct {
		OS           string `json:"os"`
		Architecture string `json:"architecture"`
		Variant      string `json:"variant"`
	} `json:"platform"`
}

// ociDocument is an OCI image index or image manifest (or Docker's
// equivalents, which have the same fields).
type ociDocument struct {
	MediaType string       `json:"mediaType"`
	Manifests []descriptor `json:"manifests"`
	Config    *descriptor  `json:"config"`
	Layers    []descriptor `json:"layers"`
}

type imageConfig struct {
	OS           string `json:"os"`
	Architecture string `json:"architecture"`
	Variant      string `json:"variant"`
}

// readManifests finds the images: manifest.json when present (every
// `docker save`, including Docker 25's, which also has an OCI index),
// else the OCI layout's index.json.
func (a *Archive) readManifests() error {
	prefix := a.layoutPrefix()
	var err error
	switch {
	case a.entries[prefix+"manifest.json"] != nil:
		a.format = "docker save"
		if a.entries[prefix+"oci-layout"] != nil {
			a.format = "docker save (OCI layout)"
		}
		err = a.readDockerManifest(prefix)
		if err == nil && len(a.images) == 0 && a.entries[prefix+"index.json"] != nil {
			a.format = "OCI image layout"
			err = a.readIndex(prefix)
		}
	case a.entries[prefix+"index.json"] != nil:
		a.format = "OCI image layout"
		err = a.readIndex(prefix)
	default:
		return &inventory.InputError{Source: a.name, Offset: -1, Err: fmt.Errorf("not an image tarball: no manifest.json or index.json")}
	}
	if err != nil {
		return err
	}
	if len(a.images) == 0 {
		return &inventory.InputError{Source: a.name, Offset: -1, Err: fmt.Errorf("%s lists no image", a.format)}
	}
	for i := range a.images {
		a.readConfig(&a.images[i])
	}
	return nil
}

// layoutPrefix is "" for a tarball with the layout at its root, or
// "folder/" when the layout was tarred with its one top folder.
func (a *Archive) layoutPrefix() string {
	if a.entries["manifest.json"] != nil || a.entries["index.json"] != nil {
		return ""
	}
	top := ""
	for name := range a.entries {
		first, _, _ := strings.Cut(name, "/")
		if top != "" && first != top {
			return ""
		}
		top = first
	}
	if top == "" {
		return ""
	}
	return top + "/"
}

func (a *Archive) readDockerManifest(prefix string) error {
	b, clean, err := a.readSmall(prefix + "manifest.json")
	if err != nil {
		return err
	}
	var ms []dockerManifest
	if err := json.Unmarshal(b, &ms); err != nil {
		return inventory.JSONError(a.name+":"+clean, b, err)
	}
	for _, m := range ms {
		if len(a.images) >= a.lim.MaxImages {
			return fmt.Errorf("%s: %w: more than %d images", a.name, inventory.ErrTooLarge, a.lim.MaxImages)
		}
		im := Image{config: prefix + m.Config, Digest: configDigest(m.Config)}
		if len(m.RepoTags) > 0 {
			im.Ref = m.RepoTags[0]
		}
		for _, l := range m.Layers {
			im.Layers = append(im.Layers, prefix+l)
		}
		a.images = append(a.images, im)
	}
	return nil
}

// configDigest turns "blobs/sha256/HEX" or "HEX.json" into "sha256:HEX".
func configDigest(p string) string {
	base := strings.TrimSuffix(p[strings.LastIndex(p, "/")+1:], ".json")
	if isHex64(base) {
		return "sha256:" + base
	}
	return p
}

func (a *Archive) readIndex(prefix string) error {
	b, clean, err := a.readSmall(prefix + "index.json")
	if err != nil {
		return err
	}
	return a.readIndexDoc(prefix, clean, b, "", 0)
}

// readIndexDoc adds the images an index lists, following nested indexes
// (multi-platform images) to a small depth.
func (a *Archive) readIndexDoc(prefix, name string, b []byte, ref string, depth int) error {
	var idx ociDocument
	if err := json.Unmarshal(b, &idx); err != nil {
		return inventory.JSONError(a.name+":"+name, b, err)
	}
	if depth > 4 {
		return fmt.Errorf("%s:%s: image indexes nested too deep", a.name, name)
	}
	for _, d := range idx.Manifests {
		if d.Annotations["vnd.docker.reference.type"] != "" {
			continue // a build attestation, not an image
		}
		r := ref
		if n := d.Annotations["org.opencontainers.image.ref.name"]; n != "" {
			r = n
		} else if n := d.Annotations["io.containerd.image.name"]; n != "" {
			r = n
		}
		body, blob, err := a.blob(prefix, d)
		if err != nil {
			return err
		}
		var doc ociDocument
		if err := json.Unmarshal(body, &doc); err != nil {
			return inventory.JSONError(a.name+":"+blob, body, err)
		}
		switch {
		case doc.Manifests != nil || strings.Contains(d.MediaType, "index") || strings.Contains(d.MediaType, "manifest.list"):
			if err := a.readIndexDoc(prefix, blob, body, r, depth+1); err != nil {
				return err
			}
		case doc.Config != nil:
			if len(a.images) >= a.lim.MaxImages {
				return fmt.Errorf("%s: %w: more than %d images", a.name, inventory.ErrTooLarge, a.lim.MaxImages)
			}
			if !strings.Contains(doc.Config.MediaType, "image.config") && !strings.Contains(doc.Config.MediaType, "container.image") && doc.Config.MediaType != "" {
				continue // an artifact (signature, SBOM), not a runnable image
			}
			cfgPath, err := blobPath(prefix, doc.Config.Digest)
			if err != nil {
				return fmt.Errorf("%s:%s: config: %w", a.name, blob, err)
			}
			im := Image{Ref: r, Digest: d.Digest, config: cfgPath}
			if d.Platform != nil {
				im.Platform = platform(d.Platform.OS, d.Platform.Architecture, d.Platform.Variant)
			}
			for _, l := range doc.Layers {
				p, err := blobPath(prefix, l.Digest)
				if err != nil {
					return fmt.Errorf("%s:%s: layer: %w", a.name, blob, err)
				}
				im.Layers = append(im.Layers, p)
			}
			a.images = append(a.images, im)
		}
	}
	return nil
}

// blob reads a metadata blob and checks its digest.
func (a *Archive) blob(prefix string, d descriptor) ([]byte, string, error) {
	p, err := blobPath(prefix, d.Digest)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", a.name, err)
	}
	b, clean, err := a.readSmall(p)
	if err != nil {
		return nil, "", err
	}
	alg, want, _ := strings.Cut(d.Digest, ":")
	var got string
	switch alg {
	case "sha256":
		s := sha256.Sum256(b)
		got = hex.EncodeToString(s[:])
	case "sha512":
		s := sha512.Sum512(b)
		got = hex.EncodeToString(s[:])
	}
	if got != want {
		return nil, "", fmt.Errorf("%s:%s: content does not match its digest %s", a.name, clean, d.Digest)
	}
	return b, clean, nil
}

// blobPath turns a digest into blobs/ALG/HEX, refusing anything that
// could name another path.
func blobPath(prefix, digest string) (string, error) {
	alg, hexPart, ok := strings.Cut(digest, ":")
	if !ok || (alg != "sha256" || len(hexPart) != 64) && (alg != "sha512" || len(hexPart) != 128) {
		return "", fmt.Errorf("unsupported digest %q", inventory.Clip(digest))
	}
	for _, c := range hexPart {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return "", fmt.Errorf("malformed digest %q", inventory.Clip(digest))
		}
	}
	return prefix + "blobs/" + alg + "/" + hexPart, nil
}

// readConfig fills in the platform from the image configuration; an
// unreadable configuration leaves them empty (the layers still apply).
func (a *Archive) readConfig(im *Image) {
	b, _, err := a.readSmall(im.config)
	if err != nil {
		return
	}
	var c imageConfig
	if json.Unmarshal(b, &c) != nil {
		return
	}
	im.OS = c.OS
	if im.Platform == "" {
		im.Platform = platform(c.OS, c.Architecture, c.Variant)
	}
}

func platform(os, arch, variant string) string {
	if os == "" && arch == "" {
		return ""
	}
	p := os + "/" + arch
	if variant != "" {
		p += "/" + variant
	}
	return p
}
