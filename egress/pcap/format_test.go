package pcap

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/embargo-dev/embargo/egress"
)

// ngw writes pcapng blocks by hand, in either byte order, so that any
// block can be broken on purpose.
type ngw struct {
	o order
	b []byte
}

type order interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

func (w *ngw) block(typ uint32, body []byte) *ngw {
	body = append(body, make([]byte, (4-len(body)%4)%4)...)
	n := uint32(12 + len(body))
	w.b = w.o.AppendUint32(w.o.AppendUint32(w.b, typ), n)
	w.b = w.o.AppendUint32(append(w.b, body...), n)
	return w
}

func (w *ngw) shb() *ngw {
	body := w.o.AppendUint32(nil, bomMagic)
	body = w.o.AppendUint16(w.o.AppendUint16(body, 1), 0)
	return w.block(blockSHB, w.o.AppendUint64(body, ^uint64(0)))
}

func (w *ngw) idb(link uint16, opts ...[]byte) *ngw {
	body := w.o.AppendUint32(w.o.AppendUint16(w.o.AppendUint16(nil, link), 0), 0)
	for _, o := range opts {
		body = append(body, o...)
	}
	return w.block(blockIDB, body)
}

func (w *ngw) opt(code uint16, v []byte) []byte {
	b := w.o.AppendUint16(w.o.AppendUint16(nil, code), uint16(len(v)))
	return append(append(b, v...), make([]byte, (4-len(v)%4)%4)...)
}

func (w *ngw) epb(id uint32, ts uint64, data []byte) *ngw {
	body := w.o.AppendUint32(nil, id)
	body = w.o.AppendUint32(w.o.AppendUint32(body, uint32(ts>>32)), uint32(ts))
	body = w.o.AppendUint32(w.o.AppendUint32(body, uint32(len(data))), uint32(len(data)))
	return w.block(blockEPB, append(body, data...))
}

func (w *ngw) spb(data []byte) *ngw {
	return w.block(blockSPB, append(w.o.AppendUint32(nil, uint32(len(data))), data...))
}

// swapPcap rewrites a little-endian classic pcap in big-endian order.
func swapPcap(le []byte) []byte {
	be := append([]byte(nil), le...)
	swap := func(off, size int) {
		for i, j := off, off+size-1; i < j; i, j = i+1, j-1 {
			be[i], be[j] = be[j], be[i]
		}
	}
	for _, f := range [][2]int{{0, 4}, {4, 2}, {6, 2}, {8, 4}, {12, 4}, {16, 4}, {20, 4}} {
		swap(f[0], f[1])
	}
	for off := 24; off+16 <= len(be); {
		n := int(binary.LittleEndian.Uint32(le[off+8:]))
		for i := range 4 {
			swap(off+4*i, 4)
		}
		off += 16 + n
	}
	return be
}

// summary says what a read gave, in the few words tests compare.
func summary(c *collect, st Stats) []string {
	out := []string{fmt.Sprintf("packets %d, IP %d, unknown link %d", st.Packets, st.IP, st.UnknownLink)}
	for _, f := range c.flows {
		out = append(out, fmt.Sprintf("flow %s:%d>%s:%d out %d in %d from %s at %s", f.Src, f.SrcPort, f.Dst, f.DstPort, f.PktsOut, f.PktsIn, f.Start.Format(time.RFC3339Nano), f.Where))
	}
	for _, b := range c.bads {
		out = append(out, strings.Join(strings.Fields(fmt.Sprintf("bad %s %s @%d: %s", b.Where.Source, b.Where.Record, b.Where.Offset, b.Reason)), " "))
	}
	return out
}

func TestFormats(t *testing.T) {
	p := udp(1500*time.Microsecond, cli, srv, []byte("payload"))
	eth := ethernet(t, p)
	raw := serialize(t, ipLayers(t, p)...)
	le := capture(t, p, p)
	epbLen := 32 + (len(eth)+3)&^3 // an EPB holding eth
	ts := uint64(t0.UnixMicro()) + 1500
	flow := func(pkts int, start, where string) string {
		return fmt.Sprintf("flow 10.0.0.1:40000>192.0.2.10:80 out %d in 0 from 2024-03-01T12:00:00.%s at t %s", pkts, start, where)
	}
	ng := func(o order) *ngw { return (&ngw{o: o}).shb() }
	nsRes := func(w *ngw) []byte { return w.opt(9, []byte{9}) }
	for _, tc := range []struct {
		desc string
		in   []byte
		want []string
	}{
		{"pcap little-endian µs", le, []string{"packets 2, IP 2, unknown link 0", flow(2, "0015Z", "packet 1")}},
		{"pcap big-endian µs", swapPcap(le), []string{"packets 2, IP 2, unknown link 0", flow(2, "0015Z", "packet 1")}},
		{"pcap cut inside a packet", le[:len(le)-10], []string{
			"packets 1, IP 1, unknown link 0", flow(1, "0015Z", "packet 1"),
			fmt.Sprintf("bad t packet 2 @%d: capture ends inside the packet (%d of %d bytes)", 24+16+len(eth), len(eth)-10, len(eth))}},
		{"pcap cut inside a record header", le[:24+16+len(eth)+5], []string{
			"packets 1, IP 1, unknown link 0", flow(1, "0015Z", "packet 1"),
			fmt.Sprintf("bad t packet 2 @%d: capture ends inside the record header (5 of 16 bytes)", 24+16+len(eth))}},
		{"pcap record beyond the limit", append(le[:24:24], bytes.Repeat([]byte{0xff}, 16)...), []string{
			"packets 0, IP 0, unknown link 0", "bad t packet 1 @24: captured length 4294967295 exceeds the limit of 262144 bytes; the records after it cannot be found"}},
		{"pcapng little-endian, two link types, SPB", ng(binary.LittleEndian).idb(1).idb(101, nsRes(ng(binary.LittleEndian))).
			epb(0, ts, eth).epb(1, ts*1000+1, raw).spb(eth).b, []string{"packets 3, IP 3, unknown link 0", flow(3, "0015Z", "packet 1")}},
		{"pcapng big-endian, ns resolution", ng(binary.BigEndian).idb(101, nsRes(ng(binary.BigEndian))).epb(0, ts*1000+7, raw).b,
			[]string{"packets 1, IP 1, unknown link 0", flow(1, "001500007Z", "packet 1")}},
		{"pcapng sections of both byte orders", append(ng(binary.BigEndian).idb(1).epb(0, ts, eth).b, ng(binary.LittleEndian).idb(101).epb(0, ts, raw).b...),
			[]string{"packets 2, IP 2, unknown link 0", flow(2, "0015Z", "packet 1")}},
		{"pcapng unknown link type", ng(binary.LittleEndian).idb(147).idb(1).epb(0, ts, eth).epb(1, ts, eth).epb(0, ts, eth).b, []string{
			"packets 3, IP 1, unknown link 2", flow(1, "0015Z", "packet 2"),
			"bad t packet 1 @68: interface 0: link type 147 is not decoded; its 2 packets are counted only"}},
		{"pcapng packet on an undescribed interface", ng(binary.LittleEndian).idb(1).epb(3, ts, eth).epb(0, ts, eth).b, []string{
			"packets 1, IP 1, unknown link 0", flow(1, "0015Z", "packet 2"),
			"bad t packet 1 @48: packet on interface 3, but the section describes 1"}},
		{"pcapng captured length beyond the block", func() []byte {
			b := ng(binary.LittleEndian).idb(1).epb(0, ts, eth).b
			binary.LittleEndian.PutUint32(b[48+20:], 5000)
			return b
		}(), []string{"packets 0, IP 0, unknown link 0", fmt.Sprintf("bad t packet 1 @48: captured length 5000 exceeds the %d bytes its block holds", epbLen-32)}},
		{"pcapng block length not a multiple of 4", func() []byte {
			b := ng(binary.LittleEndian).idb(1).epb(0, ts, eth).b
			binary.LittleEndian.PutUint32(b[48+4:], 13)
			return b
		}(), []string{"packets 0, IP 0, unknown link 0", "bad t @48: block type 0x6 has length 13: not a multiple of 4 of at least 12"}},
		{"pcapng lengths at start and end differ", func() []byte {
			b := ng(binary.LittleEndian).idb(1).epb(0, ts, eth).epb(0, ts, eth).b
			binary.LittleEndian.PutUint32(b[len(b)-4:], 64)
			return b
		}(), []string{"packets 1, IP 1, unknown link 0", flow(1, "0015Z", "packet 1"),
			fmt.Sprintf("bad t @%d: block type 0x6: length 64 at its end differs from %d at its start", 48+epbLen, epbLen)}},
		{"pcapng cut inside a block", func() []byte {
			b := ng(binary.LittleEndian).idb(1).epb(0, ts, eth).epb(0, ts, eth).b
			return b[:len(b)-9]
		}(), []string{"packets 1, IP 1, unknown link 0", flow(1, "0015Z", "packet 1"),
			fmt.Sprintf("bad t @%d: capture ends inside a block (%d of %d bytes)", 48+epbLen, epbLen-12-5, epbLen-12)}},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			c, st := read(t, &Reader{}, "t", tc.in)
			if diff := cmp.Diff(tc.want, summary(c, st), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestNotACapture(t *testing.T) {
	for _, in := range []string{"", "ab", "not a capture at all", "\xd4\xc3\xb2\xa1\x02\x00"} {
		err := (&Reader{}).Read(context.Background(), "x.bin", strings.NewReader(in), &collect{})
		if err == nil || !strings.HasPrefix(err.Error(), "x.bin: ") {
			t.Errorf("Read(%q) = %v, want an error naming x.bin", in, err)
		}
	}
	if (&Reader{}).Sniff("x", []byte("\x0a\x0d\x0d\x0a\x1c\x00\x00\x00\x4d\x3c\x2b\x1a")) != true {
		t.Error("Sniff misses a pcapng section header")
	}
}

// Past Limits.MaxBad, bad packets are only counted, and the count is
// reported once at the end.
func TestMaxBad(t *testing.T) {
	w := (&ngw{o: binary.LittleEndian}).shb().idb(101)
	for range 5 {
		w.epb(0, 1, []byte{0x45, 0, 0})
	}
	c, st := read(t, &Reader{Limits: egress.Limits{MaxBad: 2}}, "t", w.b)
	want := []string{
		"packets 5, IP 0, unknown link 0",
		"bad t packet 1 @48: IPv4 header cut short",
		"bad t packet 2 @84: IPv4 header cut short",
		"bad t @0: 3 more bad records not reported one by one (limit 2)",
	}
	if diff := cmp.Diff(want, summary(c, st)); diff != "" || st.Malformed != 5 || st.Bad != 6 {
		t.Errorf("malformed %d, bad %d (-want +got):\n%s", st.Malformed, st.Bad, diff)
	}
}

// A read stopped by its context says so, naming the file, and sends no
// flows it has not finished.
func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var c collect
	err := (&Reader{}).Read(ctx, "t.pcap", bytes.NewReader(capture(t, udp(0, cli, srv, nil))), &c)
	if !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "t.pcap: ") || len(c.flows) > 0 {
		t.Errorf("Read = %v with %d flows, want context.Canceled naming t.pcap and none", err, len(c.flows))
	}
}
