package egress

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strings"
	"sync"

	"github.com/embargo-dev/embargo/egress/internal/connflow"
)

// Part is a byte range of a file that a reader can read on its own: the
// Prefix (a header the range needs) is read first, then Off to End, whose
// first line is line FirstLine of the file.
type Part struct {
	Off, End  int64
	Prefix    []byte
	FirstLine int
}

// Splitter is a Reader that can plan the reading of a large file in
// parts, one per core. It returns nil when the file cannot be split (a
// header that changes midway, a format it cannot tell apart). f is a
// MappedFile when the file is mapped: its Bytes may be read in place,
// under its Guard. The parts are then read from an *Mapped input.
type Splitter interface {
	Reader
	Split(f io.ReaderAt, size int64, n int) ([]Part, error)
}

// MinSplit is the smallest file worth reading in parts (a variable so
// that tests can split small files).
var MinSplit int64 = 32 << 20

// readParts reads the parts of f with rd on goroutines of their own, each
// into a collector of j's, merged into j's own when all are done. data is
// f mapped, or nil to read f.
func readParts(ctx context.Context, rd Reader, name string, f *os.File, data []byte, parts []Part, j *Judge) error {
	cols := make([]*Collector, len(parts))
	errs := make([]error, len(parts))
	var wg sync.WaitGroup
	for i, p := range parts {
		cols[i] = j.part()
		wg.Go(func() {
			sink := &shiftSink{s: cols[i], shift: p.FirstLine - 1 - countLines(p.Prefix), prefix: countLines(p.Prefix)}
			if data != nil {
				errs[i] = readMapped(func(in io.Reader) error { return rd.Read(ctx, name, in, sink) }, name, data, p.Prefix, p.Off, p.End)
				return
			}
			in := io.MultiReader(bytes.NewReader(p.Prefix), io.NewSectionReader(f, p.Off, p.End-p.Off))
			errs[i] = rd.Read(ctx, name, in, sink)
		})
	}
	wg.Wait()
	for i, c := range cols {
		j.coll.Merge(c)
		if errs[i] != nil {
			return errs[i]
		}
	}
	return nil
}

// shiftSink renumbers the lines of a part as lines of the whole file.
type shiftSink struct {
	s      *Collector
	shift  int
	prefix int
}

func (s *shiftSink) at(l *Location) {
	if l.Line > s.prefix {
		l.Line += s.shift
	}
}

func (s *shiftSink) Flow(f *Flow) { s.at(&f.Where); s.s.Flow(f) }

// AddConn implements connflow.Adder.
func (s *shiftSink) AddConn(c *connflow.Conn) {
	if c.Line > s.prefix {
		c.Line += s.shift
	}
	s.s.AddConn(c)
}

func (s *shiftSink) DNS(a *DNSAnswer) { s.at(&a.Where); s.s.DNS(a) }

// Bad renumbers the bad line, and the line a count of bad lines not
// listed names in its reason (which is the count's own Where.Line).
func (s *shiftSink) Bad(b Bad) {
	line := b.Where.Line
	s.at(&b.Where)
	if b.Where.Line != line {
		if n, first, ok := parseMoreBad(b.Reason); ok && first == line {
			b.Reason = MoreBad(n, b.Where.Line)
		}
	}
	s.s.Bad(b)
}

// MoreBad is the reason of the Bad that a text reader reports at the end
// for the bad lines past its MaxBad: n of them, the first at line first.
func MoreBad(n, first int) string {
	return fmt.Sprintf("%d more bad lines not listed, the first at line %d", n, first)
}

// parseMoreBad reads a reason written by MoreBad.
func parseMoreBad(reason string) (n, first int, ok bool) {
	if !strings.Contains(reason, " more bad lines not listed, the first at line ") {
		return 0, 0, false
	}
	k, err := fmt.Sscanf(reason, "%d more bad lines not listed, the first at line %d", &n, &first)
	return n, first, err == nil && k == 2 && MoreBad(n, first) == reason
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
// source systems and overflow, under a lock, and is merged into the
// judge's own collector when its part is read.
func (j *Judge) part() *Collector {
	c := NewCollector(j.o.Limits, func(a netip.Addr) int32 {
		j.mu.Lock()
		defer j.mu.Unlock()
		return j.sourceIndex(a)
	}, func(cv *Conversation) {
		j.mu.Lock()
		defer j.mu.Unlock()
		j.judgeOne(cv)
	})
	c.one = j.oneSystem()
	return c
}
