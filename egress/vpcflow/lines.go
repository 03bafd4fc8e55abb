package vpcflow

import (
	"bytes"
	"fmt"
	"io"

	"github.com/embargo-dev/embargo/egress"
)

// readSize is how much is asked of the input at a time; the buffer starts
// there and grows, up to the line limit, only for longer lines.
const readSize = 64 << 10

// lineReader splits an input into lines without copying them: a line is
// valid until the next call. A line longer than the limit is skipped to
// its end and reported, not returned.
type lineReader struct {
	r          io.Reader
	buf        []byte
	start, end int  // the unread bytes are buf[start:end]
	scan       int  // buf[start:scan] has no newline
	max        int  // longest line accepted
	long       bool // skipping the rest of a line longer than max
	n          int  // number of the line last returned, from 1
	err        error
}

func newLineReader(r io.Reader, max int) *lineReader {
	return &lineReader{r: r, buf: make([]byte, min(readSize, max+1)), max: max}
}

// next returns the next line without its "\n" or "\r\n". long reports a
// line over the limit (line is then nil); final reports a last line that
// had no newline, which a writer cut short may have left. err is io.EOF
// at the end, or the input's error.
func (lr *lineReader) next() (line []byte, long, final bool, err error) {
	empty := 0
	for {
		if i := bytes.IndexByte(lr.buf[lr.scan:lr.end], '\n'); i >= 0 {
			j := lr.scan + i
			line = lr.buf[lr.start:j]
			lr.start, lr.scan = j+1, j+1
			return lr.take(line, false)
		}
		lr.scan = lr.end
		if lr.long || lr.end-lr.start > lr.max {
			// Keep nothing of an over-long line: memory stays bounded.
			lr.long = true
			lr.start, lr.scan, lr.end = 0, 0, 0
		}
		if lr.err != nil {
			if lr.end > lr.start || lr.long {
				line = lr.buf[lr.start:lr.end]
				lr.start = lr.end
				return lr.take(line, true)
			}
			return nil, false, false, lr.err
		}
		if lr.start > 0 {
			n := copy(lr.buf, lr.buf[lr.start:lr.end])
			lr.scan -= lr.start
			lr.start, lr.end = 0, n
		}
		if lr.end == len(lr.buf) {
			grown := make([]byte, min(2*len(lr.buf), lr.max+readSize))
			copy(grown, lr.buf[:lr.end])
			lr.buf = grown
		}
		n, err := lr.r.Read(lr.buf[lr.end:])
		lr.end += n
		if err != nil {
			lr.err = err
		} else if n == 0 {
			if empty++; empty > 100 {
				lr.err = io.ErrNoProgress
			}
		}
	}
}

func (lr *lineReader) take(line []byte, final bool) ([]byte, bool, bool, error) {
	lr.n++
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	long := lr.long || len(line) > lr.max
	lr.long = false
	if long {
		line = nil
	}
	return line, long, final, nil
}

// bads reports bad lines to the sink, the first max of them one by one
// and the rest as one count at the end, so that a file of garbage cannot
// flood the report yet nothing goes unmentioned.
type bads struct {
	sink   egress.Sink
	max    int
	n      int
	hidden egress.Location // the first bad line not listed
}

func (b *bads) add(where egress.Location, reason string) {
	b.n++
	switch {
	case b.n <= b.max:
		b.sink.Bad(egress.Bad{Where: where, Reason: reason})
	case b.n == b.max+1:
		b.hidden = where
	}
}

// finish reports the bad lines not listed, if any.
func (b *bads) finish() {
	if b.n > b.max {
		b.sink.Bad(egress.Bad{Where: b.hidden, Reason: fmt.Sprintf(
			"%d more bad lines not listed, the first at line %d", b.n-b.max, b.hidden.Line)})
	}
}

// limits fills the fields of l left zero from egress.DefaultLimits.
func limits(l egress.Limits) egress.Limits {
	if l.MaxLine <= 0 {
		l.MaxLine = egress.DefaultLimits.MaxLine
	}
	if l.MaxBad <= 0 {
		l.MaxBad = egress.DefaultLimits.MaxBad
	}
	return l
}

// quote shows a bad value in a reason: quoted, and cut short if long.
func quote(b []byte) string {
	const max = 64
	if len(b) > max {
		return fmt.Sprintf("%q...", b[:max])
	}
	return fmt.Sprintf("%q", b)
}
