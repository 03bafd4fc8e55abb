// Package pe reads Windows and UEFI executables (PE files): the version
// resource (CompanyName, ProductName, FileDescription, OriginalFilename,
// versions) and the embedded Authenticode signatures: the signer's
// certificate subject, issuer, serial and validity, and whether the file
// still hashes to the digest its signer signed. A renamed or unregistered
// copy of a vendor's program is attributed through its signer.
//
// The collector "pe" reads .exe, .dll, .sys and .efi files (and Debian's
// .efi.signed) where installed software lives: Program Files*,
// ProgramData, user profiles (Users/*, AppData included),
// Windows/System32/drivers, a mounted ESP (EFI/), and the UEFI binaries
// of a Linux system (boot/efi, usr/lib/shim, usr/lib/grub,
// usr/lib/systemd/boot/efi). The rest of Windows (System32's thousands of
// operating-system files, WinSxS, DriverStore) is left out by default;
// the collector "pe-all" reads every file of the target whose first bytes
// are an MZ header leading to a PE signature.
//
// Verification covers the file digest and the signer's signature only:
// no certificate chain, revocation or timestamp is checked. Files with no
// embedded signature on a target with a catalogue store
// (Windows/System32/CatRoot) are reported as "signature in catalog (not
// verified)": such files are usually signed by a .cat file, which is not
// looked up.
package pe

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"sync"

	"github.com/embargo-dev/embargo/inventory"
)

// Collector reads PE files. The zero value reads the usual places; All
// reads every file with an MZ header.
type Collector struct {
	All bool

	mu      sync.Mutex
	catFor  *inventory.Target // the target catRoot was looked up for
	catRoot bool
}

// Name implements inventory.Collector.
func (c *Collector) Name() string {
	if c.All {
		return "pe-all"
	}
	return "pe"
}

// Tags implements inventory.Collector. The whole-target variant has a tag
// of its own so that selecting "windows" or "signer" does not open every
// file.
func (c *Collector) Tags() []string {
	if c.All {
		return []string{"pe-all"}
	}
	return []string{"windows", "signer", "efi"}
}

// Requirements implements inventory.Collector: files only, anywhere;
// the whole-target variant only when asked for by name.
func (c *Collector) Requirements() inventory.Requirements {
	return inventory.Requirements{OnRequest: c.All}
}

// Wants implements inventory.Collector.
func (c *Collector) Wants(p string) bool {
	if c.All {
		return true
	}
	return peName(p) && underSoftwareRoot(p)
}

// Collect implements inventory.Collector.
func (c *Collector) Collect(ctx context.Context, t *inventory.Target, f inventory.TargetFile, lim inventory.Limits) ([]inventory.Item, []inventory.Unknown, error) {
	fh, err := t.FS.Open(f.Path)
	if err != nil {
		return nil, nil, err
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil {
		return nil, nil, err
	}
	size := fi.Size()
	if c.All && !looksPE(fh) {
		return nil, nil, nil
	}
	limit := min(int64(MaxFileSize), lim.MaxBytes)
	if size > limit {
		return nil, nil, fmt.Errorf("%w: %d bytes, more than the %d bytes a PE file is read up to; not read", inventory.ErrTooLarge, size, limit)
	}
	ra, ok := fh.(io.ReaderAt)
	if !ok {
		// A file system without ReadAt (an in-memory tree): read the
		// file whole, within the limit, from the start.
		fh2, err := t.FS.Open(f.Path)
		if err != nil {
			return nil, nil, err
		}
		data, err := inventory.ReadAll(fh2, limit)
		fh2.Close()
		if err != nil {
			return nil, nil, err
		}
		ra, size = bytes.NewReader(data), int64(len(data))
	}
	name := t.Display(f.Path)
	file, err := Read(name, ra, size)
	if c.All && IsNotPE(err) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	it, unknowns := c.item(t, f.Path, file)
	if reason := inventory.CheckItem(&it, lim); reason != "" {
		return nil, append(unknowns, inventory.Unknown{Location: it.Location, Name: inventory.Clip(it.Name), Reason: reason}), nil
	}
	return []inventory.Item{it}, unknowns, nil
}

// looksPE reads the start of a file: an MZ header whose e_lfanew, when
// it points within the first 1 KiB, leads to a PE signature. It is the
// cheap test that lets "pe-all" pass over every other file.
func looksPE(fh fs.File) bool {
	var head [1024]byte
	n, _ := io.ReadFull(fh, head[:])
	if n < 64 || head[0] != 'M' || head[1] != 'Z' {
		return false
	}
	lfanew := int(binary.LittleEndian.Uint32(head[0x3c:]))
	return lfanew < 0 || lfanew+4 > n || string(head[lfanew:lfanew+4]) == "PE\x00\x00"
}

// catalogStore reports whether the target has Windows/System32/CatRoot, in
// any letter case, looking once per target.
func (c *Collector) catalogStore(t *inventory.Target) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.catFor != t {
		c.catFor, c.catRoot = t, findFold(t.FS, "Windows", "System32", "CatRoot")
	}
	return c.catRoot
}

// findFold reports whether the folders exist below the root, matching
// their names without regard to case (a mounted NTFS volume keeps the
// case they were created with).
func findFold(fsys fs.FS, names ...string) bool {
	dir := "."
	for _, n := range names {
		if fi, err := fs.Stat(fsys, path.Join(dir, n)); err == nil && fi.IsDir() {
			dir = path.Join(dir, n)
			continue
		}
		ents, err := fs.ReadDir(fsys, dir)
		if err != nil {
			return false
		}
		found := false
		for _, e := range ents {
			if e.IsDir() && strings.EqualFold(e.Name(), n) {
				dir, found = path.Join(dir, e.Name()), true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
