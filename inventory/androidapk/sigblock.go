package androidapk

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// The APK Signing Block (source.android.com/docs/security/features/apksigning/v2):
// it lies immediately before the ZIP central directory, and is
//
//	uint64 size of the block, less this field
//	uint64-length-prefixed pairs of uint32 ID and value
//	uint64 size of the block, again
//	"APK Sig Block 42"
//
// all little-endian. Pairs of other IDs (verity padding, source
// stamps, Play's dependency info) are passed over.

// Scheme block IDs: v2, v3 (.../apksigning/v3) and v3.1, which apksig
// writes for key rotation aimed at Android 13 and later in the format of
// v3.
const (
	idV2  = 0x7109871a
	idV3  = 0xf05368c0
	idV31 = 0x1b93ad61
)

const (
	blockMagic = "APK Sig Block 42"
	// maxBlock bounds the signing block read; apksigner pads it to 4 KB,
	// and real blocks with source stamps stay well under a megabyte.
	maxBlock = 16 << 20
	maxPairs = 1024
)

// errNoBlock says an APK has no signing block (only JAR signing, or
// none).
var errNoBlock = errors.New("no APK Signing Block")

// centralDirectory returns the offset of the ZIP central directory, from
// the end of central directory record (or its ZIP64 form).
func centralDirectory(ra io.ReaderAt, size int64) (int64, error) {
	n := min(size, 22+0xffff)
	tail := make([]byte, n)
	if _, err := ra.ReadAt(tail, size-n); err != nil {
		return 0, err
	}
	for i := len(tail) - 22; i >= 0; i-- {
		if !bytes.Equal(tail[i:i+4], []byte("PK\x05\x06")) || i+22+int(le.Uint16(tail[i+20:])) != len(tail) {
			continue
		}
		cd := int64(le.Uint32(tail[i+16:]))
		if cd != 0xffffffff {
			return cd, nil
		}
		// ZIP64: the locator before the record gives where the ZIP64
		// end of central directory record lies.
		if i < 20 || !bytes.Equal(tail[i-20:i-16], []byte("PK\x06\x07")) {
			return 0, errors.New("ZIP64 end of central directory locator missing")
		}
		at := int64(le.Uint64(tail[i-12:]))
		rec := make([]byte, 56)
		if at < 0 || at > size-56 {
			return 0, fmt.Errorf("ZIP64 end of central directory at %d, outside the file", at)
		}
		if _, err := ra.ReadAt(rec, at); err != nil || !bytes.Equal(rec[:4], []byte("PK\x06\x06")) {
			return 0, errors.New("ZIP64 end of central directory record unreadable")
		}
		return int64(le.Uint64(rec[48:])), nil
	}
	return 0, errors.New("no end of central directory record")
}

// signingBlock returns the ID-value pairs of the APK Signing Block that
// ends at the central directory, its offset, or errNoBlock.
func signingBlock(ra io.ReaderAt, cd int64) (map[uint32][]byte, int64, error) {
	if cd < 32 {
		return nil, 0, errNoBlock
	}
	foot := make([]byte, 24)
	if _, err := ra.ReadAt(foot, cd-24); err != nil {
		return nil, 0, errNoBlock
	}
	if string(foot[8:]) != blockMagic {
		return nil, 0, errNoBlock
	}
	size := le.Uint64(foot)
	if size < 24 || size > uint64(cd-8) || size > maxBlock {
		return nil, cd - 24, fmt.Errorf("APK Signing Block of %d bytes does not fit before the central directory at %d", size, cd)
	}
	start := cd - int64(size) - 8
	block := make([]byte, size+8)
	if _, err := ra.ReadAt(block, start); err != nil {
		return nil, start, err
	}
	if le.Uint64(block) != size {
		return nil, start, fmt.Errorf("APK Signing Block sizes differ: %d at its start, %d at its end", le.Uint64(block), size)
	}
	pairs := map[uint32][]byte{}
	rest := block[8 : len(block)-24]
	for n := 0; len(rest) > 0; n++ {
		if n >= maxPairs || len(rest) < 12 {
			return nil, start, fmt.Errorf("APK Signing Block: pair %d is malformed", n)
		}
		plen := le.Uint64(rest)
		if plen < 4 || plen > uint64(len(rest)-8) {
			return nil, start, fmt.Errorf("APK Signing Block: pair %d claims %d bytes, %d left", n, plen, len(rest)-8)
		}
		id := le.Uint32(rest[8:])
		if _, dup := pairs[id]; dup && (id == idV2 || id == idV3 || id == idV31) {
			return nil, start, fmt.Errorf("APK Signing Block: two pairs of ID 0x%08x", id)
		}
		pairs[id] = rest[12 : 8+plen]
		rest = rest[8+plen:]
	}
	return pairs, start, nil
}

// lp reads uint32-length-prefixed fields, as the scheme blocks nest
// them.
type lp []byte

func (b *lp) next() (lp, error) {
	if len(*b) < 4 {
		return nil, errors.New("truncated length prefix")
	}
	n := le.Uint32(*b)
	if uint64(n) > uint64(len(*b)-4) {
		return nil, fmt.Errorf("length %d runs past the %d bytes left", n, len(*b)-4)
	}
	out := (*b)[4 : 4+n]
	*b = (*b)[4+n:]
	return out, nil
}

func (b *lp) uint32() (uint32, error) {
	if len(*b) < 4 {
		return 0, errors.New("truncated integer")
	}
	v := le.Uint32(*b)
	*b = (*b)[4:]
	return v, nil
}
