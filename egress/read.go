package egress

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
)

// mapInputs lets tests read large files through ReadAt, as where they
// cannot be mapped.
var mapInputs = true

// MaxDecompressed bounds what a gzip-compressed input may expand to.
const MaxDecompressed = 64 << 30

// ReadInputs reads each input ("-" is standard input) with the reader
// that recognises it, or the one named forced, into sink. Gzip-compressed
// inputs (rotated Zeek logs, VPC Flow Logs as delivered) are decompressed
// first. An input that cannot be read is recorded with its error and the
// others are still read; only a cancelled ctx stops the loop.
func ReadInputs(ctx context.Context, readers []Reader, names []string, forced string, stdin io.Reader, sink Sink) ([]Input, error) {
	return readInputs(ctx, readers, names, forced, stdin, sink, nil)
}

// ReadInputs is the package's ReadInputs into the judge, with large files
// of a format that can be split read in parts, one per core.
func (j *Aggregator) ReadInputs(ctx context.Context, readers []Reader, names []string, forced string, stdin io.Reader) ([]Input, error) {
	return readInputs(ctx, readers, names, forced, stdin, j.coll, j)
}

// Input is one input read, and what came of it.
type Input struct {
	Source string
	Reader string
	Error  string
	// Records and Bad count the records read from the input (flows and
	// DNS answers) and the bad ones, when read into an Aggregator.
	Records, Bad uint64
}

func readInputs(ctx context.Context, readers []Reader, names []string, forced string, stdin io.Reader, sink Sink, j *Aggregator) ([]Input, error) {
	var out []Input
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		in := Input{Source: name}
		var before Stats
		if j != nil {
			before = j.coll.Stats
		}
		reader, err := readOne(ctx, readers, name, forced, stdin, sink, j)
		in.Reader = reader
		if j != nil {
			after := j.coll.Stats
			in.Records = after.Flows + after.DNSAnswers - before.Flows - before.DNSAnswers
			in.Bad = after.Bad - before.Bad
		}
		if err != nil {
			if ctx.Err() != nil {
				return out, ctx.Err()
			}
			in.Error = err.Error()
		}
		out = append(out, in)
	}
	return out, nil
}

func readOne(ctx context.Context, readers []Reader, name, forced string, stdin io.Reader, sink Sink, j *Aggregator) (string, error) {
	var r io.Reader = stdin
	var file *os.File
	var size int64
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return "", err
		}
		defer f.Close()
		st, err := f.Stat()
		if err == nil && st.IsDir() {
			return "", fmt.Errorf("%s is a directory; name the log files", name)
		}
		if err == nil && st.Mode().IsRegular() {
			file, size = f, st.Size()
		}
		r = f
	}
	br := bufio.NewReaderSize(r, SniffSize)
	head, err := br.Peek(SniffSize)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return "", err
	}
	var src io.Reader = br
	if bytes.HasPrefix(head, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return "", fmt.Errorf("%s: gzip: %w", name, err)
		}
		defer zr.Close()
		zb := bufio.NewReaderSize(&limited{r: zr, n: MaxDecompressed, name: name}, SniffSize)
		if head, err = zb.Peek(SniffSize); err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
			return "", fmt.Errorf("%s: gzip: %w", name, err)
		}
		src = zb
		file = nil // a compressed stream is read in one piece
	}
	rd, err := choose(readers, name, forced, head)
	if err != nil {
		return "", err
	}
	if sp, ok := rd.(Splitter); ok && file != nil && size >= MinSplit {
		var data []byte
		if mapInputs {
			var unmap func()
			data, unmap = mapFile(file, size)
			defer unmap()
		}
		if n := runtime.GOMAXPROCS(0); n > 1 && j != nil {
			var at io.ReaderAt = file
			if data != nil {
				at = NewMappedFile(name, data)
			}
			parts, err := sp.Split(at, size, n)
			if err != nil {
				return rd.Name(), err
			}
			if len(parts) > 1 {
				return rd.Name(), readParts(ctx, sp, name, file, data, parts, j)
			}
		}
		if data != nil {
			return rd.Name(), readMapped(func(r io.Reader) error { return rd.Read(ctx, name, r, sink) }, name, data, nil, 0, size)
		}
	}
	return rd.Name(), rd.Read(ctx, name, src, sink)
}

func choose(readers []Reader, name, forced string, head []byte) (Reader, error) {
	var names []string
	for _, rd := range readers {
		names = append(names, rd.Name())
		if forced != "" {
			if rd.Name() == forced {
				return rd, nil
			}
			continue
		}
		if rd.Sniff(name, head) {
			return rd, nil
		}
	}
	if forced != "" {
		return nil, fmt.Errorf("no flow reader %q (there are %s)", forced, strings.Join(names, ", "))
	}
	return nil, fmt.Errorf("%s: not a format embargo flows reads (%s); --format forces one", name, strings.Join(names, ", "))
}

// limited fails once more than n bytes were read: a decompression bomb is
// an error, not a full disk of work.
type limited struct {
	r    io.Reader
	n    int64
	name string
}

func (l *limited) Read(p []byte) (int, error) {
	if l.n <= 0 {
		var one [1]byte
		if n, err := l.r.Read(one[:]); n == 0 && err != nil {
			return 0, err // the end came exactly at the limit
		}
		return 0, fmt.Errorf("%s: decompresses to more than %d bytes", l.name, int64(MaxDecompressed))
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}
