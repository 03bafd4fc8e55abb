package vpcflow

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/embargo-dev/embargo/egress"
	"github.com/embargo-dev/embargo/egress/internal/textlog"
)

// slot is a field the reader uses.
type slot uint8

const (
	sSrcAddr slot = iota
	sDstAddr
	sPktSrcAddr
	sPktDstAddr
	sSrcPort
	sDstPort
	sProtocol
	sPackets
	sBytes
	sStart
	sEnd
	sLogStatus
	sAction
	nSlots
)

var slotNames = [nSlots]string{
	"srcaddr", "dstaddr", "pkt-srcaddr", "pkt-dstaddr", "srcport", "dstport",
	"protocol", "packets", "bytes", "start", "end", "log-status", "action",
}

// defaultFormat is version 2's, the default, which CloudWatch Logs
// exports write without a header line.
const defaultFormat = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"

// header is a format: the column of each slot, -1 when absent.
type header struct {
	ok    bool
	width int
	cols  [nSlots]int
}

var errNotHeader = errors.New("not a header line naming srcaddr and dstaddr")

// parse reads a header line. Field names it does not use (account-id,
// vpc-id, flow-direction, traffic-path, ecs-*, ...) are allowed, known or
// not, so that fields AWS adds later do not stop the reader.
func (h *header) parse(line []byte) error {
	var n header
	for i := range n.cols {
		n.cols[i] = -1
	}
	for _, f := range fields(line, nil) {
		for s, name := range slotNames {
			if string(f) == name {
				if n.cols[s] >= 0 {
					return fmt.Errorf("field %s named twice", name)
				}
				n.cols[s] = n.width
			}
		}
		n.width++
	}
	if n.cols[sSrcAddr] < 0 && n.cols[sPktSrcAddr] < 0 || n.cols[sDstAddr] < 0 && n.cols[sPktDstAddr] < 0 {
		return errNotHeader
	}
	n.ok = true
	*h = n
	return nil
}

// decoder holds one Read's state; its buffers are reused line to line.
type decoder struct {
	name   string
	sink   egress.Sink
	bad    textlog.Bads
	counts *Counts
	hdr    header
	fields [][]byte
	flow   egress.Flow
}

// line reads one line; it returns why it is bad, or an error when the
// input is not a flow log at all.
func (d *decoder) line(line []byte, where egress.Location) (string, error) {
	if len(bytes.TrimSpace(line)) == 0 {
		return "", nil
	}
	// A header line: the first, or one of a file appended to another.
	// A header line: the first, or one of a file appended to another. No
	// record has "addr" in it, which spares the others the parse.
	if bytes.Contains(line, []byte("addr")) {
		var h header
		if err := h.parse(line); err == nil {
			d.hdr = h
			return "", nil
		} else if err != errNotHeader {
			return "header: " + err.Error(), nil
		}
	}
	if !d.hdr.ok {
		if !bytes.HasPrefix(line, []byte("2 ")) || bytes.Count(bytes.TrimSpace(line), []byte{' '}) != 13 {
			return "", errors.New("no header line naming srcaddr and dstaddr: not a VPC Flow Logs file")
		}
		_ = d.hdr.parse([]byte(defaultFormat)) // a CloudWatch Logs export
	}
	d.fields = fields(line, d.fields[:0])
	if len(d.fields) != d.hdr.width {
		return fmt.Sprintf("%d fields where the header names %d", len(d.fields), d.hdr.width), nil
	}
	return d.record(where), nil
}

// get returns a slot's field, nil when the format lacks it or it is "-".
func (d *decoder) get(s slot) []byte {
	c := d.hdr.cols[s]
	if c < 0 || string(d.fields[c]) == "-" {
		return nil
	}
	return d.fields[c]
}

// record turns one record into a Flow.
func (d *decoder) record(where egress.Location) string {
	switch string(d.get(sLogStatus)) {
	case "NODATA":
		d.counts.NoData++
		return ""
	case "SKIPDATA":
		d.counts.SkipData++
		return ""
	}
	f := &d.flow
	*f = egress.Flow{Where: where}
	var reason string
	if f.Src, reason = d.addr(sPktSrcAddr, sSrcAddr); reason != "" {
		return reason
	}
	if f.Dst, reason = d.addr(sPktDstAddr, sDstAddr); reason != "" {
		return reason
	}
	var n [7]uint64
	for i, s := range [...]slot{sSrcPort, sDstPort, sProtocol, sPackets, sBytes, sStart, sEnd} {
		b := d.get(s)
		if b == nil {
			continue
		}
		v, ok := textlog.ParseUint(b)
		if !ok || i < 2 && v > 65535 || s == sProtocol && v > 255 || i >= 5 && v > 1<<40 {
			return fmt.Sprintf("%s %s: not a %s", slotNames[s], textlog.Quote(b), [...]string{"port", "port", "protocol number", "count", "count", "time", "time"}[i])
		}
		n[i] = v
	}
	f.SrcPort, f.DstPort, f.Proto = uint16(n[0]), uint16(n[1]), uint8(n[2])
	f.PktsOut, f.BytesOut = n[3], n[4]
	switch a := d.get(sAction); string(a) {
	case "", "ACCEPT":
	case "REJECT":
		f.Rejected = true // a security group or network ACL refused it
	default:
		return fmt.Sprintf("action %s: not ACCEPT or REJECT", textlog.Quote(a))
	}
	if n[5] > 0 {
		f.Start = time.Unix(int64(n[5]), 0).UTC()
	}
	f.End = f.Start
	if n[6] > n[5] {
		f.End = time.Unix(int64(n[6]), 0).UTC()
	}
	d.sink.Flow(f)
	return ""
}

// addr reads the packet's address when the format has it and it is set,
// else the interface's.
func (d *decoder) addr(pkt, iface slot) (netip.Addr, string) {
	s := pkt
	b := d.get(pkt)
	if b == nil {
		s, b = iface, d.get(iface)
	}
	if b == nil {
		return netip.Addr{}, fmt.Sprintf("no %s nor %s", slotNames[iface], slotNames[pkt])
	}
	a, ok := textlog.ParseAddr(b)
	if !ok {
		return netip.Addr{}, fmt.Sprintf("%s %s: not an IP address", slotNames[s], textlog.Quote(b))
	}
	return a, ""
}

// fields splits a line at spaces, into dst; runs of spaces count as one,
// as some writers align columns.
func fields(line []byte, dst [][]byte) [][]byte {
	for {
		for len(line) > 0 && line[0] == ' ' {
			line = line[1:]
		}
		if len(line) == 0 {
			return dst
		}
		i := bytes.IndexByte(line, ' ')
		if i < 0 {
			return append(dst, line)
		}
		dst = append(dst, line[:i])
		line = line[i+1:]
	}
}
