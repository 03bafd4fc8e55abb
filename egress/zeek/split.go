package zeek

import (
	"bytes"
	"context"
	"errors"
	"io"

	"github.com/embargo-dev/embargo/egress"
	"github.com/embargo-dev/embargo/egress/internal/textlog"
)

// maxHead bounds the header read at the start of a file to split.
const maxHead = 1 << 20

// Split implements egress.Splitter for a TSV log with a header at its
// head (a log as Zeek writes it): the file is cut into n ranges at line
// starts, each read with the header in front. The file is not read
// through to plan them: a directive further on (logs concatenated, a
// header that changes) stops the part it is in (ReadPart). A file without
// a TSV header (JSON) is not split: nil, and it is read in one piece.
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
	var parts []egress.Part
	for k := range n {
		// Cuts that fell in the same line leave empty parts.
		if cuts[k+1] > cuts[k] {
			parts = append(parts, egress.Part{Off: cuts[k], End: cuts[k+1], Prefix: prefix})
		}
	}
	return parts, nil
}

// ReadPart implements egress.Splitter: Read, stopping at a directive past
// the Prefix other than #close (which only ends a log).
func (rd Reader) ReadPart(ctx context.Context, name string, p egress.Part, in io.Reader, sink egress.Sink) (int, error) {
	d := rd.decoder(name, sink)
	d.part, d.prefixLines = true, bytes.Count(p.Prefix, []byte{'\n'})
	defer d.bad.Finish()
	return textlog.EachCounted(ctx, "zeek", name, in, textlog.WithDefaults(rd.Limits), &d.bad, d.line)
}
