// Package zeek reads Zeek logs into egress Flows and DNSAnswers: TSV,
// with its # header lines, and JSON (LogAscii::use_json=T), one object a
// line, in any mix and any number of logs concatenated.
//
// Four logs are read; the others (files, x509, weird, ...) are skipped.
//
//   - conn.log: one Flow a connection, originator to responder, with
//     bytes and packets each way.
//   - dns.log: one DNSAnswer for each A and AAAA answer; the client is
//     id.orig_h.
//   - ssl.log (and quic.log): a Flow naming its destination by TLS SNI
//     (server_name), with zero bytes. The same connection's conn.log
//     record carries the bytes; the aggregator joins the two on the
//     5-tuple, so the name is added without counting traffic twice.
//   - http.log: likewise, a Flow naming its destination by the Host
//     header.
//
// A TSV log says which log it is by #path; a JSON line by its _path
// field when it has one, else by the fields only that log writes.
// Columns are found by name in #fields once per header, so any field
// order, extra fields, and a header changing mid-file are read.
package zeek

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/embargo-dev/embargo/egress"
	"github.com/embargo-dev/embargo/egress/internal/textlog"
)

// Reader reads Zeek logs. The zero value is ready to use.
type Reader struct {
	// Limits bound what is read; a zero field takes egress.DefaultLimits'.
	Limits egress.Limits
}

// Name implements egress.Reader.
func (Reader) Name() string { return "zeek" }

// Sniff implements egress.Reader: a TSV header, or a JSON line with
// Zeek's connection id fields.
func (Reader) Sniff(_ string, head []byte) bool {
	for len(head) > 0 {
		line, rest, _ := bytes.Cut(head, []byte{'\n'})
		head = rest
		line = bytes.TrimSpace(line)
		switch {
		case len(line) == 0:
			continue
		case bytes.HasPrefix(line, []byte("#separator")) || bytes.HasPrefix(line, []byte("#fields")):
			return true
		case line[0] == '{':
			return bytes.Contains(line, []byte(`"id.orig_h"`))
		}
		return false
	}
	return false
}

// Read implements egress.Reader.
func (rd Reader) Read(ctx context.Context, name string, r io.Reader, sink egress.Sink) error {
	_, err := rd.read(ctx, name, r, sink)
	return err
}

func (rd Reader) read(ctx context.Context, name string, r io.Reader, sink egress.Sink) (*decoder, error) {
	d := rd.decoder(name, sink)
	defer d.bad.Finish()
	return d, textlog.Each(ctx, "zeek", name, r, textlog.WithDefaults(rd.Limits), &d.bad, d.line)
}

func (rd Reader) decoder(name string, sink egress.Sink) *decoder {
	d := &decoder{name: name, sink: sink, hdr: defaultHeader()}
	d.bad = textlog.Bads{Sink: sink, Max: textlog.WithDefaults(rd.Limits).MaxBad}
	return d
}

// decoder holds one Read's state; its buffers are reused line to line.
type decoder struct {
	name        string
	sink        egress.Sink
	fastConnBuf egress.Conn
	bad         textlog.Bads
	hdr         header
	rec         record
	ends        []int32
	flow        egress.Flow
	nameBuf     [1]egress.Name
	ans         egress.DNSAnswer
	names       textlog.Names
	scratch     []byte
	mixed       bool // d.rec was last filled from JSON
	// part is set when reading a part of a split file (ReadPart), whose
	// first prefixLines lines are the file's header.
	part        bool
	prefixLines int
	// fastLines counts the lines the fast path read, for tests.
	fastLines int
}

// line reads one line of either syntax; it returns why it is bad, or "".
func (d *decoder) line(line []byte, where egress.Location) string {
	if len(line) == 0 {
		return ""
	}
	if line[0] == ' ' || line[0] == '\t' {
		if line = bytes.TrimSpace(line); len(line) == 0 {
			return ""
		}
	}
	switch line[0] {
	case '#':
		if d.part && where.Line > d.prefixLines && !bytes.HasPrefix(line, []byte("#close")) {
			return textlog.Stop
		}
		return d.hdr.directive(line)
	case '{', '[':
		d.mixed = true
		kind, err := d.rec.fromJSON(line)
		if err != nil {
			return err.Error()
		}
		return d.emit(kind, where)
	}
	h := &d.hdr
	if !h.seen {
		return "a data line before any #fields header"
	}
	if !h.ready || d.mixed {
		// fill sets only the slots this header's log reads: the others
		// must not keep a value from a line of another header or JSON.
		if !h.ready {
			h.prepare()
		}
		d.rec.v = [nSlots]value{}
		d.mixed = false
	}
	if h.kind == logOther {
		return ""
	}
	if h.missing != "" {
		return h.missing
	}
	if len(h.fast) > 0 && d.fastConn(line, where) {
		return ""
	}
	d.ends = h.split(line, d.ends)
	if len(d.ends) != len(h.fields) {
		return fmt.Sprintf("%d fields where the #fields header names %d", len(d.ends), len(h.fields))
	}
	h.fill(&d.rec, line, d.ends)
	return d.emit(h.kind, where)
}
