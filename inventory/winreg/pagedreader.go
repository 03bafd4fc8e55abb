package winreg

import (
	"errors"
	"fmt"
	"io"
)

// The parser reads a hive a few bytes at a time, each read a system call
// on an open file; a small cache of pages makes that cheap without
// holding a 100 MB SOFTWARE hive in memory.
const (
	pageSize = 4096
	maxPages = 2048 // 8 MiB per open hive
)

// pagedReader caches pages of a hive file. It is not safe for concurrent
// use: each walk opens its own.
type pagedReader struct {
	r     io.ReaderAt
	size  int64
	pages map[int64][]byte
	ring  []int64 // cached page numbers in load order, for eviction
	next  int     // next ring slot to evict once full
	last  int64   // offset of the last read, for errors
	err   error   // first failure of the underlying reader
}

func newPagedReader(r io.ReaderAt, size int64) *pagedReader {
	return &pagedReader{r: r, size: size, pages: map[int64][]byte{}}
}

var errNegative = errors.New("negative offset")

// ReadAt implements io.ReaderAt.
func (p *pagedReader) ReadAt(b []byte, off int64) (int, error) {
	p.last = off
	if off < 0 {
		return 0, errNegative
	}
	n := 0
	for n < len(b) {
		if off >= p.size {
			return n, io.EOF
		}
		pg, err := p.page(off / pageSize)
		if err != nil {
			return n, err
		}
		c := copy(b[n:], pg[off%pageSize:])
		n += c
		off += int64(c)
	}
	return n, nil
}

func (p *pagedReader) page(i int64) ([]byte, error) {
	if pg, ok := p.pages[i]; ok {
		return pg, nil
	}
	if p.err != nil {
		return nil, p.err
	}
	var buf []byte
	if len(p.ring) < maxPages {
		buf = make([]byte, pageSize)
		p.ring = append(p.ring, i)
	} else {
		old := p.ring[p.next]
		buf = p.pages[old][:pageSize]
		delete(p.pages, old)
		p.ring[p.next] = i
		p.next = (p.next + 1) % maxPages
	}
	start := i * pageSize
	n := int(min(pageSize, p.size-start))
	if got, err := p.r.ReadAt(buf[:n], start); got < n {
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF // the file shrank while being read
		}
		p.err = fmt.Errorf("%w at byte %d: %w", errRead, start, err)
		p.ring = p.ring[:0]
		clear(p.pages)
		return nil, p.err
	}
	p.pages[i] = buf[:n]
	return buf[:n], nil
}
