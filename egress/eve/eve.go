// Package eve reads Suricata's EVE JSON log (eve.json, one object a
// line) into egress Flows and DNSAnswers.
//
//   - flow: one Flow a flow, src_ip (the client) to dest_ip, with
//     flow.bytes_toserver and pkts_toserver out and the _toclient
//     counters in, from flow.start to flow.end.
//   - netflow: Suricata's unidirectional records, one per direction of a
//     flow, the reply's with src and dest swapped. Each is a Flow from
//     src_ip to dest_ip carrying only that direction's bytes and packets
//     (out); nothing pairs the two, so a reply shows as a Flow from the
//     server.
//   - dns: a DNSAnswer for each A and AAAA answer of a response, in every
//     layout Suricata has written: one record per answer (type "answer",
//     before version 2), an answers array and/or grouped answers (version
//     2), and version 3's type "response" with a queries array. The answer
//     is named by the query when the record gives it, else by the answer's
//     own rrname; grouped answers carry no TTL.
//   - tls and quic: a Flow naming its destination by SNI, and http one
//     naming it by Host, with zero bytes: the flow record of the same
//     5-tuple carries the bytes, and the aggregator adds the name to it.
//
// Other event types (alert, anomaly, fileinfo, stats, ...) are skipped,
// without being decoded and without being Bad.
package eve

import (
	"bytes"
	"context"
	"io"

	"github.com/embargo-dev/embargo/egress"
	"github.com/embargo-dev/embargo/egress/internal/textlog"
)

// Reader reads EVE JSON. The zero value is ready to use.
type Reader struct {
	// Limits bound what is read; a zero field takes egress.DefaultLimits'
	// (whose 1 MiB line holds any EVE record but a pathological one).
	Limits egress.Limits
}

// Name implements egress.Reader.
func (Reader) Name() string { return "eve" }

// Sniff implements egress.Reader: a JSON line with an event_type field.
func (Reader) Sniff(_ string, head []byte) bool {
	for len(head) > 0 {
		line, rest, _ := bytes.Cut(head, []byte{'\n'})
		head = rest
		if line = bytes.TrimSpace(line); len(line) > 0 {
			return line[0] == '{' && bytes.Contains(line, []byte(`"event_type"`))
		}
	}
	return false
}

// Read implements egress.Reader.
func (rd Reader) Read(ctx context.Context, name string, r io.Reader, sink egress.Sink) error {
	lim := textlog.WithDefaults(rd.Limits)
	d := &decoder{sink: sink}
	d.bad = textlog.Bads{Sink: sink, Max: lim.MaxBad}
	defer d.bad.Finish()
	return textlog.Each(ctx, "eve", name, r, lim, &d.bad, d.line)
}

// decoder holds one Read's state; its buffers are reused line to line.
type decoder struct {
	sink    egress.Sink
	bad     textlog.Bads
	ev      event
	out     egress.Flow
	nameBuf [1]egress.Name
	ans     egress.DNSAnswer
	names   textlog.Names
}

// line reads one EVE record; it returns why it is bad, or "".
func (d *decoder) line(line []byte, where egress.Location) string {
	line = bytes.TrimSpace(line)
	if len(line) == 0 {
		return ""
	}
	kind, ok := peekType(line)
	if !ok {
		return "not an EVE record: no event_type"
	}
	if kind == kindOther {
		return ""
	}
	if reason := d.ev.decode(line, kind); reason != "" {
		return reason
	}
	return d.emit(where)
}

// peekType finds event_type without decoding the record, so that the
// types the reader skips, alerts and stats often the largest, cost a
// search and no more. Suricata writes event_type among the first fields,
// before any that could hold the text `"event_type"` in a string.
func peekType(line []byte) (eventKind, bool) {
	if line[0] != '{' {
		return 0, false
	}
	i := bytes.Index(line, []byte(`"event_type"`))
	if i < 0 {
		return 0, false
	}
	rest := skipSpace(line[i+len(`"event_type"`):])
	if len(rest) == 0 || rest[0] != ':' {
		return 0, false
	}
	rest = skipSpace(rest[1:])
	if len(rest) == 0 || rest[0] != '"' {
		return 0, false
	}
	end := bytes.IndexByte(rest[1:], '"')
	if end < 0 {
		return 0, false
	}
	return kindOf(rest[1 : 1+end]), true
}
