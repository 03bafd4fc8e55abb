// Package image reads container image tarballs — `docker save` output
// (the classic layout and Docker 25's OCI layout inside it) and OCI image
// layout tarballs — and applies each image's layers, with whiteouts, into
// a read-only fs.FS that the host collectors walk like a mounted disk.
//
// Memory is bounded by the number of files, not their size: the tree of
// names, modes and sizes is built in memory, and a file's content is
// found again where it lies. In an uncompressed layer (what `docker save`
// and skopeo write) that is a byte range of the tarball itself, read on
// demand. In a compressed layer (OCI layouts usually hold gzip layers) the
// files that some collector wants are read into memory as the layer is
// applied, within a budget; any other file of that layer that a collector
// reads after all (a locale file beside a manifest, say), or a wanted
// file beyond the budget, makes the layer be decompressed once into a
// temporary file, removed by Close. A 1 GB image therefore needs tens of
// megabytes for its tree and at most the budget for contents; extracting
// every image to disk would have cost a full write of every layer for
// each scan, where this writes nothing in the common case.
package image

import (
	"archive/tar"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"sync"

	"github.com/embargo-dev/embargo/inventory"
)

// Limits bound what an image tarball may make the reader do.
type Limits struct {
	MaxArchiveEntries int   // entries of the outer tarball
	MaxImages         int   // images in one tarball
	MaxLayers         int   // layers of one image
	MaxEntries        int   // entries over all layers of one image
	MaxUnpacked       int64 // decompressed bytes: of a gzip'd tarball, and of one image's layers
	MaxMetadata       int64 // one manifest, index or configuration document
	MaxPath           int   // one entry's name or link target
	MaxKeep           int64 // contents of wanted files held in memory, together
	MaxKeepFile       int64 // one wanted file held in memory
}

// DefaultLimits admit the largest real images (Windows base images of
// tens of gigabytes and a few hundred thousand files) with a margin.
var DefaultLimits = Limits{
	MaxArchiveEntries: 1_000_000,
	MaxImages:         256,
	MaxLayers:         1000,
	MaxEntries:        4_000_000,
	MaxUnpacked:       128 << 30,
	MaxMetadata:       16 << 20,
	MaxPath:           4096,
	MaxKeep:           256 << 20,
	MaxKeepFile:       64 << 20,
}

// entry is one member of the outer tarball.
type entry struct {
	typ  byte
	link string
	off  int64 // of the data in the (decompressed) tarball
	size int64
}

// Archive is an opened image tarball. It is safe for concurrent use once
// open; Close releases the file and any temporary files.
type Archive struct {
	name    string
	r       io.ReaderAt // the tarball, or its decompressed copy
	size    int64
	closer  io.Closer // of r, when Archive opened it
	tmp     string    // temporary folder, "" until needed
	gzipped bool
	entries map[string]*entry
	lim     Limits
	format  string
	images  []Image

	mu     sync.Mutex
	spills map[string]*spill
}

// Open reads the index of an image tarball and the manifests of its
// images. Layers are read by Unpack.
func Open(name string, lim Limits) (*Archive, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	return openArchive(&Archive{name: name, r: f, size: fi.Size(), closer: f, lim: lim})
}

// OpenReader is Open of a tarball already in hand (size bytes of r),
// named name in messages. Close does not close r.
func OpenReader(name string, r io.ReaderAt, size int64, lim Limits) (*Archive, error) {
	return openArchive(&Archive{name: name, r: r, size: size, lim: lim})
}

func openArchive(a *Archive) (*Archive, error) {
	a.spills = map[string]*spill{}
	if err := a.open(); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

func (a *Archive) open() error {
	var magic [2]byte
	if _, err := a.r.ReadAt(magic[:], 0); err == nil && magic == [2]byte{0x1f, 0x8b} {
		// A gzip'd tarball (`docker save | gzip`) has no random access:
		// decompress it once into a temporary file.
		zr, err := gzip.NewReader(io.NewSectionReader(a.r, 0, a.size))
		if err != nil {
			return &inventory.InputError{Source: a.name, Offset: 0, Err: err}
		}
		tf, err := a.tempFile("archive-*.tar")
		if err != nil {
			return err
		}
		n, err := io.Copy(tf, inventory.LimitReader(zr, a.lim.MaxUnpacked))
		if err != nil {
			tf.Close()
			return &inventory.InputError{Source: a.name, Offset: -1, Err: fmt.Errorf("decompressing at byte %d: %w", n, err)}
		}
		if a.closer != nil {
			a.closer.Close()
		}
		a.r, a.closer, a.gzipped = tf, tf, true
		if a.size, err = tf.Seek(0, io.SeekEnd); err != nil {
			return err
		}
	}
	if err := a.index(); err != nil {
		return err
	}
	return a.readManifests()
}

// index lists the members of the outer tarball and where their data is.
func (a *Archive) index() error {
	sr := io.NewSectionReader(a.r, 0, a.size)
	tr := tar.NewReader(sr)
	a.entries = map[string]*entry{}
	for {
		pos, _ := sr.Seek(0, io.SeekCurrent)
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return &inventory.InputError{Source: a.name, Offset: pos, Err: fmt.Errorf("reading the tarball: %w", err)}
		}
		if len(a.entries) >= a.lim.MaxArchiveEntries {
			return &inventory.InputError{Source: a.name, Offset: pos, Err: fmt.Errorf("%w: more than %d entries", inventory.ErrTooLarge, a.lim.MaxArchiveEntries)}
		}
		off, _ := sr.Seek(0, io.SeekCurrent)
		name := cleanArchiveName(hdr.Name)
		if name == "" {
			continue
		}
		a.entries[name] = &entry{typ: hdr.Typeflag, link: hdr.Linkname, off: off, size: hdr.Size}
	}
	return nil
}

func cleanArchiveName(n string) string {
	n = path.Clean("/" + n)
	return strings.TrimPrefix(n, "/")
}

// lookup finds a regular member, following symbolic and hard links within
// the tarball (skopeo writes each layer.tar as a link to a blob).
func (a *Archive) lookup(name string) (*entry, string, error) {
	clean := cleanArchiveName(name)
	for hops := 0; hops < 16; hops++ {
		e := a.entries[clean]
		if e == nil {
			return nil, "", fmt.Errorf("%s: no member %q", a.name, name)
		}
		switch e.typ {
		case tar.TypeReg: // the reader turns the old TypeRegA into TypeReg
			return e, clean, nil
		case tar.TypeSymlink:
			if strings.HasPrefix(e.link, "/") {
				return nil, "", fmt.Errorf("%s: member %q links outside the tarball (%q)", a.name, clean, e.link)
			}
			clean = cleanArchiveName(path.Join(path.Dir(clean), e.link))
		case tar.TypeLink:
			clean = cleanArchiveName(e.link)
		default:
			return nil, "", fmt.Errorf("%s: member %q is not a file", a.name, clean)
		}
	}
	return nil, "", fmt.Errorf("%s: member %q: too many links", a.name, name)
}

// member returns a reader over a member's bytes.
func (a *Archive) member(name string) (*io.SectionReader, string, error) {
	e, clean, err := a.lookup(name)
	if err != nil {
		return nil, "", err
	}
	return io.NewSectionReader(a.r, e.off, e.size), clean, nil
}

// readSmall reads a metadata member whole, within MaxMetadata.
func (a *Archive) readSmall(name string) ([]byte, string, error) {
	sr, clean, err := a.member(name)
	if err != nil {
		return nil, "", err
	}
	if sr.Size() > a.lim.MaxMetadata {
		return nil, "", &inventory.InputError{Source: a.name + ":" + clean, Offset: -1, Err: fmt.Errorf("%w: %d bytes, limit %d", inventory.ErrTooLarge, sr.Size(), a.lim.MaxMetadata)}
	}
	b := make([]byte, sr.Size())
	if _, err := io.ReadFull(sr, b); err != nil {
		return nil, "", fmt.Errorf("%s:%s: %w", a.name, clean, err)
	}
	return b, clean, nil
}

func (a *Archive) tempFile(pattern string) (*os.File, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.tmp == "" {
		d, err := os.MkdirTemp("", "embargo-image-")
		if err != nil {
			return nil, err
		}
		a.tmp = d
	}
	return os.CreateTemp(a.tmp, pattern)
}

// Format names the kind of tarball: "docker save", "docker save (OCI
// layout)", "OCI image layout", with ", gzip" when it was compressed.
func (a *Archive) Format() string {
	if a.gzipped {
		return a.format + ", gzip"
	}
	return a.format
}

// Images lists the images of the tarball.
func (a *Archive) Images() []Image { return a.images }

// Close releases the tarball and removes temporary files.
func (a *Archive) Close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	var errs []error
	for _, s := range a.spills {
		if s.f != nil {
			errs = append(errs, s.f.Close())
		}
	}
	if a.closer != nil {
		errs = append(errs, a.closer.Close())
		a.closer = nil
	}
	if a.tmp != "" {
		errs = append(errs, os.RemoveAll(a.tmp))
		a.tmp = ""
	}
	return errors.Join(errs...)
}
