package collect

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"sync"

	"github.com/embargo-dev/embargo/egress"
	"github.com/embargo-dev/embargo/input"
)

// MinSplit is the smallest file worth reading in parts (a variable so
// that tests can split small files).
var MinSplit int64 = 32 << 20

// readParts reads the parts of f with rd on goroutines of their own, each
// into a collector of j's, merged into j's own in order when all are
// done, its lines renumbered as lines of the file. data is f mapped, or
// nil to read f.
func readParts(ctx context.Context, rd egress.Splitter, name string, f *os.File, data []byte, parts []egress.Part, j *Aggregator) error {
	prefix := countLines(parts[0].Prefix)
	run := newPartRun(ctx, len(parts), prefix)
	defer run.cancelAll()
	cols := make([]*Collector, len(parts))
	var wg sync.WaitGroup
	for i, p := range parts {
		cols[i] = j.part(run.overflow(i, j.judgeLocked))
		wg.Go(func() {
			read := func(in io.Reader) error {
				var err error
				run.lines[i], err = rd.ReadPart(run.ctx[i], name, p, in, cols[i])
				return err
			}
			var err error
			if data != nil {
				err = input.ReadMapped(read, name, data, p.Prefix, p.Off, p.End)
			} else {
				err = read(io.MultiReader(bytes.NewReader(p.Prefix), io.NewSectionReader(f, p.Off, p.End-p.Off)))
			}
			run.finish(i, err)
		})
	}
	wg.Wait()
	for i, c := range cols {
		c.renumber(prefix, run.shift(i))
		j.coll.Merge(c)
		err := run.errs[i]
		var stop *egress.PartStop
		if errors.As(err, &stop) {
			return readRest(ctx, rd, name, f, data, parts[i], stop.Line-prefix, run.shift(i), j)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// readRest reads the file in order from line k of part p's range (whose
// lines are numbered by adding shift to their number in p's input) to its
// end, with p's Prefix in front.
func readRest(ctx context.Context, rd egress.Reader, name string, f *os.File, data []byte, p egress.Part, k, shift int, j *Aggregator) error {
	off := p.Off
	if data != nil {
		err := input.NewMappedFile(name, data).Guard(func() error {
			off = lineStart(data[p.Off:p.End], k) + p.Off
			return nil
		})
		if err != nil {
			return err
		}
	} else {
		var err error
		if off, err = lineStartAt(f, p.Off, p.End, k); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	prefix := countLines(p.Prefix)
	// Line k of the range is line prefix+1 of the input read now.
	sink := &shiftSink{s: j.coll, shift: shift + k - 1, prefix: prefix}
	if data != nil {
		size := int64(len(data))
		return input.ReadMapped(func(in io.Reader) error { return rd.Read(ctx, name, in, sink) }, name, data, p.Prefix, off, size)
	}
	st, err := f.Stat()
	if err != nil {
		return err
	}
	in := io.MultiReader(bytes.NewReader(p.Prefix), io.NewSectionReader(f, off, st.Size()-off))
	return rd.Read(ctx, name, in, sink)
}

// shiftSink renumbers the lines of a part as lines of the whole file.
type shiftSink struct {
	s      *Collector
	shift  int
	prefix int
}

func (s *shiftSink) at(l *egress.Location) {
	if l.Line > s.prefix {
		l.Line += s.shift
	}
}

func (s *shiftSink) Flow(f *egress.Flow) { s.at(&f.Where); s.s.Flow(f) }

func (s *shiftSink) Conn(c *egress.Conn) { s.at(&c.Where); s.s.Conn(c) }

func (s *shiftSink) DNS(a *egress.DNSAnswer) { s.at(&a.Where); s.s.DNS(a) }

func (s *shiftSink) Bad(b egress.Bad) { s.s.Bad(shiftBad(b, s.prefix, s.shift)) }

// shiftBad renumbers a bad line past prefix, and the line that a count
// of bad lines not listed names in its reason (its own Where.Line).
func shiftBad(b egress.Bad, prefix, shift int) egress.Bad {
	line := b.Where.Line
	if line <= prefix {
		return b
	}
	b.Where.Line += shift
	if n, first, ok := egress.ParseMoreBad(b.Reason); ok && first == line {
		b.Reason = egress.MoreBad(n, b.Where.Line)
	}
	return b
}

func countLines(b []byte) int {
	n := 0
	for _, c := range b {
		if c == '\n' {
			n++
		}
	}
	return n
}

// part is a collector for one part of an input: it shares the judge's
// source systems, under a lock, and hands what overflows its table to
// overflow.
func (j *Aggregator) part(overflow func(*Conversation)) *Collector {
	c := NewCollector(j.o.Limits, func(a netip.Addr) int32 {
		j.mu.Lock()
		defer j.mu.Unlock()
		return j.sourceIndex(a)
	}, overflow)
	c.one = j.oneSystem()
	return c
}

// judgeLocked is judgeOne for the parts' collectors.
func (j *Aggregator) judgeLocked(cv *Conversation) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.judgeOne(cv)
}

// renumber makes the lines of a part's input (past its prefix lines) the
// file's, by adding shift: the samples of the entries and the bad lines.
func (c *Collector) renumber(prefix, shift int) {
	if shift == 0 {
		return
	}
	c.flush()
	for i := range int32(c.table.n) {
		if w := &c.table.coldAt(i).where; w.Line > prefix {
			w.Line += shift
		}
	}
	for k := range c.Bads {
		c.Bads[k] = shiftBad(c.Bads[k], prefix, shift)
	}
}
