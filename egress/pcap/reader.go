// Package pcap reads packet captures (classic pcap in either byte order,
// micro- or nanosecond, and pcapng with any number of sections and
// interfaces) into egress Flows and DNSAnswers.
//
// Packets are grouped into flows by their 5-tuple. The originator (Src)
// is the side that sent the first packet seen, except that a SYN-ACK's
// receiver, or a SYN's sender seen later, is taken as the TCP client.
// Flows count IP total lengths and packets each way. A TCP flow closes
// on FIN both ways or on RST, and is emitted CloseLinger later so that
// its last ACKs count in it; any flow idle for IdleTimeout (5 minutes
// of capture time) is emitted; the rest are emitted at the end of the
// file. At most MaxFlows are open: see there for what happens at the cap.
//
// Names of a flow's destination come from its first client bytes: the
// TLS ClientHello's server_name (joined over up to MaxHelloSegments TCP
// segments and TLS records), the Host header of an HTTP/1.x request,
// and the server_name in the ClientHello of QUIC v1 Initial packets,
// decrypted with the keys their Destination Connection ID gives (RFC
// 9001 5.2). Every DNS response from port 53, over UDP or TCP, yields a
// DNSAnswer per A and AAAA record (see dnsAnswers for the names used).
//
// What it does not do, on purpose: IP fragments are counted
// (Stats.Fragments), never reassembled, and belong to no flow; TCP
// streams are not reassembled beyond the first client bytes and DNS
// over TCP; tunnels (GRE, IP-in-IP, VXLAN) are seen as their outer flow;
// QUIC versions other than 1 are left alone.
//
// The file formats are read by hand rather than with gopacket/pcapgo,
// which was tried first: its pcapng reader hands out no block offsets,
// reads a Simple Packet Block's declared length past the end of the
// block (swallowing the next block), and stops at the first bad block of
// any kind. Packets are decoded by hand too (decode.go), about six times
// faster than gopacket's DecodingLayerParser (BenchmarkDecode) and with
// the edge cases a flow table needs (fragments, Ethernet padding,
// offloaded lengths of 0) decided in one place.
package pcap

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/embargo-dev/embargo/egress"
)

// Bounds on what is read from hostile input, and the flow table's policy.
const (
	// MaxPacket is the longest packet record accepted: tcpdump's own
	// maximum snap length. A classic pcap record beyond it ends the read
	// (the file cannot be resynchronised); a pcapng packet block beyond
	// MaxBlock is reported and skipped.
	MaxPacket = 256 << 10
	// MaxBlock is the longest pcapng block read into memory; longer
	// blocks that carry no packet are skipped unread.
	MaxBlock = 1 << 20

	// IdleTimeout ends a flow that has seen no packet for this long
	// (capture time), for every protocol.
	IdleTimeout = 5 * time.Minute
	// CloseLinger keeps a TCP flow closed by FIN both ways or by RST in
	// the table this long so that the last ACKs and retransmissions are
	// counted in it rather than opening a new flow.
	CloseLinger = 5 * time.Second
	// MaxFlows is the most flows open at once. At the cap, a closed
	// flow is emitted first; failing that, the least recently active
	// open flow is emitted early. Early emissions are counted in
	// Stats.EarlyFlushed and reported as one Bad at the end of the read.
	MaxFlows = 1 << 20

	// MaxHello is how many of a TCP flow's first client bytes are kept
	// to find a ClientHello or an HTTP header split over segments, and
	// how much of a QUIC CRYPTO stream is reassembled.
	MaxHello = 16 << 10
	// MaxHelloSegments is how many client segments may make up that
	// prefix before the flow is given up on.
	MaxHelloSegments = 4
	// MaxQUICPackets is how many of a UDP flow's first client datagrams
	// are tried as QUIC Initials.
	MaxQUICPackets = 4
	// MaxBuffered bounds all such per-flow buffers together (client
	// prefixes, CRYPTO streams, DNS over TCP); beyond it new flows are
	// not buffered and their names may be missed (Stats.Unbuffered).
	MaxBuffered = 64 << 20
)

// Reader reads pcap and pcapng captures. The zero value is ready to use.
type Reader struct {
	// Limits bound the read; zero fields take egress.DefaultLimits.
	// Only MaxBad applies to captures.
	Limits egress.Limits

	maxFlows int // MaxFlows unless a test sets it
}

var _ egress.Reader = (*Reader)(nil)

// Stats counts what one read saw.
type Stats struct {
	Packets      int64 // packet records read
	IP           int64 // IPv4 and IPv6 packets put into flows
	NonIP        int64 // frames carrying no IP (ARP, LLDP, ...)
	Fragments    int64 // IP fragments: counted, not reassembled, in no flow
	UnknownLink  int64 // packets on interfaces of an undecoded link type
	Malformed    int64 // Bads about a packet or its contents
	Flows        int64 // flows emitted
	EarlyFlushed int64 // flows emitted early because the table was full
	DNSAnswers   int64 // DNSAnswers emitted
	Unbuffered   int64 // flows not buffered for names: MaxBuffered reached
	Bad          int64 // Bads, including those past Limits.MaxBad
}

// Name is the format's name.
func (*Reader) Name() string { return "pcap" }

// Sniff reports whether head starts like a pcap or pcapng file.
func (*Reader) Sniff(_ string, head []byte) bool {
	return sniffPcap(head) || sniffPcapng(head)
}

// Read decodes a capture to the end; see ReadStats.
func (r *Reader) Read(ctx context.Context, name string, in io.Reader, sink egress.Sink) error {
	_, err := r.ReadStats(ctx, name, in, sink)
	return err
}

// ReadStats decodes a capture to the end and says what it saw. Damage
// that ends the file early (a record cut short, a bad block length) is a
// Bad, after which the flows so far are emitted and nil returned. An
// error is returned when the input is no capture, on an I/O error (the
// flows so far emitted first) and when ctx is done (nothing more sent).
func (r *Reader) ReadStats(ctx context.Context, name string, in io.Reader, sink egress.Sink) (Stats, error) {
	br := bufio.NewReaderSize(in, 256<<10)
	run := newRun(r, name, sink)
	src, err := openCapture(br, name, run.bad)
	if err != nil {
		return run.stats, err
	}
	var f frame
	for {
		err := src.next(&f)
		if err == io.EOF {
			break
		}
		var d *damage
		if errors.As(err, &d) {
			run.bad(d.where, d.reason)
			break
		}
		if err != nil {
			run.finish()
			return run.stats, fmt.Errorf("%s: reading the capture after packet %d: %w", name, run.stats.Packets, err)
		}
		run.stats.Packets++
		run.frame(&f)
		if run.stats.Packets%4096 == 0 && ctx.Err() != nil {
			return run.stats, fmt.Errorf("%s: stopped at packet %d: %w", name, f.num, ctx.Err())
		}
	}
	if err := ctx.Err(); err != nil {
		return run.stats, fmt.Errorf("%s: stopped at packet %d: %w", name, f.num, err)
	}
	run.finish()
	return run.stats, nil
}

// damage is a fault in the file's structure after which nothing more
// can be read; it becomes a Bad and ends the read.
type damage struct {
	where  egress.Location
	reason string
}

func (d *damage) Error() string { return d.where.String() + ": " + d.reason }

// frame is one packet record as a file format hands it out. data stays
// valid until the next call to next.
type frame struct {
	num  int64 // 1-based packet number, as tshark counts frames
	off  int64 // byte offset of the record or block in the file
	ts   time.Time
	ifc  *iface
	data []byte
}

// iface is an interface a capture describes (one for classic pcap).
type iface struct {
	desc    string // "interface 0", "section 2 interface 1"
	link    uint32
	snaplen uint32
	units   uint64 // timestamp units per second
	offset  int64  // seconds added to every timestamp
	unknown int64  // packets not decoded: unknown link type
	first   egress.Location
}

// source hands out the packets of one file format: io.EOF at the clean
// end, a *damage when the file is broken, other errors for I/O.
type source interface {
	next(*frame) error
}

// openCapture reads the file header and picks the format.
func openCapture(br *bufio.Reader, name string, bad func(egress.Location, string)) (source, error) {
	head, err := br.Peek(12)
	if err != nil && len(head) < 4 {
		if err == io.EOF {
			return nil, fmt.Errorf("%s: not a pcap or pcapng capture: only %d bytes", name, len(head))
		}
		return nil, fmt.Errorf("%s: reading the capture header: %w", name, err)
	}
	switch {
	case sniffPcap(head):
		return openPcap(br, name)
	case sniffPcapng(head):
		return openPcapng(br, name, bad), nil
	}
	return nil, fmt.Errorf("%s: not a pcap or pcapng capture (starts % x)", name, head[:min(len(head), 12)])
}
