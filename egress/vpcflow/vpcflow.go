// Package vpcflow reads AWS VPC Flow Logs as delivered to S3: text files,
// usually gzip-compressed (.log.gz), whose first line names the fields
// of the records below it, in the default format (version 2) or any
// custom one of versions 2 to 8.
//
// A record counts the traffic of one direction on one network interface
// in an aggregation interval: it becomes a Flow from srcaddr to dstaddr
// with BytesOut = bytes and PktsOut = packets, and nothing in. The reply
// is another record, and so another Flow, from the server; the
// aggregator pairs nothing, since a record says neither which end opened
// the connection nor which record answers which. Where the format has
// pkt-srcaddr and pkt-dstaddr (the packet's own addresses), they are
// used: through a NAT gateway, srcaddr and dstaddr are the gateway's.
//
// NODATA and SKIPDATA records (no traffic, or records AWS skipped) carry
// no addresses; they are counted in Counts, not reported as Bad.
package vpcflow

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/embargo-dev/embargo/egress"
	"github.com/embargo-dev/embargo/egress/internal/textlog"
)

// MaxDecompressed is how much a gzip-compressed input may inflate to by
// default: far more than the few hundred megabytes of a large hourly
// file, far less than a decompression bomb would make.
const MaxDecompressed = 16 << 30

// Reader reads VPC Flow Logs. The zero value is ready to use.
type Reader struct {
	// Limits bound what is read; a zero field takes egress.DefaultLimits'.
	Limits egress.Limits
	// MaxDecompressed bounds a compressed input's decompressed size; zero
	// takes the package's MaxDecompressed.
	MaxDecompressed int64
	// Counts, when set, has the records skipped without being Bad added to
	// it. A Reader with Counts must not Read concurrently.
	Counts *Counts
}

// Counts are the records read but not turned into Flows, nor Bad.
type Counts struct {
	NoData   int // log-status NODATA: no traffic in the interval
	SkipData int // log-status SKIPDATA: records AWS could not capture
}

// Name implements egress.Reader.
func (Reader) Name() string { return "vpcflow" }

var gzipMagic = []byte{0x1f, 0x8b}

// Sniff implements egress.Reader: a first line naming srcaddr and
// dstaddr, read through gzip when the input is compressed.
func (Reader) Sniff(_ string, head []byte) bool {
	if bytes.HasPrefix(head, gzipMagic) {
		zr, err := gzip.NewReader(bytes.NewReader(head))
		if err != nil {
			return false
		}
		// A head cut mid-stream ends in an error; what came before is enough.
		plain, _ := io.ReadAll(io.LimitReader(zr, egress.SniffSize))
		head = plain
	}
	line, _, _ := bytes.Cut(head, []byte{'\n'})
	var h header
	return h.parse(bytes.TrimSpace(line)) == nil
}

// ctxEvery is how many lines pass between looks at the context.
const ctxEvery = 4096

// errTooBig is the error of a compressed input inflating past its limit.
var errTooBig = errors.New("decompressed size past the limit")

// Read implements egress.Reader.
func (rd Reader) Read(ctx context.Context, name string, r io.Reader, sink egress.Sink) error {
	lim := textlog.WithDefaults(rd.Limits)
	br := bufio.NewReader(r)
	in := io.Reader(br)
	if magic, _ := br.Peek(2); bytes.Equal(magic, gzipMagic) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("vpcflow: %s: gzip: %w", name, err)
		}
		max := rd.MaxDecompressed
		if max <= 0 {
			max = MaxDecompressed
		}
		in = &capped{r: zr, left: max}
	}
	d := &decoder{name: name, sink: sink, counts: rd.Counts}
	if d.counts == nil {
		d.counts = new(Counts)
	}
	d.bad = textlog.Bads{Sink: sink, Max: lim.MaxBad}
	defer d.bad.Finish()
	lines := textlog.NewLineReader(in, lim.MaxLine)
	for {
		line, long, final, err := lines.Next()
		if err == io.EOF {
			if !d.hdr.ok {
				return fmt.Errorf("vpcflow: %s: empty: no header line", name)
			}
			return nil
		}
		if err != nil {
			return fmt.Errorf("vpcflow: %s: reading after line %d: %w", name, lines.Line(), err)
		}
		where := egress.Location{Source: name, Line: lines.Line()}
		if long {
			d.bad.Add(where, fmt.Sprintf("line longer than %d bytes", lim.MaxLine))
			continue
		}
		reason, err := d.line(line, where)
		if err != nil {
			return fmt.Errorf("vpcflow: %s:%d: %w", name, lines.Line(), err)
		}
		if reason != "" {
			if final {
				reason += " (the last line, without a newline: cut short?)"
			}
			d.bad.Add(where, reason)
		}
		if lines.Line()%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("vpcflow: %s: stopped at line %d: %w", name, lines.Line(), err)
			}
		}
	}
}

// capped passes on at most left bytes, then fails with errTooBig.
type capped struct {
	r    io.Reader
	left int64
}

func (c *capped) Read(p []byte) (int, error) {
	if c.left <= 0 {
		// At the limit: only the end of the input is allowed.
		var one [1]byte
		if n, err := c.r.Read(one[:]); n == 0 && err == io.EOF {
			return 0, io.EOF
		}
		return 0, errTooBig
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}
