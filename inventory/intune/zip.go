package intune

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"io"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// zipMagic begins a ZIP's first local file header.
var zipMagic = []byte("PK\x03\x04")

// zipHead is the start of the first entry of a ZIP whose start is head,
// as far as head holds it: stored, or inflated (compressed CSV is what
// an export job's download holds). An entry that is encrypted or
// compressed otherwise gives nothing.
func zipHead(head []byte) []byte {
	const fixed = 30 // the local file header before the name
	if len(head) < fixed {
		return nil
	}
	flags := binary.LittleEndian.Uint16(head[6:])
	method := binary.LittleEndian.Uint16(head[8:])
	start := fixed + int(binary.LittleEndian.Uint16(head[26:])) + int(binary.LittleEndian.Uint16(head[28:]))
	if flags&1 != 0 || start > len(head) {
		return nil
	}
	data := head[start:]
	switch method {
	case zip.Store:
		return data
	case zip.Deflate:
		out, _ := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(data)), 16<<10))
		return out // as much as the head inflates to; the rest is cut off
	}
	return nil
}

// openZip opens the one file of a ZIP export. The ZIP is read whole
// (its directory is at its end), within MaxBytes; what the entry
// inflates to is bounded by MaxBytes too.
func openZip(name string, in io.Reader, lim inventory.Limits) (io.ReadCloser, string, error) {
	data, err := inventory.ReadAll(in, lim.MaxBytes)
	if err != nil {
		return nil, "", &inventory.InputError{Source: name, Offset: int64(len(data)), Err: err}
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, "", &inventory.InputError{Source: name, Offset: 0, Err: fmt.Errorf("not a readable ZIP: %w", err)}
	}
	var files []*zip.File
	for _, f := range zr.File {
		if !strings.HasSuffix(f.Name, "/") {
			files = append(files, f)
		}
	}
	if len(files) != 1 {
		return nil, "", &inventory.InputError{Source: name, Offset: 0,
			Err: fmt.Errorf("a ZIP of %d files: an Intune report export holds one CSV", len(files))}
	}
	rc, err := files[0].Open()
	if err != nil {
		return nil, "", &inventory.InputError{Source: name, Offset: 0, Err: fmt.Errorf("%s: %w", clip(files[0].Name), err)}
	}
	return struct {
		io.Reader
		io.Closer
	}{inventory.LimitReader(rc, lim.MaxBytes), rc}, clip(files[0].Name), nil
}
