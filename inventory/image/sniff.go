package image

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"strings"
)

// Sniff reports whether the file at name looks like an image tarball:
// one of its first few members is manifest.json, oci-layout, index.json,
// repositories, a blobs/ folder, or a member named by a hex digest (a
// classic `docker save` layer folder, or skopeo's layer files). It reads a
// few headers only, skipping member data by seeking.
func Sniff(name string) bool {
	f, err := os.Open(name)
	if err != nil {
		return false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return false
	}
	return sniff(f, fi.Size())
}

func sniff(ra io.ReaderAt, size int64) bool {
	var r io.Reader = io.NewSectionReader(ra, 0, size)
	var magic [2]byte
	if _, err := ra.ReadAt(magic[:], 0); err == nil && magic == [2]byte{0x1f, 0x8b} {
		zr, err := gzip.NewReader(io.NewSectionReader(ra, 0, size))
		if err != nil {
			return false
		}
		r = io.LimitReader(zr, 4<<20) // the first members only
	}
	tr := tar.NewReader(r)
	for i := 0; i < 4; i++ {
		hdr, err := tr.Next()
		if err != nil {
			return false
		}
		if imageMember(hdr.Name) {
			return true
		}
	}
	return false
}

// imageMember reports whether a member name belongs to an image tarball,
// possibly under one top folder (a layout tarred with its folder).
func imageMember(name string) bool {
	parts := strings.Split(cleanArchiveName(name), "/")
	for i, p := range parts {
		if i > 1 {
			break
		}
		switch {
		case p == "manifest.json", p == "oci-layout", p == "index.json", p == "repositories", p == "blobs":
			return true
		case isHex64(strings.TrimSuffix(strings.TrimSuffix(p, ".tar"), ".json")):
			return true
		}
	}
	return false
}

func isHex64(s string) bool {
	if len(s) != 64 {
		return false
	}
	return bytes.IndexFunc([]byte(s), func(r rune) bool { return !('0' <= r && r <= '9' || 'a' <= r && r <= 'f') }) < 0
}
