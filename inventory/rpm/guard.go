package rpm

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// go-rpmdb walks Berkeley DB and NDB files in goroutines of its own,
// where a panic cannot be recovered and ends the whole process, and it
// follows overflow chains and allocates blob lengths as the file says. The
// walks below take the same path through the file with every bound
// checked, so that go-rpmdb only ever sees a file it walks safely; they
// also hand each package header to parseHeader.

// format is how an rpm database is stored.
type format int

const (
	formatBDB format = iota + 1
	formatNDB
	formatSQLite
)

func (f format) String() string {
	return [...]string{"", "Berkeley DB", "NDB", "SQLite"}[f]
}

// emitFunc receives each package header and the offset where it starts.
type emitFunc func(off int64, blob []byte) error

var sqliteMagic = []byte("SQLite format 3\x00")

const (
	ndbMagic     = 'R' | 'p'<<8 | 'm'<<16 | 'P'<<24
	ndbSlotMagic = 'S' | 'l'<<8 | 'o'<<16 | 't'<<24
	ndbBlobMagic = 'B' | 'l'<<8 | 'b'<<16 | 'S'<<24
	// ndbMaxSlotPages is go-rpmdb's own bound.
	ndbMaxSlotPages = 2048
)

// sniff decides the format in go-rpmdb's order: SQLite, then NDB (magic,
// version 0, some slot pages), else Berkeley DB.
func sniff(head []byte) format {
	switch {
	case bytes.HasPrefix(head, sqliteMagic):
		return formatSQLite
	case len(head) >= 32 && binary.LittleEndian.Uint32(head) == ndbMagic &&
		binary.LittleEndian.Uint32(head[4:]) == 0 && binary.LittleEndian.Uint32(head[12:]) != 0:
		return formatNDB
	}
	return formatBDB
}

// Berkeley DB hash database constants (db_page.h).
const (
	bdbHashMagic    = 0x00061561
	bdbHeaderSize   = 26
	bdbPageHashOld  = 2  // hash page before Berkeley DB 4.6 (CentOS 5)
	bdbPageHOffPage = 3  // a hash value stored on overflow pages
	bdbPageOverflow = 7  // an overflow page
	bdbPageHashMeta = 8  // the metadata page
	bdbPageHash     = 13 // sorted hash page
	bdbHOffSize     = 12 // type, 3 bytes unused, page number, length
)

// walkBDB walks a Berkeley DB hash database as go-rpmdb's bdb.Read does:
// every page in order, on hash pages every value stored off-page, each
// value the concatenation of its chain of overflow pages.
func walkBDB(r io.ReaderAt, size int64, emit emitFunc) error {
	meta := make([]byte, 512)
	if n, err := r.ReadAt(meta, 0); n < 36 {
		return &posError{0, fmt.Errorf("metadata page of the Berkeley DB: %v", errOrShort(err))}
	}
	var order binary.ByteOrder = binary.LittleEndian
	switch binary.LittleEndian.Uint32(meta[12:]) {
	case bdbHashMagic:
	case 0x61150600:
		order = binary.BigEndian
	default:
		return &posError{12, errors.New("not an rpm database: no SQLite, NDB or Berkeley DB hash magic")}
	}
	pageSize := int64(order.Uint32(meta[20:]))
	switch {
	case meta[24] != 0:
		return &posError{24, fmt.Errorf("encrypted Berkeley DB (algorithm %d)", meta[24])}
	case meta[25] != bdbPageHashMeta:
		return &posError{25, fmt.Errorf("metadata page of type %d, not a Berkeley DB hash database", meta[25])}
	case pageSize < 512 || pageSize > 65536 || pageSize&(pageSize-1) != 0:
		return &posError{20, fmt.Errorf("page size %d is not one of Berkeley DB's", pageSize)}
	}
	last := int64(order.Uint32(meta[32:]))
	page := make([]byte, pageSize)
	chain := make([]byte, pageSize)
	for no := int64(0); no <= last; no++ {
		off := no * pageSize
		if err := readPage(r, size, off, page); err != nil {
			return &posError{off, fmt.Errorf("page %d of %d: %w", no, last, err)}
		}
		if page[25] != bdbPageHashOld && page[25] != bdbPageHash {
			continue
		}
		entries := int64(order.Uint16(page[20:]))
		if entries%2 != 0 || bdbHeaderSize+2*entries > pageSize {
			return &posError{off + 20, fmt.Errorf("hash page %d has %d index entries", no, entries)}
		}
		// Entries come in key, value pairs; the values are the packages.
		for i := int64(1); i < entries; i += 2 {
			at := int64(order.Uint16(page[bdbHeaderSize+2*i:]))
			if at >= pageSize {
				return &posError{off + bdbHeaderSize + 2*i, fmt.Errorf("hash page %d: entry %d points at %d, past the page", no, i, at)}
			}
			if page[at] != bdbPageHOffPage {
				continue
			}
			// go-rpmdb adds these offsets in 16 bits.
			if at+bdbHOffSize > pageSize || at+bdbHOffSize > 0xffff {
				return &posError{off + at, fmt.Errorf("hash page %d: entry %d runs past the page", no, i)}
			}
			first := order.Uint32(page[at+4:])
			blob, err := bdbChain(r, size, pageSize, order, first, chain)
			if err != nil {
				return &posError{off + at, fmt.Errorf("hash page %d entry %d: %w", no, i, err)}
			}
			if err := emit(int64(first)*pageSize, blob); err != nil {
				return err
			}
		}
	}
	return nil
}

// bdbChain concatenates a chain of overflow pages. go-rpmdb loops for
// ever on a chain page that is not an overflow page, and on a cycle.
func bdbChain(r io.ReaderAt, size, pageSize int64, order binary.ByteOrder, first uint32, page []byte) ([]byte, error) {
	var out []byte
	pages := size / pageSize
	for cur, n := first, int64(0); cur != 0; n++ {
		if n >= pages {
			return nil, fmt.Errorf("overflow chain from page %d is longer than the file: a cycle", first)
		}
		off := int64(uint32(pageSize) * cur) // as go-rpmdb computes it, in 32 bits
		if err := readPage(r, size, off, page); err != nil {
			return nil, fmt.Errorf("overflow page %d: %w", cur, err)
		}
		if page[25] != bdbPageOverflow {
			return nil, fmt.Errorf("page %d in an overflow chain is of type %d", cur, page[25])
		}
		next := order.Uint32(page[16:])
		if next != 0 {
			out = append(out, page[bdbHeaderSize:]...)
		} else {
			used := int64(order.Uint16(page[22:]))
			if bdbHeaderSize+used > pageSize || bdbHeaderSize+used > 0xffff {
				return nil, fmt.Errorf("last overflow page %d claims %d bytes", cur, used)
			}
			out = append(out, page[bdbHeaderSize:bdbHeaderSize+used]...)
		}
		if len(out) > maxHeader {
			return nil, fmt.Errorf("package header over rpm's limit of %d bytes", maxHeader)
		}
		cur = next
	}
	return out, nil
}

func readPage(r io.ReaderAt, size, off int64, page []byte) error {
	if off+int64(len(page)) > size {
		return fmt.Errorf("ends past the end of the file (%d bytes)", size)
	}
	if _, err := r.ReadAt(page, off); err != nil {
		return err
	}
	return nil
}

// walkNDB walks an NDB database as go-rpmdb's ndb.Read does: a header,
// slot pages of 256 slots (the first two hold the header), each used slot
// pointing at a blob of one package header.
func walkNDB(r io.ReaderAt, size int64, emit emitFunc) error {
	hdr := make([]byte, 32)
	if _, err := r.ReadAt(hdr, 0); err != nil {
		return &posError{0, fmt.Errorf("NDB header: %w", err)}
	}
	npages := int64(binary.LittleEndian.Uint32(hdr[12:]))
	if npages > ndbMaxSlotPages {
		return &posError{12, fmt.Errorf("NDB header claims %d slot pages (at most %d)", npages, ndbMaxSlotPages)}
	}
	nslots := npages*256 - 2
	if 32+16*nslots > size {
		return &posError{32, fmt.Errorf("NDB slot table of %d slots runs past the end of the file (%d bytes)", nslots, size)}
	}
	slots := make([]byte, 16*nslots)
	if _, err := r.ReadAt(slots, 32); err != nil {
		return &posError{32, fmt.Errorf("NDB slot table: %w", err)}
	}
	blobHdr := make([]byte, 16)
	for i := int64(0); i < nslots; i++ {
		s := slots[16*i:]
		at := 32 + 16*i
		if binary.LittleEndian.Uint32(s) != ndbSlotMagic {
			return &posError{at, fmt.Errorf("NDB slot %d: bad magic", i)}
		}
		pkg := binary.LittleEndian.Uint32(s[4:])
		if pkg == 0 {
			continue // a free slot
		}
		off := int64(binary.LittleEndian.Uint32(s[8:])) * 16
		if off+16 > size {
			return &posError{at, fmt.Errorf("NDB slot %d points at %d, past the end of the file", i, off)}
		}
		if _, err := r.ReadAt(blobHdr, off); err != nil {
			return &posError{off, err}
		}
		switch {
		case binary.LittleEndian.Uint32(blobHdr) != ndbBlobMagic:
			return &posError{off, fmt.Errorf("NDB blob of package %d: bad magic", pkg)}
		case binary.LittleEndian.Uint32(blobHdr[4:]) != pkg:
			return &posError{off, fmt.Errorf("NDB blob of package %d belongs to package %d", pkg, binary.LittleEndian.Uint32(blobHdr[4:]))}
		}
		n := int64(binary.LittleEndian.Uint32(blobHdr[12:]))
		if off+16+n > size {
			return &posError{off + 12, fmt.Errorf("NDB blob of package %d: %d bytes run past the end of the file", pkg, n)}
		}
		blob := make([]byte, n)
		if _, err := r.ReadAt(blob, off+16); err != nil {
			return &posError{off + 16, err}
		}
		if err := emit(off+16, blob); err != nil {
			return err
		}
	}
	return nil
}

// posError is a fault at a byte offset of the database file.
type posError struct {
	off int64
	err error
}

func (e *posError) Error() string { return e.err.Error() }
func (e *posError) Unwrap() error { return e.err }

func errOrShort(err error) error {
	if err == nil || err == io.EOF {
		return errors.New("file too short")
	}
	return err
}
