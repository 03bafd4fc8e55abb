// Package textlog holds what the readers of line-oriented flow logs
// (egress/zeek, egress/eve, egress/vpcflow) share: a line reader that
// does not copy, the reporting of bad lines, and hand-written parsers of
// the values on the hot path.
package textlog

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/embargo-dev/embargo/egress"
)

// readSize is how much is asked of the input at a time; the buffer starts
// there and grows, up to the line limit, only for longer lines.
const readSize = 64 << 10

// LineReader splits an input into lines without copying them: a line is
// valid until the next call. A line longer than the limit is skipped to
// its end and reported, not returned.
type LineReader struct {
	r          io.Reader
	buf        []byte
	start, end int  // the unread bytes are buf[start:end]
	scan       int  // buf[start:scan] has no newline
	max        int  // longest line accepted
	long       bool // skipping the rest of a line longer than max
	n          int  // number of the line last returned, from 1
	err        error
}

func NewLineReader(r io.Reader, max int) *LineReader {
	return &LineReader{r: r, buf: make([]byte, min(readSize, max+1)), max: max}
}

// next returns the next line without its "\n" or "\r\n". long reports a
// line over the limit (line is then nil); final reports a last line that
// had no newline, which a writer cut short may have left. err is io.EOF
// at the end, or the input's error.
func (lr *LineReader) Next() (line []byte, long, final bool, err error) {
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

// Line is the number of the line last returned, from 1.
func (lr *LineReader) Line() int { return lr.n }

func (lr *LineReader) take(line []byte, final bool) ([]byte, bool, bool, error) {
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

// Bads reports bad lines to the sink, the first max of them one by one
// and the rest as one count at the end, so that a file of garbage cannot
// flood the report yet nothing goes unmentioned.
type Bads struct {
	Sink   egress.Sink
	Max    int
	n      int
	hidden egress.Location // the first bad line not listed
}

func (b *Bads) Add(where egress.Location, reason string) {
	b.n++
	switch {
	case b.n <= b.Max:
		b.Sink.Bad(egress.Bad{Where: where, Reason: reason})
	case b.n == b.Max+1:
		b.hidden = where
	}
}

// Finish reports the bad lines not listed, if any.
func (b *Bads) Finish() {
	if b.n > b.Max {
		b.Sink.Bad(egress.Bad{Where: b.hidden, Reason: fmt.Sprintf(
			"%d more bad lines not listed, the first at line %d", b.n-b.Max, b.hidden.Line)})
	}
}

// WithDefaults fills the fields of l left zero from egress.DefaultLimits.
func WithDefaults(l egress.Limits) egress.Limits {
	if l.MaxLine <= 0 {
		l.MaxLine = egress.DefaultLimits.MaxLine
	}
	if l.MaxBad <= 0 {
		l.MaxBad = egress.DefaultLimits.MaxBad
	}
	return l
}

// Quote shows a bad value in a reason: quoted, and cut short if long.
func Quote(b []byte) string {
	const max = 64
	if len(b) > max {
		return fmt.Sprintf("%q...", b[:max])
	}
	return fmt.Sprintf("%q", b)
}

// CtxEvery is how many lines pass between looks at the context.
const CtxEvery = 4096

// Each reads r (named name, in format) line by line and calls line with
// each and its position. A non-empty reason from line, an overlong line,
// or a cut-short last line is reported to bad; an I/O error or a done ctx
// ends the read with an error naming the format, the input and the line.
func Each(ctx context.Context, format, name string, r io.Reader, lim egress.Limits, bad *Bads,
	line func(b []byte, where egress.Location) (reason string)) error {
	lines := NewLineReader(r, lim.MaxLine)
	for {
		b, long, final, err := lines.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %s: reading after line %d: %w", format, name, lines.Line(), err)
		}
		where := egress.Location{Source: name, Line: lines.Line()}
		if long {
			bad.Add(where, fmt.Sprintf("line longer than %d bytes", lim.MaxLine))
			continue
		}
		if reason := line(b, where); reason != "" {
			if final {
				reason += " (the last line, without a newline: cut short?)"
			}
			bad.Add(where, reason)
		}
		if lines.Line()%CtxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("%s: %s: stopped at line %d: %w", format, name, lines.Line(), err)
			}
		}
	}
}
