package parts

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/embargo-dev/embargo/egress"
	"github.com/embargo-dev/embargo/egress/collect"
	"github.com/embargo-dev/embargo/input"
)

// Read reads the parts of f with rd on goroutines of their own, each into
// a part collector of j's, merged into j's own collector in order when
// all are done, its lines renumbered as lines of the file. data is f
// mapped (input.MapFile), or nil to read f. A part that stops at a line
// that changes how the lines after it are read (egress.PartStop) ends the
// parts: the rest of the file is read in order.
func Read(ctx context.Context, rd egress.Splitter, name string, f *os.File, data []byte, parts []egress.Part, j *collect.Aggregator) error {
	prefix := countLines(parts[0].Prefix)
	run := newPartRun(ctx, len(parts), prefix)
	defer run.cancelAll()
	cols := make([]*collect.Collector, len(parts))
	var wg sync.WaitGroup
	for i, p := range parts {
		cols[i] = j.PartCollector(run.overflow(i, j.AddLocked))
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
		c.Renumber(prefix, run.shift(i))
		j.Collector().Merge(c)
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
func readRest(ctx context.Context, rd egress.Reader, name string, f *os.File, data []byte, p egress.Part, k, shift int, j *collect.Aggregator) error {
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
	sink := &shiftSink{s: j.Collector(), shift: shift + k - 1, prefix: prefix}
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
	s      *collect.Collector
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

func (s *shiftSink) Bad(b egress.Bad) { s.s.Bad(egress.ShiftBad(b, s.prefix, s.shift)) }

func countLines(b []byte) int {
	n := 0
	for _, c := range b {
		if c == '\n' {
			n++
		}
	}
	return n
}
