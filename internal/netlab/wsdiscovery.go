//go:build linux

package netlab

import (
	"crypto/rand"
	"fmt"
	"net"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// WS-Discovery's IPv4 multicast group and port (SOAP-over-UDP).
var (
	WSDiscoveryGroup = net.IPv4(239, 255, 255, 250)
	WSDiscoveryPort  = 3702
)

// wsdResponder is a device's WS-Discovery Target Service: it answers a
// matching Probe, multicast or unicast, with a ProbeMatches sent by
// unicast UDP to the Probe's source, at once (WS-Discovery's random
// delay before answering a multicast Probe is left out: a lab has a few
// devices). Hello, Bye and Resolve are not sent or answered (the Core
// Specification makes Resolve a "should").
type wsdResponder struct {
	conn     *net.UDPConn
	dev      *Device
	scopes   []string
	instance int64
	msgNum   atomic.Uint64
	done     chan struct{}
}

// startWSDiscovery binds udp/3702 on all of the device's addresses, joins
// the multicast group on its interface, and serves until cleanup.
func (l *Lab) startWSDiscovery(d *Device, o *ONVIF) error {
	var conn *net.UDPConn
	err := inNetns(d.Namespace, func() error {
		ifi, err := net.InterfaceByName("eth0")
		if err != nil {
			return err
		}
		c, err := net.ListenUDP("udp4", &net.UDPAddr{Port: WSDiscoveryPort})
		if err != nil {
			return err
		}
		rc, err := c.SyscallConn()
		if err != nil {
			c.Close()
			return err
		}
		var serr error
		err = rc.Control(func(fd uintptr) {
			mreq := &unix.IPMreqn{Ifindex: int32(ifi.Index)}
			copy(mreq.Multiaddr[:], WSDiscoveryGroup.To4())
			serr = unix.SetsockoptIPMreqn(int(fd), unix.IPPROTO_IP, unix.IP_ADD_MEMBERSHIP, mreq)
		})
		if err == nil {
			err = serr
		}
		if err != nil {
			c.Close()
			return fmt.Errorf("joining %v: %w", WSDiscoveryGroup, err)
		}
		conn = c
		return nil
	})
	if err != nil {
		return err
	}
	r := &wsdResponder{
		conn: conn, dev: d, scopes: o.scopes(d),
		instance: time.Now().Unix(), done: make(chan struct{}),
	}
	go r.serve()
	l.onClose(func() { conn.Close(); <-r.done })
	return nil
}

// serve answers Probes until the socket is closed. Malformed or
// non-matching messages are dropped silently, as the Core Specification
// asks of multicast errors.
func (r *wsdResponder) serve() {
	defer close(r.done)
	buf := make([]byte, 64<<10)
	for {
		n, src, err := r.conn.ReadFromUDP(buf)
		if err != nil {
			return
		}
		p, ok := parseProbe(buf[:n])
		if !ok || !p.matches(deviceTypes, r.scopes) {
			continue
		}
		r.conn.WriteToUDP(r.probeMatches(p.MessageID), src)
	}
}

// probeMatches builds the ProbeMatches answering the Probe relatesTo:
// the endpoint reference, types, scopes, XAddrs (the device service)
// and metadata version, with the AppSequence header WS-Discovery asks
// of responses.
func (r *wsdResponder) probeMatches(relatesTo string) []byte {
	decls := ` xmlns:a="` + nsWSA + `" xmlns:d="` + nsWSD + `" xmlns:dn="` + nsDN + `" xmlns:tds="` + nsTDS + `"`
	header := "<a:MessageID>" + newUUID() + "</a:MessageID>" +
		"<a:RelatesTo>" + escape(relatesTo) + "</a:RelatesTo>" +
		"<a:To>" + wsaAnonymous + "</a:To>" +
		"<a:Action>" + wsdProbeMatches + "</a:Action>" +
		fmt.Sprintf(`<d:AppSequence InstanceId="%d" MessageNumber="%d"/>`, r.instance, r.msgNum.Add(1))
	body := "<d:ProbeMatches><d:ProbeMatch>" +
		"<a:EndpointReference><a:Address>" + r.dev.Endpoint + "</a:Address></a:EndpointReference>" +
		"<d:Types>dn:NetworkVideoTransmitter tds:Device</d:Types>" +
		"<d:Scopes>" + escape(strings.Join(r.scopes, " ")) + "</d:Scopes>" +
		"<d:XAddrs>" + escape(r.dev.XAddr) + "</d:XAddrs>" +
		"<d:MetadataVersion>1</d:MetadataVersion>" +
		"</d:ProbeMatch></d:ProbeMatches>"
	return soapEnvelope(decls, header, body)
}

// newUUID returns a random (version 4) urn:uuid.
func newUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
