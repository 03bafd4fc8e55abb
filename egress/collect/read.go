package collect

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"

	"github.com/embargo-dev/embargo/egress"
	"github.com/embargo-dev/embargo/input"
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
func ReadInputs(ctx context.Context, readers []egress.Reader, names []string, forced string, stdin io.Reader, sink egress.Sink) ([]Input, error) {
	return readInputs(ctx, readers, names, forced, stdin, sink, nil)
}

// ReadInputs is the package's ReadInputs into the judge, with large files
// of a format that can be split read in parts, one per core.
func (j *Aggregator) ReadInputs(ctx context.Context, readers []egress.Reader, names []string, forced string, stdin io.Reader) ([]Input, error) {
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

func readInputs(ctx context.Context, readers []egress.Reader, names []string, forced string, stdin io.Reader, sink egress.Sink, j *Aggregator) ([]Input, error) {
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

func readOne(ctx context.Context, readers []egress.Reader, name, forced string, stdin io.Reader, sink egress.Sink, j *Aggregator) (string, error) {
	in, err := input.Open(name, input.Options{HeadSize: egress.SniffSize, MaxDecompressed: MaxDecompressed, Stdin: stdin})
	if errors.Is(err, input.ErrIsDir) {
		return "", fmt.Errorf("%w; name the log files", err)
	}
	if err != nil {
		return "", err
	}
	defer in.Close()
	rd, ok := input.Choose(readers, in, forced)
	switch {
	case !ok && forced != "":
		return "", fmt.Errorf("no flow reader %q (there are %s)", forced, strings.Join(input.Names(readers), ", "))
	case !ok:
		return "", fmt.Errorf("%s: not a format embargo flows reads (%s); --format forces one", name, strings.Join(input.Names(readers), ", "))
	}
	if sp, ok := rd.(egress.Splitter); ok && in.File != nil && in.Size >= MinSplit {
		file, size := in.File, in.Size
		var data []byte
		if mapInputs {
			var unmap func()
			data, unmap = input.MapFile(file, size)
			defer unmap()
		}
		if n := runtime.GOMAXPROCS(0); n > 1 && j != nil {
			var at io.ReaderAt = file
			if data != nil {
				at = input.NewMappedFile(name, data)
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
			return rd.Name(), input.ReadMapped(func(r io.Reader) error { return rd.Read(ctx, name, r, sink) }, name, data, nil, 0, size)
		}
	}
	return rd.Name(), rd.Read(ctx, name, in.R, sink)
}
