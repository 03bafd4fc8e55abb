// Package connflow is the short way from a reader's fast path to the
// collector of package egress: a connection as the collector adds it up
// (times as Unix nanoseconds, no names), handed over without building an
// egress.Flow, whose times the collector would only convert back. It is
// internal: readers keep emitting Flows to any other Sink.
package connflow

import "net/netip"

// Conn is one connection, as egress.Flow says it, with Start and End as
// their UnixNano and Where as its input's name and line.
type Conn struct {
	Start, End                         int64
	Src, Dst                           netip.Addr
	DstPort                            uint16
	Proto                              uint8
	BytesOut, BytesIn, PktsOut, PktsIn uint64
	Source                             string
	Line                               int
}

// Adder is a Sink that takes Conns: adding one is adding the Flow it
// stands for. Like a Sink, it keeps nothing of the Conn passed.
type Adder interface {
	AddConn(*Conn)
}
