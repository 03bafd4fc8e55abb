package egress

import (
	"context"
	"fmt"
	"io"
	"strings"
)

// Part is a byte range of a file that a reader can read on its own: the
// Prefix (a header the range needs) is read first, then Off to End.
type Part struct {
	Off, End int64
	Prefix   []byte
}

// Splitter is a Reader that can plan the reading of a large file in
// parts, one per core. Split returns nil when the file cannot be split (a
// format it cannot tell apart). f is a MappedFile when the file is
// mapped: its Bytes may be read in place, under its Guard.
//
// The parts are planned without reading the file through: they are read
// at once, each as if the lines before it held nothing that changes how
// it is read, and ReadPart must stop, with a *PartStop, at the first line
// of a part that would (a Zeek header directive past the Prefix). The
// parts before it, and its lines before that one, stand; the rest of the
// file is then read in order.
type Splitter interface {
	Reader
	Split(f io.ReaderAt, size int64, n int) ([]Part, error)
	// ReadPart reads in (p's Prefix, then its range; an *Mapped when the
	// file is mapped) into sink as Read does, and returns how many lines
	// of in it read, the Prefix's included.
	ReadPart(ctx context.Context, name string, p Part, in io.Reader, sink Sink) (lines int, err error)
}

// PartStop is the error of a ReadPart that stopped at line Line of its
// input, which it did not read.
type PartStop struct{ Line int }

func (s *PartStop) Error() string {
	return fmt.Sprintf("line %d of a part changes how the lines after it are read", s.Line)
}

// MoreBad is the reason of the Bad that a text reader reports at the end
// for the bad lines past its MaxBad: n of them, the first at line first.
func MoreBad(n, first int) string {
	return fmt.Sprintf("%d more bad lines not listed, the first at line %d", n, first)
}

// ParseMoreBad reads a reason written by MoreBad.
func ParseMoreBad(reason string) (n, first int, ok bool) {
	if !strings.Contains(reason, " more bad lines not listed, the first at line ") {
		return 0, 0, false
	}
	k, err := fmt.Sscanf(reason, "%d more bad lines not listed, the first at line %d", &n, &first)
	return n, first, err == nil && k == 2 && MoreBad(n, first) == reason
}

// ShiftBad renumbers a bad line past prefix by shift, and the line that
// a count of bad lines not listed names in its reason (its own
// Where.Line): a part's lines become the whole file's.
func ShiftBad(b Bad, prefix, shift int) Bad {
	line := b.Where.Line
	if line <= prefix {
		return b
	}
	b.Where.Line += shift
	if n, first, ok := ParseMoreBad(b.Reason); ok && first == line {
		b.Reason = MoreBad(n, b.Where.Line)
	}
	return b
}
