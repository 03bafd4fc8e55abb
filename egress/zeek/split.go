package zeek

import (
	"bytes"
	"errors"
	"io"
	"sync"

	"github.com/embargo-dev/embargo/egress"
)

// maxHead bounds the header read at the start of a file to split.
const maxHead = 1 << 20

// Split implements egress.Splitter for a TSV log whose only header is at
// its head (a log as Zeek writes it, ending in #close): the file is cut
// into n ranges at line starts, each read with the header in front. A
// file with a directive further on (logs concatenated, a header that
// changes) or without a TSV header (JSON) is not split: nil, and it is
// read in one piece.
func (Reader) Split(f io.ReaderAt, size int64, n int) ([]egress.Part, error) {
	head := make([]byte, min(size, maxHead))
	if _, err := f.ReadAt(head, 0); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	if len(head) == 0 || head[0] != '#' {
		return nil, nil
	}
	end := 0 // where the first data line starts
	for end < len(head) && head[end] == '#' {
		i := bytes.IndexByte(head[end:], '\n')
		if i < 0 {
			return nil, nil // a header longer than maxHead
		}
		end += i + 1
	}
	if end == len(head) {
		return nil, nil
	}
	prefix := head[:end:end]
	// Cut at the first line start at or after each n-th of the rest.
	cuts := []int64{int64(end)}
	var buf [4096]byte
	for k := 1; k < n; k++ {
		at := int64(end) + (size-int64(end))*int64(k)/int64(n)
		at = max(at, cuts[len(cuts)-1])
		for at < size {
			m, err := f.ReadAt(buf[:min(int64(len(buf)), size-at+1)], at-1)
			if m < 2 {
				if err == nil || errors.Is(err, io.EOF) {
					err = io.ErrUnexpectedEOF // the file shrank
				}
				return nil, err
			}
			if i := bytes.IndexByte(buf[:m], '\n'); i >= 0 {
				at += int64(i)
				break
			}
			at += int64(m) - 1
		}
		cuts = append(cuts, min(at, size))
	}
	cuts = append(cuts, size)
	// Count the lines of each range and look for directives, all ranges
	// at once: one pass over the file, shared by the cores.
	scans := make([]rangeScan, n)
	var wg sync.WaitGroup
	mapped, inPlace := f.(egress.MappedFile)
	for k := range n {
		wg.Go(func() {
			if !inPlace {
				scans[k] = scanRange(f, cuts[k], cuts[k+1], size)
				return
			}
			err := mapped.Guard(func() error {
				scans[k] = scanMapped(mapped, cuts[k], cuts[k+1])
				return nil
			})
			if err != nil {
				scans[k].err = err
			}
		})
	}
	wg.Wait()
	line := bytes.Count(prefix, []byte{'\n'}) + 1 // the first data line's number
	var parts []egress.Part
	for k, sc := range scans {
		if sc.err != nil {
			return nil, sc.err
		}
		if sc.directive {
			return nil, nil // a directive past the head
		}
		// Cuts that fell in the same line leave empty parts.
		if cuts[k+1] > cuts[k] {
			parts = append(parts, egress.Part{Off: cuts[k], End: cuts[k+1], Prefix: prefix, FirstLine: line})
		}
		line += sc.lines
	}
	return parts, nil
}

// rangeScan is what scanRange found in a range of a file.
type rangeScan struct {
	lines     int
	directive bool // a # line other than #close
	err       error
}

// scanSize is how much of a range scanRange reads at a time.
const scanSize = 1 << 20

// scanRange counts the lines of f[off:end], which starts at a line
// start, and looks for directives among them.
func scanRange(f io.ReaderAt, off, end, size int64) rangeScan {
	var sc rangeScan
	closing := []byte("#close")
	// A chunk is read with a few bytes more, to see "#close" whole.
	buf := make([]byte, min(scanSize, end-off)+int64(len(closing)))
	atLineStart := true
	for off < end {
		m := min(scanSize, end-off)
		k, err := f.ReadAt(buf[:min(m+int64(len(closing)), size-off)], off)
		if int64(k) < m {
			if err == nil || errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF // the file shrank
			}
			sc.err = err
			return sc
		}
		chunk, more := buf[:m], buf[:k]
		c := scanChunk(chunk, more, atLineStart)
		sc.lines += c.lines
		if c.directive {
			sc.directive = true
			return sc
		}
		atLineStart = chunk[m-1] == '\n'
		off += m
	}
	return sc
}

// scanMapped is scanRange in place, releasing what it has read.
func scanMapped(m egress.MappedFile, off, end int64) rangeScan {
	var sc rangeScan
	data := m.Bytes()
	for start := off; start < end; start += scanSize {
		stop := min(start+scanSize, end)
		c := scanChunk(data[start:stop], data[start:], start == off || data[start-1] == '\n')
		m.Release(start, stop)
		sc.lines += c.lines
		if c.directive {
			sc.directive = true
			break
		}
	}
	return sc
}

// scanChunk counts the lines of chunk and looks for directives among
// them; more is chunk and what follows it in the file (to see "#close"
// whole), atLineStart whether chunk starts a line.
func scanChunk(chunk, more []byte, atLineStart bool) rangeScan {
	sc := rangeScan{lines: bytes.Count(chunk, []byte{'\n'})}
	// A data line holds no '#' but where a string field has one: few to
	// look at, and the search skips over the rest at memory speed.
	for i := 0; i < len(chunk); i++ {
		j := bytes.IndexByte(chunk[i:], '#')
		if j < 0 {
			break
		}
		i += j
		lineStart := i == 0 && atLineStart || i > 0 && chunk[i-1] == '\n'
		if lineStart && !bytes.HasPrefix(more[i:], []byte("#close")) {
			sc.directive = true
			break
		}
	}
	return sc
}
