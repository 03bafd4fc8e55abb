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
	"github.com/embargo-dev/embargo/input"
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
		// A line of the limit may still have its "\r" to come: take
		// decides on the line without it.
		if lr.long || lr.end-lr.start > lr.max+1 {
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
		b.Sink.Bad(egress.Bad{Where: b.hidden, Reason: egress.MoreBad(b.n-b.Max, b.hidden.Line)})
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
// An *input.Mapped input is read in place.
func Each(ctx context.Context, format, name string, r io.Reader, lim egress.Limits, bad *Bads,
	line func(b []byte, where egress.Location) (reason string)) error {
	_, err := EachCounted(ctx, format, name, r, lim, bad, line)
	return err
}

// Stop is the reason a line function gives to end the reading at that
// line, which is not reported: EachCounted then returns an
// *egress.PartStop naming it. A reader of a part of a file stops so at a
// line that changes how the lines after it are read.
const Stop = "\x00stop"

// EachCounted is Each, and says how many lines it read: every line of r,
// or those up to the one where it stopped.
func EachCounted(ctx context.Context, format, name string, r io.Reader, lim egress.Limits, bad *Bads,
	line func(b []byte, where egress.Location) (reason string)) (int, error) {
	e := each{format: format, name: name, lim: lim, bad: bad, line: line}
	if m, ok := r.(*input.Mapped); ok {
		err := e.mapped(ctx, m)
		return e.lines, err
	}
	lines := NewLineReader(r, lim.MaxLine)
	for {
		b, long, final, err := lines.Next()
		if err == io.EOF {
			return e.lines, nil
		}
		if err != nil {
			return e.lines, fmt.Errorf("%s: %s: reading after line %d: %w", format, name, lines.Line(), err)
		}
		if err := e.one(ctx, b, lines.Line(), long, final); err != nil {
			return e.lines, err
		}
	}
}

// each is one Each call.
type each struct {
	format, name string
	lim          egress.Limits
	bad          *Bads
	line         func(b []byte, where egress.Location) (reason string)
	lines        int // the lines read so far
}

// one handles line n.
func (e *each) one(ctx context.Context, b []byte, n int, long, final bool) error {
	e.lines = n
	where := egress.Location{Source: e.name, Line: n}
	if long {
		e.bad.Add(where, fmt.Sprintf("line longer than %d bytes", e.lim.MaxLine))
		return nil
	}
	if reason := e.line(b, where); reason != "" {
		if reason == Stop {
			return &egress.PartStop{Line: n}
		}
		if final {
			reason += " (the last line, without a newline: cut short?)"
		}
		e.bad.Add(where, reason)
	}
	if n%CtxEvery == 0 {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("%s: %s: stopped at line %d: %w", e.format, e.name, n, err)
		}
	}
	return nil
}

// mapped reads the lines of m where they lie, as a LineReader would
// return them. A line that runs from one segment into the next (which
// egress does not make) is joined in a buffer.
func (e *each) mapped(ctx context.Context, m *input.Mapped) error {
	n := 0
	var carry []byte // the start of a line a segment ended in
	over := false    // carry passed the limit and was dropped
	emit := func(b []byte, final bool) error {
		if len(carry) > 0 || over {
			b = append(carry, b...)
			carry = carry[:0]
		}
		if l := len(b); l > 0 && b[l-1] == '\r' {
			b = b[:l-1]
		}
		n++
		long := over || len(b) > e.lim.MaxLine
		over = false
		if long {
			b = nil
		}
		return e.one(ctx, b, n, long, final)
	}
	segs := m.Segments()
	for k, seg := range segs {
		for len(seg) > 0 {
			i := bytes.IndexByte(seg, '\n')
			if i >= 0 {
				if err := emit(seg[:i], false); err != nil {
					return err
				}
				seg = seg[i+1:]
				continue
			}
			if k == len(segs)-1 {
				err := emit(seg, true) // the last line, without a newline
				m.Done(k)
				return err
			}
			if over = over || len(carry)+len(seg) > e.lim.MaxLine+1; over {
				carry = carry[:0] // keep nothing of an over-long line
			} else {
				carry = append(carry, seg...)
			}
			break
		}
		m.Done(k)
	}
	if len(carry) > 0 || over {
		return emit(nil, true)
	}
	return nil
}
