package zeek

import (
	"bytes"
	"errors"
	"io"

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
	line := bytes.Count(prefix, []byte{'\n'}) + 1 // the first data line's number
	cuts := make([]int64, 0, n)
	for k := 1; k < n; k++ {
		cuts = append(cuts, int64(end)+(size-int64(end))*int64(k)/int64(n))
	}
	parts := []egress.Part{{Off: int64(end), Prefix: prefix, FirstLine: line}}
	buf := make([]byte, 1<<20)
	atLineStart := true
	for off := int64(end); off < size; {
		m, err := f.ReadAt(buf[:min(int64(len(buf)), size-off)], off)
		if m == 0 && err != nil {
			return nil, err
		}
		chunk := buf[:m]
		for i := 0; i < len(chunk); {
			j := bytes.IndexByte(chunk[i:], '\n')
			if atLineStart && chunk[i] == '#' && !bytes.HasPrefix(chunk[i:], []byte("#close")) {
				return nil, nil // a directive past the head
			}
			if j < 0 {
				atLineStart = false
				break
			}
			i += j + 1
			line++
			atLineStart = true
			pos := off + int64(i)
			for len(cuts) > 0 && pos >= cuts[0] {
				parts[len(parts)-1].End = pos
				parts = append(parts, egress.Part{Off: pos, Prefix: prefix, FirstLine: line})
				cuts = cuts[1:]
			}
		}
		off += int64(m)
	}
	parts[len(parts)-1].End = size
	// Cuts that fell in the same line leave empty parts.
	out := parts[:0]
	for _, p := range parts {
		if p.End > p.Off {
			out = append(out, p)
		}
	}
	return out, nil
}
