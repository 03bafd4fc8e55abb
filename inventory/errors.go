package inventory

import (
	"errors"
	"fmt"
	"io"
)

// InputError is a document that could not be read, with where.
type InputError struct {
	Source string // input as named
	Line   int    // 1-based, 0 when unknown
	Column int    // 1-based, 0 when unknown
	Offset int64  // byte offset, -1 when unknown
	Err    error
}

func (e *InputError) Error() string {
	pos := e.Source
	switch {
	case e.Line > 0 && e.Column > 0:
		pos += fmt.Sprintf(":%d:%d", e.Line, e.Column)
	case e.Line > 0:
		pos += fmt.Sprintf(":%d", e.Line)
	case e.Offset >= 0:
		pos += fmt.Sprintf(": byte %d", e.Offset)
	}
	return pos + ": " + e.Err.Error()
}

func (e *InputError) Unwrap() error { return e.Err }

// ErrTooLarge is returned when an input exceeds a size limit.
var ErrTooLarge = errors.New("input exceeds the size limit")

// LimitReader returns a reader that fails with ErrTooLarge, rather than
// stopping quietly, once more than n bytes are read: a truncated document
// must never pass for a whole one.
func LimitReader(r io.Reader, n int64) io.Reader { return &limitReader{r: r, n: n} }

type limitReader struct {
	r    io.Reader
	n    int64
	read int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.read > l.n {
		return 0, fmt.Errorf("%w (%d bytes)", ErrTooLarge, l.n)
	}
	if int64(len(p)) > l.n-l.read+1 {
		p = p[:l.n-l.read+1]
	}
	n, err := l.r.Read(p)
	l.read += int64(n)
	if l.read > l.n {
		return n, fmt.Errorf("%w (%d bytes)", ErrTooLarge, l.n)
	}
	return n, err
}

// LineCol turns a byte offset in data into a 1-based line and column.
func LineCol(data []byte, off int64) (line, col int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	line, col = 1, 1
	for _, b := range data[:off] {
		if b == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}

// Sized is a reader that knows how many bytes it holds, such as an open
// regular file; ReadAll uses it to read into one buffer of the right size.
type Sized interface {
	io.Reader
	Size() int64
}

// ReadAll reads a whole input of at most max bytes, failing with
// ErrTooLarge beyond. A Sized reader is read into a buffer of its size at
// once, which halves the peak memory of reading a large document.
func ReadAll(r io.Reader, max int64) ([]byte, error) {
	lr := LimitReader(r, max)
	s, ok := r.(Sized)
	if !ok || s.Size() <= 0 || s.Size() > max {
		return io.ReadAll(lr)
	}
	buf := make([]byte, 0, s.Size()+1) // +1 lets io.ReadAll-style growth see EOF without copying
	for {
		n, err := lr.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
		if len(buf) == cap(buf) {
			// The input grew while being read: fall back to growing.
			rest, err := io.ReadAll(lr)
			return append(buf, rest...), err
		}
	}
}
