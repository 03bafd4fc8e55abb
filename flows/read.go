package flows

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"

	"github.com/embargo-dev/embargo/egress"
	"github.com/embargo-dev/embargo/egress/collect"
	"github.com/embargo-dev/embargo/egress/parts"
	"github.com/embargo-dev/embargo/input"
)

// mapInputs lets tests read large files through ReadAt, as where they
// cannot be mapped.
var mapInputs = true

// MinSplit is the smallest file worth reading in parts (a variable so
// that tests can split small files).
var MinSplit int64 = 32 << 20

// MaxDecompressed bounds what a gzip-compressed input may expand to.
const MaxDecompressed = 64 << 30

// ReadInputsTo reads each input ("-" is standard input) with the reader
// that recognises it, or the one named forced, into sink. Gzip-compressed
// inputs (rotated Zeek logs, VPC Flow Logs as delivered) are decompressed
// first. An input that cannot be read is recorded with its error and the
// others are still read; only a cancelled ctx stops the loop.
func ReadInputsTo(ctx context.Context, readers []egress.Reader, names []string, forced string, stdin io.Reader, sink egress.Sink) ([]collect.Input, error) {
	return readInputs(ctx, readers, names, forced, stdin, sink, nil, nil)
}

// ReadInputs is ReadInputsTo into the aggregator j, with large files of
// a format that can be split read in parts, one per core (egress/parts),
// and each input's records and bad records counted.
func ReadInputs(ctx context.Context, readers []egress.Reader, names []string, forced string, stdin io.Reader, j *collect.Aggregator) ([]collect.Input, error) {
	return readInputs(ctx, readers, names, forced, stdin, j.Sink(), j, nil)
}

func readInputs(ctx context.Context, readers []egress.Reader, names []string, forced string, stdin io.Reader, sink egress.Sink, j *collect.Aggregator, p *progress) ([]collect.Input, error) {
	var out []collect.Input
	for i, name := range names {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		p.input(name, i+1, len(names))
		in := collect.Input{Source: name}
		var before collect.Stats
		if j != nil {
			before = j.Collector().Stats
		}
		reader, err := readOne(ctx, readers, name, forced, stdin, sink, j)
		in.Reader = reader
		if j != nil {
			j.Publish()
			after := j.Collector().Stats
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

func readOne(ctx context.Context, readers []egress.Reader, name, forced string, stdin io.Reader, sink egress.Sink, j *collect.Aggregator) (string, error) {
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
			plan, err := sp.Split(at, size, n)
			if err != nil {
				return rd.Name(), err
			}
			if len(plan) > 1 {
				return rd.Name(), parts.Read(ctx, sp, name, file, data, plan, j)
			}
		}
		if data != nil {
			return rd.Name(), input.ReadMapped(func(r io.Reader) error { return rd.Read(ctx, name, r, sink) }, name, data, nil, 0, size)
		}
	}
	return rd.Name(), rd.Read(ctx, name, in.R, sink)
}
