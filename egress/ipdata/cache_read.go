package ipdata

import (
	"io"
	"os"
)

// mapCache reads a cache file into an 8-byte-aligned buffer, which the
// Snapshot then uses in place. It is read, not mapped: a mapping would
// save a copy (about 2 ms), but a file truncated or rewritten in place by
// something else while a run used it would crash that run.
func mapCache(f *os.File, size int) (b []byte, release func(), err error) {
	b = alignedBytes(size)
	if _, err := io.ReadFull(f, b); err != nil {
		return nil, nil, err
	}
	return b, func() {}, nil
}
