package image

import (
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/embargo-dev/embargo/inventory"
)

// content is where a regular file's bytes are: held in memory, or at an
// offset of its layer's (decompressed) tar stream.
type content struct {
	layer  *layer
	off    int64
	kept   []byte
	held   bool   // kept is the content (an empty file has no bytes to hold)
	stream string // why the bytes cannot be found again, when they cannot
}

// layer is one layer blob of the tarball.
type layer struct {
	name  string // member of the tarball
	index int    // 1-based position in the image, for messages
	blob  *io.SectionReader
	comp  string // "", "gzip", "bzip2"
}

// spill is a compressed layer decompressed into a temporary file.
type spill struct {
	done chan struct{}
	f    *os.File
	err  error
}

// compression names a blob's compression by its first bytes (media types
// are not trusted: Docker writes some gzip layers as plain "tar").
func compression(blob io.ReaderAt) string {
	var m [6]byte
	n, _ := blob.ReadAt(m[:], 0)
	switch {
	case n >= 2 && m[0] == 0x1f && m[1] == 0x8b:
		return "gzip"
	case n >= 3 && bytes.Equal(m[:3], []byte("BZh")):
		return "bzip2"
	case n >= 4 && bytes.Equal(m[:4], []byte{0x28, 0xb5, 0x2f, 0xfd}):
		return "zstd"
	case n >= 6 && bytes.Equal(m[:6], []byte{0xfd, '7', 'z', 'X', 'Z', 0}):
		return "xz"
	}
	return ""
}

// decompressor returns a reader of a layer's tar stream.
func (l *layer) decompressor() (io.Reader, error) {
	r := io.NewSectionReader(l.blob, 0, l.blob.Size())
	switch l.comp {
	case "":
		return r, nil
	case "gzip":
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, err
		}
		zr.Multistream(true)
		return zr, nil
	case "bzip2":
		return bzip2.NewReader(r), nil
	}
	return nil, fmt.Errorf("%s-compressed layers are not supported", l.comp)
}

// open returns a reader of a file's bytes.
func (a *Archive) openContent(c *content, size int64) (*io.SectionReader, error) {
	if c.held {
		return io.NewSectionReader(bytes.NewReader(c.kept), 0, int64(len(c.kept))), nil
	}
	if c.stream != "" {
		return nil, errors.New(c.stream)
	}
	l := c.layer
	if l.comp == "" {
		return io.NewSectionReader(l.blob, c.off, size), nil
	}
	f, err := a.spilled(l)
	if err != nil {
		return nil, err
	}
	return io.NewSectionReader(f, c.off, size), nil
}

// spilled decompresses a layer into a temporary file, once, the first
// time a file of it is read that was not held in memory.
func (a *Archive) spilled(l *layer) (*os.File, error) {
	a.mu.Lock()
	s := a.spills[l.name]
	if s == nil {
		s = &spill{done: make(chan struct{})}
		a.spills[l.name] = s
		a.mu.Unlock()
		s.f, s.err = a.decompressTo(l)
		close(s.done)
	} else {
		a.mu.Unlock()
		<-s.done
	}
	return s.f, s.err
}

func (a *Archive) decompressTo(l *layer) (*os.File, error) {
	r, err := l.decompressor()
	if err != nil {
		return nil, fmt.Errorf("%s: layer %d (%s): %w", a.name, l.index, l.name, err)
	}
	f, err := a.tempFile("layer-*.tar")
	if err != nil {
		return nil, err
	}
	if n, err := io.Copy(f, inventory.LimitReader(r, a.lim.MaxUnpacked)); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: layer %d (%s): decompressing at byte %d: %w", a.name, l.index, l.name, n, err)
	}
	return f, nil
}
