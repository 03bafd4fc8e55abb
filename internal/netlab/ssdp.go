//go:build linux

package netlab

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/ipv4"
)

// SSDP configures a device's UPnP root device: an SSDP search responder
// on udp/1900 and its device description over HTTP on tcp/49152 (UPnP
// Device Architecture 2.0, §1.3 "Search" and §2.3 "Device description").
// See testdata/SOURCES.md.
type SSDP struct {
	// DeviceType is the root device's type URN, BasicDevice when empty.
	DeviceType string
	// The description's <device> fields.
	FriendlyName, Manufacturer, ManufacturerURL, ModelDescription string
	ModelName, ModelNumber, SerialNumber                          string
	// Server is the SERVER header of search responses and the Server
	// header of the description's HTTP response ("OS/version UPnP/2.0
	// product/version"); none is sent when empty.
	Server string
	// Location, when set, is the LOCATION announced instead of the
	// device's own description URL: a device pointing elsewhere, for
	// tests that a client fetches only what lies inside its targets.
	Location string
	// ReplyFromOwnPort sends search responses from a socket of their
	// own (an ephemeral port), not from udp/1900: the UDA asks only that
	// a response go to the searcher's address and port, and libupnp's
	// devices answer this way.
	ReplyFromOwnPort bool
}

// SSDP's IPv4 group and port.
var (
	SSDPGroup = net.IPv4(239, 255, 255, 250)
	SSDPPort  = 1900
)

// BasicDevice is the UPnP Forum's Basic device type, the lab's when an
// SSDP spec names none.
const BasicDevice = "urn:schemas-upnp-org:device:Basic:1"

// The description's port and path (the lab's choice) and the device
// description's XML namespace.
const (
	upnpDescriptionPort = 49152
	upnpDescriptionPath = "/description.xml"
	upnpDeviceNS        = "urn:schemas-upnp-org:device-1-0"
)

// ssdpResponder answers M-SEARCH requests for one root device without
// embedded devices or services.
type ssdpResponder struct {
	conn *ipv4.PacketConn
	// reply sends the responses when the device answers from its own
	// port; nil otherwise.
	reply  net.PacketConn
	dev    *Device
	spec   *SSDP
	bootID int64
	done   chan struct{}
}

// startSSDP binds udp/1900 (joining the SSDP group on the device's
// interface) and tcp/49152 in the device's namespace, and serves both
// until cleanup.
func (l *Lab) startSSDP(d *Device, s *SSDP) error {
	var (
		pc    *ipv4.PacketConn
		raw   net.PacketConn
		reply net.PacketConn
		ln    net.Listener
	)
	err := inNetns(d.Namespace, func() error {
		ifi, err := net.InterfaceByName("eth0")
		if err != nil {
			return err
		}
		if raw, err = net.ListenPacket("udp4", fmt.Sprintf(":%d", SSDPPort)); err != nil {
			return err
		}
		pc = ipv4.NewPacketConn(raw)
		if err := pc.JoinGroup(ifi, &net.UDPAddr{IP: SSDPGroup}); err != nil {
			return fmt.Errorf("joining %v: %w", SSDPGroup, err)
		}
		if err := pc.SetControlMessage(ipv4.FlagDst, true); err != nil {
			return err
		}
		if s.ReplyFromOwnPort {
			if reply, err = net.ListenPacket("udp4", netip.AddrPortFrom(d.Addr, 0).String()); err != nil {
				return err
			}
		}
		ln, err = net.Listen("tcp4", netip.AddrPortFrom(d.Addr, upnpDescriptionPort).String())
		return err
	})
	if err != nil {
		if raw != nil {
			raw.Close()
		}
		if reply != nil {
			reply.Close()
		}
		return err
	}
	spec := *s
	if spec.DeviceType == "" {
		spec.DeviceType = BasicDevice
	}
	d.UDN = "uuid:" + strings.TrimPrefix(endpointUUID(d.Name+"/upnp", d.MAC), "urn:uuid:")
	d.Location = fmt.Sprintf("http://%s%s", netip.AddrPortFrom(d.Addr, upnpDescriptionPort), upnpDescriptionPath)
	if spec.Location != "" {
		d.Location = spec.Location
	}
	r := &ssdpResponder{conn: pc, reply: reply, dev: d, spec: &spec, bootID: time.Now().Unix(), done: make(chan struct{})}
	srv := &http.Server{Handler: http.HandlerFunc(r.description), ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: log.New(io.Discard, "", 0)}
	var wg sync.WaitGroup
	wg.Go(func() { srv.Serve(ln) })
	go r.serve()
	l.onClose(func() {
		raw.Close()
		if reply != nil {
			reply.Close()
		}
		srv.Close()
		<-r.done
		wg.Wait()
	})
	return nil
}

// serve answers M-SEARCH requests until the socket is closed. Anything
// else (NOTIFY, responses, malformed requests) is ignored.
func (r *ssdpResponder) serve() {
	defer close(r.done)
	buf := make([]byte, 8<<10)
	for {
		n, cm, src, err := r.conn.ReadFrom(buf)
		if err != nil {
			return
		}
		multicast := cm != nil && cm.Dst.IsMulticast()
		for _, st := range r.matches(buf[:n], multicast) {
			if r.reply != nil {
				r.reply.WriteTo(r.response(st), src)
				continue
			}
			r.conn.WriteTo(r.response(st), nil, src)
		}
	}
}

// matches reads an M-SEARCH and returns the ST values to answer with
// (§1.3.2, §1.3.3): ssdp:all is answered once for each of the root
// device's three search targets, upnp:rootdevice, the device's uuid and
// its type once each. A multicast search without MX is discarded, as
// the specification asks; a unicast one needs none. The lab answers at
// once, without the random delay up to MX a multicast search asks for.
func (r *ssdpResponder) matches(msg []byte, multicast bool) []string {
	req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(msg)))
	if err != nil || req.Method != "M-SEARCH" || req.RequestURI != "*" ||
		req.Header.Get("Man") != `"ssdp:discover"` {
		return nil
	}
	if multicast && req.Header.Get("Mx") == "" {
		return nil
	}
	all := []string{"upnp:rootdevice", r.dev.UDN, r.spec.DeviceType}
	switch st := strings.TrimSpace(req.Header.Get("St")); st {
	case "ssdp:all":
		return all
	case "upnp:rootdevice", r.dev.UDN, r.spec.DeviceType:
		return []string{st}
	}
	return nil
}

// response is one search response (§1.3.3): CACHE-CONTROL, DATE, EXT,
// LOCATION, SERVER, ST, USN, BOOTID.UPNP.ORG and CONFIGID.UPNP.ORG.
func (r *ssdpResponder) response(st string) []byte {
	usn := r.dev.UDN
	if st != r.dev.UDN {
		usn += "::" + st
	}
	var b strings.Builder
	b.WriteString("HTTP/1.1 200 OK\r\n")
	b.WriteString("CACHE-CONTROL: max-age=1800\r\n")
	b.WriteString("DATE: " + time.Now().UTC().Format(http.TimeFormat) + "\r\n")
	b.WriteString("EXT:\r\n")
	b.WriteString("LOCATION: " + r.dev.Location + "\r\n")
	if r.spec.Server != "" {
		b.WriteString("SERVER: " + oneLine(r.spec.Server) + "\r\n")
	}
	b.WriteString("ST: " + st + "\r\n")
	b.WriteString("USN: " + usn + "\r\n")
	fmt.Fprintf(&b, "BOOTID.UPNP.ORG: %d\r\nCONFIGID.UPNP.ORG: 1\r\n\r\n", r.bootID)
	return []byte(b.String())
}

// description serves the root device description (§2.3) at its path.
func (r *ssdpResponder) description(w http.ResponseWriter, req *http.Request) {
	if req.URL.Path != upnpDescriptionPath {
		http.NotFound(w, req)
		return
	}
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	if r.spec.Server != "" {
		w.Header().Set("Server", oneLine(r.spec.Server))
	}
	w.Header().Set("Content-Type", `text/xml; charset="utf-8"`)
	w.Write(r.descriptionXML())
}

// descriptionXML writes the root device description: specVersion 2.0,
// then the device's type, names, manufacturer and model fields, serial
// number and UDN, in the order the specification lists them.
func (r *ssdpResponder) descriptionXML() []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	b.WriteString(`<root xmlns="` + upnpDeviceNS + `" configId="1">` + "\n")
	b.WriteString("<specVersion><major>2</major><minor>0</minor></specVersion>\n<device>\n")
	s := r.spec
	for _, f := range [][2]string{
		{"deviceType", s.DeviceType}, {"friendlyName", s.FriendlyName},
		{"manufacturer", s.Manufacturer}, {"manufacturerURL", s.ManufacturerURL},
		{"modelDescription", s.ModelDescription}, {"modelName", s.ModelName},
		{"modelNumber", s.ModelNumber}, {"serialNumber", s.SerialNumber},
		{"UDN", r.dev.UDN},
	} {
		if f[1] != "" {
			b.WriteString("<" + f[0] + ">" + escape(f[1]) + "</" + f[0] + ">\n")
		}
	}
	b.WriteString("</device>\n</root>\n")
	return b.Bytes()
}
