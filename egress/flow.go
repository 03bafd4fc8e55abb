// Package egress is the model of the network side of Embargo: the Flow
// (and the Conn, a Flow as a connection log has it), the DNS answer, the
// Bad record, the Sink they go to and the Reader interface (with
// Splitter, for formats a large file of which can be read in parts).
//
// Readers (egress/zeek, egress/eve, egress/pcap, egress/vpcflow,
// egress/netflow) decode one format each into Flows and DNSAnswers and
// hand them to a Sink; what they cannot decode they report as Bad, with
// its position, and go on. egress/collect adds them up per source system
// and destination, attribute/destination attributes each destination,
// and package flows runs the whole over the inputs a user names.
package egress

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"time"
)

// Protocol numbers (IANA) the readers name.
const (
	ICMP   uint8 = 1
	TCP    uint8 = 6
	UDP    uint8 = 17
	ICMPv6 uint8 = 58
)

// Location says where a record was read: the input as the user named
// it, and a 1-based line (text formats) or byte offset (binary ones) or
// a packet or record number within it.
//
// It is not inventory.Location on purpose: every Flow and conversation
// carries one, and inventory.Location's host and reader (the same for a
// whole input, and said once in the report's inputs) would add a third
// to its size on the hottest path. A report lists a bad record as an
// unknown at the inventory.Location with Record as its Ref
// (report.SetTraffic).
type Location struct {
	Source string `json:"source"`
	Line   int    `json:"line,omitempty"`
	Offset int64  `json:"offset,omitempty"`
	// Record is a packet number (pcap), an export packet and record
	// index (NetFlow), when neither line nor offset says it better.
	Record string `json:"record,omitempty"`
}

func (l Location) String() string {
	s := l.Source
	switch {
	case l.Line > 0:
		s += fmt.Sprintf(":%d", l.Line)
	case l.Record != "":
		s += " " + l.Record
	case l.Offset > 0:
		s += fmt.Sprintf(" @%d", l.Offset)
	}
	return s
}

// NameVia says how a destination name was learnt.
type NameVia string

// Ways a name is learnt.
const (
	ViaSNI      NameVia = "tls-sni"
	ViaQUICSNI  NameVia = "quic-sni"
	ViaHTTPHost NameVia = "http-host"
	ViaDNS      NameVia = "dns" // a DNS answer the same client received
	ViaLog      NameVia = "log" // a name the log itself attached to the flow
)

// Name is a name seen for a flow's destination.
type Name struct {
	Name string  `json:"name"` // lower case, no trailing dot
	Via  NameVia `json:"via"`
}

// Flow is one conversation from Src to Dst as a source recorded it. Out
// is the direction from Src (the originator) to Dst; In is the reply.
type Flow struct {
	Start, End       time.Time
	Src, Dst         netip.Addr
	SrcPort, DstPort uint16
	Proto            uint8
	BytesOut         uint64
	BytesIn          uint64
	PktsOut          uint64
	PktsIn           uint64
	// Rejected is set when the source says the traffic was refused on
	// its way (a VPC security group or network ACL): an attempt, not a
	// transfer, and still evidence of what tried to reach the destination.
	Rejected bool
	// Names are names of Dst carried by the record itself (TLS SNI, HTTP
	// Host, a log's own server_name field); DNS answers come separately.
	Names []Name
	Where Location
}

// DNSAnswer is one address record a client received: Name resolved to
// Addr, valid for TTL from Time.
type DNSAnswer struct {
	Time   time.Time
	Client netip.Addr // the resolver's client; invalid when unknown
	Name   string     // lower case, no trailing dot
	Addr   netip.Addr
	TTL    time.Duration
	Where  Location
}

// Bad is a record that could not be decoded: it is counted and reported
// with its position, never silently dropped.
type Bad struct {
	Where  Location
	Reason string
}

// Conn is a Flow without names and never rejected, its times as Unix
// nanoseconds: what a reader of connection logs (Zeek's conn.log) emits,
// so that a collector, which adds times up as nanoseconds, does not
// convert them back from the time.Time a Flow would carry.
type Conn struct {
	Start, End                         int64 // UnixNano
	Src, Dst                           netip.Addr
	SrcPort, DstPort                   uint16
	Proto                              uint8
	BytesOut, BytesIn, PktsOut, PktsIn uint64
	Where                              Location
}

// Flow fills f with the Flow c stands for.
func (c *Conn) Flow(f *Flow) {
	f.Start, f.End = time.Unix(0, c.Start).UTC(), time.Unix(0, c.End).UTC()
	f.Src, f.Dst, f.SrcPort, f.DstPort, f.Proto = c.Src, c.Dst, c.SrcPort, c.DstPort, c.Proto
	f.BytesOut, f.BytesIn, f.PktsOut, f.PktsIn = c.BytesOut, c.BytesIn, c.PktsOut, c.PktsIn
	f.Rejected, f.Names, f.Where = false, nil, c.Where
}

// Sink receives what a reader decodes. Flow, Conn and DNS may keep
// nothing of the value passed after they return except by copying:
// readers reuse their buffers (a Flow's Names slice included). Adding a
// Conn is adding the Flow it stands for; a sink with nothing faster to
// do calls Flow with it (AsFlow).
type Sink interface {
	Flow(*Flow)
	Conn(*Conn)
	DNS(*DNSAnswer)
	Bad(Bad)
}

// AsFlow hands c to s as the Flow it stands for, in f (a buffer the
// caller keeps, to spare an allocation per connection).
func AsFlow(s Sink, c *Conn, f *Flow) {
	c.Flow(f)
	s.Flow(f)
}

// Reader decodes one input format.
type Reader interface {
	// Name is the format's name, for --format and reports.
	Name() string
	// Sniff reports whether an input starting with head (up to SniffSize
	// bytes) and named name is in this format.
	Sniff(name string, head []byte) bool
	// Read decodes r to the end, or until ctx is done. It returns an
	// error only when the input as a whole cannot be read (not this
	// format, an I/O error, a limit passed); a bad record is a Bad.
	Read(ctx context.Context, name string, r io.Reader, sink Sink) error
}

// SniffSize is how much of an input readers are shown to recognise it.
const SniffSize = 64 << 10

// Limits bound what a reader accepts from hostile input.
type Limits struct {
	MaxLine int // one line of a text log
	MaxBad  int // bad records reported one by one; beyond, only counted
}

// DefaultLimits suit real logs with a wide margin.
var DefaultLimits = Limits{MaxLine: 1 << 20, MaxBad: 1000}
