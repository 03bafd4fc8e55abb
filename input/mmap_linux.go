//go:build linux

package input

import (
	"math"
	"os"
	"syscall"
)

// MapFile maps the regular file f (of size bytes) read-only: the readers
// then take its lines in place, where reading it would copy every byte
// once through the kernel and once more into a line buffer. It returns
// nil when the file cannot be mapped (the caller reads it instead).
func MapFile(f *os.File, size int64) (data []byte, unmap func()) {
	if size <= 0 || size > math.MaxInt {
		return nil, func() {}
	}
	b, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, func() {}
	}
	// Read ahead: each core reads its part from start to end.
	_ = syscall.Madvise(b, syscall.MADV_SEQUENTIAL)
	return b, func() { _ = syscall.Munmap(b) }
}

// releaseMapped drops the whole pages of data[off:end], data being a
// mapping, from the resident set; reading them again maps them again.
func releaseMapped(data []byte, off, end int64) {
	page := int64(os.Getpagesize())
	off = (off + page - 1) / page * page
	end = end / page * page
	if off < end {
		_ = syscall.Madvise(data[off:end], syscall.MADV_DONTNEED)
	}
}
