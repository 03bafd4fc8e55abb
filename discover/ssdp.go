package discover

import (
	"bufio"
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/netip"
	"net/textproto"
	"strings"

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
