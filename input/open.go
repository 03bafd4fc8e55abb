package input

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
)

// Options bound how an input is opened.
type Options struct {
	// HeadSize is how many of the first bytes are kept for sniffing.
	HeadSize int
	// MaxDecompressed bounds what a compressed input may expand to.
	MaxDecompressed int64
	// Stdin is read for the input "-".
	Stdin io.Reader
}

// Input is an opened input.
type Input struct {
	Name string
	// Head is the first bytes of the content (decompressed), at most
	// HeadSize; reading R gives them again.
	Head []byte
	// R reads the content from its start; for a regular file it also
	// has Size() int64.
	R io.Reader
	// File and Size are set for a regular file read as it is (not
	// standard input, not compressed); Size is -1 otherwise.
	File *os.File
	Size int64
	// Compressed is set when the content was decompressed.
	Compressed bool

	closers []io.Closer
}

// ErrIsDir is the error of opening a directory.
var ErrIsDir = errors.New("is a directory")

// Open opens the input name ("-" is o.Stdin). A directory is an error:
// callers that take directories check for them first.
func Open(name string, o Options) (*Input, error) {
	in := &Input{Name: name, Size: -1}
	var r io.Reader = o.Stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		in.closers = append(in.closers, f)
		st, err := f.Stat()
		if err == nil && st.IsDir() {
			in.Close()
			return nil, fmt.Errorf("%s %w", name, ErrIsDir)
		}
		if err == nil && st.Mode().IsRegular() {
			in.File, in.Size = f, st.Size()
		}
		r = f
	}
	if r == nil {
		return nil, errors.New("standard input: none to read")
	}
	br := bufio.NewReaderSize(r, o.HeadSize)
	head, err := peek(br, o.HeadSize)
	if err != nil {
		in.Close()
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if bytes.HasPrefix(head, gzipMagic) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			in.Close()
			return nil, fmt.Errorf("%s: gzip: %w", name, err)
		}
		in.closers = append(in.closers, zr)
		zb := bufio.NewReaderSize(&limited{r: zr, n: o.MaxDecompressed, max: o.MaxDecompressed, name: name}, o.HeadSize)
		if head, err = peek(zb, o.HeadSize); err != nil {
			in.Close()
			return nil, err // limited names the input
		}
		in.Head, in.R, in.Compressed = head, zb, true
		in.File, in.Size = nil, -1 // a compressed stream is read in one piece
		return in, nil
	}
	in.Head, in.R = head, br
	if in.File != nil {
		in.R = sized{br, in.Size}
	}
	return in, nil
}

var gzipMagic = []byte{0x1f, 0x8b}

// peek returns up to n first bytes of br; a short input is no error.
func peek(br *bufio.Reader, n int) ([]byte, error) {
	head, err := br.Peek(n)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, err
	}
	return head, nil
}

// Close releases the input.
func (in *Input) Close() error {
	var errs []error
	for i := len(in.closers) - 1; i >= 0; i-- {
		errs = append(errs, in.closers[i].Close())
	}
	in.closers = nil
	return errors.Join(errs...)
}

// sized tells readers the size of a regular file behind a buffer.
type sized struct {
	*bufio.Reader
	size int64
}

func (s sized) Size() int64 { return s.size }

// limited fails once more than n bytes were read: a decompression bomb is
// an error, not a full disk of work.
type limited struct {
	r      io.Reader
	n, max int64
	name   string
}

func (l *limited) Read(p []byte) (int, error) {
	if l.n <= 0 {
		var one [1]byte
		if n, err := l.r.Read(one[:]); n == 0 && errors.Is(err, io.EOF) {
			return 0, err // the end came exactly at the limit
		} else if n == 0 && err != nil {
			return 0, fmt.Errorf("%s: gzip: %w", l.name, err)
		}
		return 0, fmt.Errorf("%s: decompresses to more than %d bytes", l.name, l.max)
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	if err != nil && !errors.Is(err, io.EOF) {
		// A stream cut short or corrupt is said of the input, not as a
		// bare "unexpected EOF".
		err = fmt.Errorf("%s: gzip: %w", l.name, err)
	}
	return n, err
}
