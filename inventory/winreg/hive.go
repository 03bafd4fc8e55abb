package winreg

import (
	"errors"
	"fmt"
	"io"

	"www.velocidex.com/golang/regparser"

	"github.com/embargo-dev/embargo/inventory"
)

// Bounds on what one hive walk reads. A real SOFTWARE hive walk visits a
// few tens of thousands of keys and values; a hostile hive can declare
// lists that point back at themselves or at millions of cells.
const (
	maxVisits     = 1 << 20 // keys, list entries and values read from one hive
	maxValueBytes = 1 << 20 // data of one value
	bigDataMin    = 16344   // values longer than this may be split into segments ("db")
	firstBin      = 0x1000  // cell offsets count from the first hive bin, after the header
)

// Errors that end the walk of a hive rather than one entry of it.
var (
	errBudget = errors.New("the hive names more keys and values than the limit")
	errRead   = errors.New("the hive file could not be read")
	errPanic  = errors.New("the hive parser failed")
)

// hive is one open registry hive file.
type hive struct {
	name   string // the file as output names it
	r      *pagedReader
	reg    *regparser.Registry
	size   int64
	visits int
}

// openHive checks the header of the hive held by ra.
func openHive(name string, ra io.ReaderAt, size int64) (*hive, error) {
	if size < firstBin+0x20 {
		return nil, &inventory.InputError{Source: name, Offset: -1, Err: fmt.Errorf("%d bytes is too small for a registry hive", size)}
	}
	r := newPagedReader(ra, size)
	reg, err := regparser.NewRegistry(r)
	if err != nil {
		if r.err != nil {
			return nil, &inventory.InputError{Source: name, Offset: -1, Err: r.err}
		}
		return nil, &inventory.InputError{Source: name, Offset: 0, Err: errors.New(`not a registry hive: no "regf" signature`)}
	}
	return &hive{name: name, r: r, reg: reg, size: size, visits: maxVisits}, nil
}

// dirty reports whether the hive was not written back cleanly: its
// newest changes are then still in the transaction logs beside it.
func (h *hive) dirty() (seq1, seq2 uint32, ok bool) {
	seq1, seq2 = h.reg.BaseBlock.Sequence1(), h.reg.BaseBlock.Sequence2()
	return seq1, seq2, seq1 != seq2
}

// root returns the hive's root key.
func (h *hive) root() (key, error) {
	return h.key(h.reg.BaseBlock.RootCell())
}

// errAt is an error at a byte offset of the hive file.
func (h *hive) errAt(pos int64, format string, args ...any) error {
	return &inventory.InputError{Source: h.name, Offset: pos, Err: fmt.Errorf(format, args...)}
}

// spend counts n more cells read, failing past the bound.
func (h *hive) spend(n int, pos int64) error {
	h.visits -= n
	if h.visits < 0 {
		return &inventory.InputError{Source: h.name, Offset: pos, Err: fmt.Errorf("%w (%d)", errBudget, maxVisits)}
	}
	return nil
}

// cell returns the allocated cell at off (relative to the first bin) and
// the size of its payload, checking that it lies inside the file.
func (h *hive) cell(off uint32, what string) (*regparser.HCELL, int64, error) {
	pos := firstBin + int64(off)
	if pos+8 > h.size {
		return nil, 0, h.errAt(-1, "%s at cell offset %#x (byte %d) lies outside the hive", what, off, pos)
	}
	c := h.reg.Profile.HCELL(h.r, pos)
	size := int64(int32(c.Next()))
	if err := h.failed(); err != nil {
		return nil, 0, err
	}
	if size >= 0 {
		return nil, 0, h.errAt(pos, "%s is in a free cell", what)
	}
	size = -size
	if size < 8 || pos+size > h.size {
		return nil, 0, h.errAt(pos, "%s cell of %d bytes runs past the end of the hive", what, size)
	}
	return c, size - 4, nil
}

// read returns n bytes at pos, all or an error.
func (h *hive) read(pos int64, n int) ([]byte, error) {
	b := make([]byte, n)
	if got, err := h.r.ReadAt(b, pos); got < n {
		if rerr := h.failed(); rerr != nil {
			return nil, rerr
		}
		return nil, h.errAt(pos, "%d bytes could not be read: %v", n, err)
	}
	return b, nil
}

// guard runs fn, turning a panic of the parser into an error naming the
// hive and the last offset read, and a read failure of the file into an
// error of the whole hive.
func (h *hive) guard(fn func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &inventory.InputError{Source: h.name, Offset: h.r.last, Err: fmt.Errorf("%w: %v", errPanic, p)}
		}
	}()
	err = fn()
	if rerr := h.failed(); rerr != nil {
		return rerr
	}
	return err
}

// failed returns the failure of the underlying file, if any, as an error
// of the hive.
func (h *hive) failed() error {
	if h.r.err == nil {
		return nil
	}
	return &inventory.InputError{Source: h.name, Offset: -1, Err: h.r.err}
}

// fatal reports whether an error ends the walk of the whole hive rather
// than one entry.
func fatal(err error) bool {
	return errors.Is(err, errBudget) || errors.Is(err, errRead) || errors.Is(err, errPanic)
}
