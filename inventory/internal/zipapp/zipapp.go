// Package zipapp is what the readers and collectors of app files that
// are ZIP archives share (inventory/androidapk's APKs, inventory/ipa's
// IPAs): knowing the archive by its name or by the entries its first
// local file headers name, reading it whole as a document, and reading a
// target's file at offsets. What an archive holds is read by the
// package's own ReadFunc.
package zipapp

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// Magic begins a ZIP archive's first local file header.
const Magic = "PK\x03\x04"

// Sniff reports whether head begins a ZIP archive that is named with the
// extension ext (".apk", in any case), or one of whose local file headers
// in head names an entry for which entry is true.
func Sniff(name string, head []byte, ext string, entry func(name string) bool) bool {
	if !bytes.HasPrefix(head, []byte(Magic)) {
		return false
	}
	if strings.EqualFold(path.Ext(name), ext) {
		return true
	}
	for i := 0; ; {
		j := bytes.Index(head[i:], []byte(Magic))
		if j < 0 {
			return false
		}
		h := head[i+j:]
		if len(h) >= 30 {
			n := int(binary.LittleEndian.Uint16(h[26:]))
			if len(h) >= 30+n && entry(string(h[30:30+n])) {
				return true
			}
		}
		i += j + len(Magic)
	}
}

// ReadFunc reads the archive ra of size bytes, named name in messages,
// into items and unknowns; filePath is the archive's path in the items'
// locations.
type ReadFunc func(ctx context.Context, name string, ra io.ReaderAt, size int64, lim inventory.Limits, filePath string) ([]inventory.Item, []inventory.Unknown, error)

// Read reads a document whole into memory, within lim.MaxBytes, and then
// the archive it is with read; the document's name is its path.
func Read(ctx context.Context, name string, r io.Reader, lim inventory.Limits, read ReadFunc) ([]inventory.Item, []inventory.Unknown, error) {
	data, err := inventory.ReadAll(r, lim.MaxBytes)
	if err != nil {
		return nil, nil, &inventory.InputError{Source: name, Offset: -1, Err: err}
	}
	return read(ctx, name, bytes.NewReader(data), int64(len(data)), lim, name)
}

// Collect reads file f of target t with read, at offsets, never whole: a
// file larger than lim.MaxBytes is an error naming it. Its items are put
// on t's host.
func Collect(ctx context.Context, t *inventory.Target, f inventory.TargetFile, lim inventory.Limits, read ReadFunc) ([]inventory.Item, []inventory.Unknown, error) {
	name := t.Display(f.Path)
	ra, size, err := t.OpenAt(f.Path)
	if err != nil {
		return nil, nil, err
	}
	defer ra.Close()
	if size > lim.MaxBytes {
		return nil, nil, &inventory.InputError{Source: name, Offset: -1, Err: fmt.Errorf("%w: %d bytes", inventory.ErrTooLarge, size)}
	}
	items, unknowns, err := read(ctx, name, ra, size, lim, "/"+f.Path)
	if err != nil {
		return nil, nil, err
	}
	for i := range items {
		items[i].Location.Host = t.Host
	}
	return items, unknowns, nil
}
