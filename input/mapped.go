package input

import (
	"bytes"
	"fmt"
	"io"
	"runtime/debug"
	"unsafe"
)

// Mapped is input held whole in memory, as byte ranges read one after
// the other: a file mapped read-only, with a header in front of a part of
// it. A line reader that knows the type takes its lines where they lie
// instead of copying them into a buffer of its own; so a reader given a
// Mapped must keep nothing of a line once it has handled it, which the
// flow readers (whose Sink may keep nothing either) do. Read serves
// the others.
type Mapped struct {
	segs    [][]byte
	i, off  int       // Read's place: segs[i][off:] is next
	release func(int) // called by Done
}

// NewMapped returns the input made of segs, in order. A line may run
// from one segment into the next, but is read fastest when none does.
func NewMapped(segs ...[]byte) *Mapped { return &Mapped{segs: segs} }

// Segments returns the byte ranges of the input, in order.
func (m *Mapped) Segments() [][]byte { return m.segs }

// Done says that segment k has been read: the pages of a mapped file
// that held it leave the process's resident set (they stay in the page
// cache), so that reading a file does not take as much memory as its
// size.
func (m *Mapped) Done(k int) {
	if m.release != nil {
		m.release(k)
	}
}

// Read implements io.Reader.
func (m *Mapped) Read(p []byte) (int, error) {
	for m.i < len(m.segs) && m.off == len(m.segs[m.i]) {
		m.i, m.off = m.i+1, 0
	}
	if m.i == len(m.segs) {
		return 0, io.EOF
	}
	n := copy(p, m.segs[m.i][m.off:])
	m.off += n
	return n, nil
}

// mappedRange is the input made of prefix and data[off:end], data being
// a mapped file: the range in segments of at most releaseSize bytes,
// ending at line ends where there is one, each released once read.
func mappedRange(prefix, data []byte, off, end int64) *Mapped {
	segs := [][]byte{prefix}
	offs := []int64{0}
	for off < end {
		cut := min(off+releaseSize, end)
		if cut < end {
			if i := bytes.IndexByte(data[cut:end], '\n'); i >= 0 {
				cut += int64(i) + 1
			} else {
				cut = end
			}
		}
		segs, offs = append(segs, data[off:cut]), append(offs, off)
		off = cut
	}
	return &Mapped{segs: segs, release: func(k int) {
		if k > 0 {
			releaseMapped(data, offs[k], offs[k]+int64(len(segs[k])))
		}
	}}
}

// releaseSize is how much of a mapped file is read before its pages are
// released.
const releaseSize = 16 << 20

// MappedFile is a file mapped read-only, as a flow reader's Split is
// given it:
// ReadAt copies from it, and Bytes is the whole of it, to be read in
// place under Guard.
type MappedFile struct {
	data []byte
	name string
}

// NewMappedFile returns data, the contents of the input named name, as
// a mapped file.
func NewMappedFile(name string, data []byte) MappedFile { return MappedFile{data: data, name: name} }

// Bytes returns the file's bytes. Reading them faults if the file shrank
// since it was mapped: only under Guard.
func (m MappedFile) Bytes() []byte { return m.data }

// Release says that f[off:end] will not be read again soon (see
// Mapped.Done).
func (m MappedFile) Release(off, end int64) { releaseMapped(m.data, off, end) }

// ReadAt implements io.ReaderAt.
func (m MappedFile) ReadAt(p []byte, off int64) (n int, err error) {
	if off < 0 || off > int64(len(m.data)) {
		return 0, fmt.Errorf("%s: offset %d outside the file", m.name, off)
	}
	err = m.Guard(func() error {
		n = copy(p, m.data[off:])
		return nil
	})
	if err == nil && n < len(p) {
		err = io.EOF
	}
	return n, err
}

// Guard runs read, which reads the mapped file, on the calling goroutine,
// and turns the fault of reading past the end of a file that shrank since
// it was mapped (SIGBUS) from a crash into an error naming the input.
func (m MappedFile) Guard(read func() error) error { return guard(m.name, m.data, read) }

func guard(name string, data []byte, read func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		// Only a fault in the mapping is the file's doing; any other is a
		// bug, and a panic still.
		f, fault := r.(interface{ Addr() uintptr })
		if !fault || len(data) == 0 || f.Addr() < uintptr(unsafe.Pointer(&data[0])) || f.Addr()-uintptr(unsafe.Pointer(&data[0])) >= uintptr(len(data)) {
			panic(r)
		}
		err = fmt.Errorf("%s: the file changed while it was read (%v)", name, r)
	}()
	return read()
}

// ReadMapped reads prefix and data[off:end], data being the input name
// mapped (MapFile), with rd, under a guard (finding where the segments
// end reads the mapping too).
func ReadMapped(rd func(io.Reader) error, name string, data, prefix []byte, off, end int64) error {
	return guard(name, data, func() error { return rd(mappedRange(prefix, data, off, end)) })
}
