package discover

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/textproto"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/text/encoding/htmlindex"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/discovery"
)

const (
	ssdpPort = 1900
	// ssdpMaxReply bounds a search response datagram and
	// ssdpMaxDescription a device description.
	ssdpMaxReply       = 8 << 10
	ssdpMaxDescription = 256 << 10
	// ssdpMaxDevices bounds the devices read from one description (the
	// root device and its embedded ones).
	ssdpMaxDevices = 16
)

// SSDP asks an address whether it is a UPnP root device: an M-SEARCH
// for upnp:rootdevice sent by unicast to udp/1900 of the address (UPnP
// Device Architecture 2.0 §1.3.2: HOST is the address and port searched,
// and a unicast search has no MX), never to the multicast group. The
// response's SERVER and LOCATION headers follow; the description at
// LOCATION, fetched only when its host is inside the targets, names the
// manufacturer, model and serial number. The attributes are those
// Nmap's upnp-info script reports (inventory/nmap upnpLine), so that
// both readers agree: the SERVER header and the description's Server
// header as HTTP servers, manufacturer, and modelName and modelNumber
// as models; the serial number besides.
type SSDP struct{}

// NewSSDP returns the SSDP prober.
func NewSSDP() *SSDP { return &SSDP{} }

// Name is "ssdp".
func (*SSDP) Name() string { return "ssdp" }

// Probe searches, then fetches the description.
func (p *SSDP) Probe(ctx context.Context, s *Session, a netip.Addr) (discovery.Observation, error) {
	var ob discovery.Observation
	target := port(a, ssdpPort)
	c, err := s.Dial(ctx, Probe{Prober: p.Name(), Target: target, Transport: "udp", AnyPort: true,
		What: "SSDP M-SEARCH ST upnp:rootdevice (unicast)"})
	if err != nil {
		return ob, err
	}
	defer c.Close()
	req := "M-SEARCH * HTTP/1.1\r\nHOST: " + target.String() + "\r\nMAN: \"ssdp:discover\"\r\nST: upnp:rootdevice\r\n\r\n"
	var sr ssdpResponse
	reply, refused, err := askDatagram(ctx, c, []byte(req), ssdpMaxReply, func(b []byte) (bool, error) {
		var err error
		sr, err = parseSSDPResponse(b)
		return err == nil, err
	})
	switch {
	case err != nil:
		return ob, fmt.Errorf("SSDP answer from %v: %w", a, err)
	case refused:
		ob.Answered = true
		ob.Notes = append(ob.Notes, "udp/1900 closed (ICMP port unreachable)")
		return ob, nil
	case reply == nil:
		return ob, nil
	}
	ob.Answered = true
	seen := map[inventory.Attr]bool{}
	add := func(f inventory.Field, v string) {
		if at := (inventory.Attr{Field: f, Value: v}); !seen[at] {
			seen[at] = true
			ob.Add(f, v)
		}
	}
	add(inventory.HTTPServer, sr.Server)
	u, ap, why := documentTarget(sr.Location)
	switch {
	case why != "":
		ob.Notes = append(ob.Notes, fmt.Sprintf("LOCATION %s %s, not fetched", sr.Location, why))
		return ob, nil
	case !s.Allowed(ap.Addr()):
		ob.Notes = append(ob.Notes, fmt.Sprintf("LOCATION %s outside the targets, not fetched", sr.Location))
		return ob, nil
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return ob, err
	}
	hreq.Header.Set("Accept", "text/xml, application/xml")
	status, server, body, err := fetchDocument(ctx, s, Probe{Prober: p.Name(), Target: ap, Transport: "tcp",
		What: "UPnP device description GET " + sr.Location}, hreq, ssdpMaxDescription)
	switch {
	case unreachable(err) != "":
		ob.Notes = append(ob.Notes, "LOCATION "+sr.Location+": "+unreachable(err))
		return ob, nil
	case err != nil:
		return ob, fmt.Errorf("UPnP description %s: %w", sr.Location, err)
	case status != http.StatusOK:
		ob.Notes = append(ob.Notes, fmt.Sprintf("LOCATION %s: HTTP status %d", sr.Location, status))
		return ob, nil
	}
	add(inventory.HTTPServer, server)
	devs, err := parseDescription(body)
	if err != nil {
		return ob, fmt.Errorf("UPnP description %s: %w", sr.Location, err)
	}
	for _, d := range devs {
		add(inventory.Manufacturer, d.Manufacturer)
		add(inventory.DeviceModel, d.ModelName)
		add(inventory.DeviceModel, d.ModelNumber)
		add(inventory.Serial, d.SerialNumber)
	}
	return ob, nil
}

// ssdpResponse is what a search response says (§1.3.3).
type ssdpResponse struct {
	Location, Server, ST, USN string
}

// parseSSDPResponse reads a search response: "HTTP/1.1 200 OK" and
// header fields, of which LOCATION is required.
func parseSSDPResponse(b []byte) (ssdpResponse, error) {
	tp := textproto.NewReader(bufio.NewReader(bytes.NewReader(b)))
	line, err := tp.ReadLine()
	if err != nil {
		return ssdpResponse{}, fmt.Errorf("no status line: %w", err)
	}
	proto, status, _ := strings.Cut(line, " ")
	if !strings.HasPrefix(proto, "HTTP/1.") {
		return ssdpResponse{}, fmt.Errorf("status line %.40q is not HTTP", line)
	}
	if code, _, _ := strings.Cut(status, " "); code != "200" {
		return ssdpResponse{}, fmt.Errorf("status %.40q", status)
	}
	h, err := tp.ReadMIMEHeader()
	if err != nil && len(h) == 0 {
		return ssdpResponse{}, fmt.Errorf("header: %w", err)
	}
	r := ssdpResponse{
		Location: strings.TrimSpace(h.Get("Location")), Server: strings.TrimSpace(h.Get("Server")),
		ST: strings.TrimSpace(h.Get("St")), USN: strings.TrimSpace(h.Get("Usn")),
	}
	if r.Location == "" {
		return ssdpResponse{}, fmt.Errorf("no LOCATION header")
	}
	return r, nil
}

// upnpDevice is the part of a device description's <device> read.
type upnpDevice struct {
	DeviceType   string       `xml:"deviceType"`
	FriendlyName string       `xml:"friendlyName"`
	Manufacturer string       `xml:"manufacturer"`
	ModelName    string       `xml:"modelName"`
	ModelNumber  string       `xml:"modelNumber"`
	SerialNumber string       `xml:"serialNumber"`
	UDN          string       `xml:"UDN"`
	Devices      []upnpDevice `xml:"deviceList>device"`
}

// parseDescription reads a root device description (§2.3: <root> in the
// urn:schemas-upnp-org:device-1-0 namespace) and returns the root
// device and its embedded devices, at most ssdpMaxDevices, values
// trimmed.
func parseDescription(b []byte) ([]upnpDevice, error) {
	var root struct {
		XMLName xml.Name    `xml:"urn:schemas-upnp-org:device-1-0 root"`
		Device  *upnpDevice `xml:"device"`
	}
	if err := newXMLDecoder(b).Decode(&root); err != nil {
		return nil, fmt.Errorf("not a UPnP device description: %w", err)
	}
	if root.Device == nil {
		return nil, fmt.Errorf("the description has no <device>")
	}
	var out []upnpDevice
	var walk func(d upnpDevice)
	walk = func(d upnpDevice) {
		if len(out) >= ssdpMaxDevices {
			return
		}
		kids := d.Devices
		d.Devices = nil
		for _, f := range []*string{&d.DeviceType, &d.FriendlyName, &d.Manufacturer, &d.ModelName, &d.ModelNumber, &d.SerialNumber, &d.UDN} {
			*f = strings.TrimSpace(*f)
		}
		out = append(out, d)
		for _, k := range kids {
			walk(k)
		}
	}
	walk(*root.Device)
	return out, nil
}

// askDatagram sends req on the connected datagram socket c and reads
// answers (of at most size bytes) until keep accepts one or returns an
// error, the deadline passes or ctx ends. No answer is not an error:
// reply is nil, and refused says whether the port was closed (ICMP port
// unreachable).
func askDatagram(ctx context.Context, c net.Conn, req []byte, size int, keep func([]byte) (bool, error)) (reply []byte, refused bool, err error) {
	stop := context.AfterFunc(ctx, func() { c.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if _, err := c.Write(req); err != nil {
		return nil, errors.Is(err, syscall.ECONNREFUSED), ignoreRefused(err)
	}
	buf := make([]byte, size+1)
	for {
		n, err := c.Read(buf)
		switch {
		case ctx.Err() != nil:
			return nil, false, ctx.Err()
		case deadlinePassed(err), errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
			return nil, false, nil
		case err != nil:
			return nil, errors.Is(err, syscall.ECONNREFUSED), ignoreRefused(err)
		case n > size:
			return nil, false, fmt.Errorf("a datagram of more than %d bytes", size)
		}
		ok, err := keep(buf[:n])
		if err != nil || ok {
			return buf[:n:n], false, err
		}
	}
}

// ignoreRefused drops a "connection refused", which on a datagram
// socket means the port is closed.
func ignoreRefused(err error) error {
	if errors.Is(err, syscall.ECONNREFUSED) {
		return nil
	}
	return err
}

// fetchDocument sends an HTTP/1.1 request on a connection of its own
// opened through s for p, and returns the response's status, Server
// header and body; a body longer than limit is an error. An https URL's
// certificate is not checked: only what the device says of itself is
// read, and nothing is sent that needs protecting.
func fetchDocument(ctx context.Context, s *Session, p Probe, req *http.Request, limit int64) (status int, server string, body []byte, err error) {
	c, err := s.Dial(ctx, p)
	if err != nil {
		return 0, "", nil, err
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if req.URL.Scheme == "https" {
		c = tls.Client(c, &tls.Config{InsecureSkipVerify: true})
	}
	req.Close = true
	req.Header.Set("User-Agent", "embargo-discover")
	if err := req.Write(c); err != nil {
		return 0, "", nil, err
	}
	resp, err := http.ReadResponse(bufio.NewReader(io.LimitReader(c, limit+64<<10)), req)
	if err != nil {
		return 0, "", nil, err
	}
	defer resp.Body.Close()
	body, err = io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return 0, "", nil, err
	}
	if int64(len(body)) > limit {
		return 0, "", nil, fmt.Errorf("the answer is longer than %d bytes", limit)
	}
	return resp.StatusCode, strings.TrimSpace(resp.Header.Get("Server")), body, nil
}

// documentTarget checks a URL a device gave (an SSDP LOCATION, an ONVIF
// XAddr) and returns its address and port; why says what is wrong with
// it otherwise. Only http and https URLs whose host is an IP address are
// taken: a name would have to be resolved, and could point anywhere.
func documentTarget(raw string) (u *url.URL, ap netip.AddrPort, why string) {
	if len(raw) > 2048 {
		return nil, ap, "is too long"
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, ap, "is not an http(s) URL"
	}
	a, err := netip.ParseAddr(u.Hostname())
	if err != nil || a.Zone() != "" {
		return nil, ap, "names a host, not an address"
	}
	n := uint64(80)
	if u.Scheme == "https" {
		n = 443
	}
	if ps := u.Port(); ps != "" {
		if n, err = strconv.ParseUint(ps, 10, 16); err != nil || n == 0 {
			return nil, ap, "has a bad port"
		}
	}
	return u, netip.AddrPortFrom(a.Unmap(), uint16(n)), ""
}

// unreachable says how the network failed an exchange (no answer in
// time, a refused or reset connection, no route): a note, not a fault
// of what the device said. It is "" for any other error.
func unreachable(err error) string {
	var op *net.OpError
	switch {
	case err == nil:
		return ""
	case deadlinePassed(err):
		return "no answer"
	case errors.As(err, &op):
		return op.Err.Error()
	}
	return ""
}

// deadlinePassed reports whether err is a deadline passing.
func deadlinePassed(err error) bool {
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()
}

// newXMLDecoder reads b, decoding declared charsets other than UTF-8.
func newXMLDecoder(b []byte) *xml.Decoder {
	d := xml.NewDecoder(bytes.NewReader(b))
	d.CharsetReader = xmlCharset
	return d
}

// xmlCharset decodes a document declared in an encoding other than
// UTF-8, by its WHATWG label.
func xmlCharset(label string, in io.Reader) (io.Reader, error) {
	enc, err := htmlindex.Get(label)
	if err != nil {
		return nil, fmt.Errorf("unknown encoding %q", label)
	}
	return enc.NewDecoder().Reader(in), nil
}
