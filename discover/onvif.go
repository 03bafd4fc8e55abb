package discover

import (
	"context"
	"crypto/rand"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/discovery"
)

// Namespaces and fixed values of SOAP 1.2, WS-Addressing 2004/08 and
// WS-Discovery 2005/04 (the version the ONVIF Core Specification uses),
// and ONVIF's device service (devicemgmt.wsdl) and error codes.
const (
	onvifPort          = 3702
	nsSOAP12           = "http://www.w3.org/2003/05/soap-envelope"
	nsWSAddressing     = "http://schemas.xmlsoap.org/ws/2004/08/addressing"
	nsWSDiscovery      = "http://schemas.xmlsoap.org/ws/2005/04/discovery"
	nsONVIFDevice      = "http://www.onvif.org/ver10/device/wsdl"
	nsONVIFError       = "http://www.onvif.org/ver10/error"
	wsdProbeAction     = nsWSDiscovery + "/Probe"
	wsdMatchesAction   = nsWSDiscovery + "/ProbeMatches"
	wsdTo              = "urn:schemas-xmlsoap-org:ws:2005:04:discovery"
	onvifScopePrefix   = "onvif://www.onvif.org/"
	onvifGetDeviceInfo = nsONVIFDevice + "/GetDeviceInformation"
	// onvifMaxReply bounds a ProbeMatches datagram and a SOAP response.
	onvifMaxReply = 64 << 10
)

// ONVIF asks an address whether it is an ONVIF device: a WS-Discovery
// Probe for tds:Device (the port type the Core Specification requires
// every device to list) sent by unicast to udp/3702 of the address,
// never to the multicast group, which would reach other hosts. A
// ProbeMatch gives the device's scopes and its device service address
// (XAddr); GetDeviceInformation, asked of an XAddr inside the targets,
// gives its manufacturer, model, firmware and serial number.
type ONVIF struct{}

// NewONVIF returns the ONVIF prober.
func NewONVIF() *ONVIF { return &ONVIF{} }

// Name is "onvif".
func (*ONVIF) Name() string { return "onvif" }

// Probe sends the Probe, then asks for the device information.
func (o *ONVIF) Probe(ctx context.Context, s *Session, a netip.Addr) (discovery.Observation, error) {
	var ob discovery.Observation
	c, err := s.Dial(ctx, Probe{Prober: o.Name(), Target: port(a, onvifPort), Transport: "udp", AnyPort: true,
		What: "WS-Discovery Probe for tds:Device (unicast SOAP-over-UDP)"})
	if err != nil {
		return ob, err
	}
	defer c.Close()
	id := "urn:uuid:" + newUUID()
	var pm wsdAnswer
	reply, refused, err := askDatagram(ctx, c, wsdProbe(id), onvifMaxReply, func(b []byte) (bool, error) {
		var err error
		pm, err = parseProbeMatches(b)
		return err == nil && (pm.RelatesTo == "" || pm.RelatesTo == id), err
	})
	switch {
	case err != nil:
		return ob, fmt.Errorf("WS-Discovery answer from %v: %w", a, err)
	case refused:
		ob.Answered = true
		ob.Notes = append(ob.Notes, "udp/3702 closed (ICMP port unreachable)")
		return ob, nil
	case reply == nil:
		return ob, nil
	}
	ob.Answered = true
	if pm.Fault != nil {
		ob.Notes = append(ob.Notes, "WS-Discovery fault: "+pm.Fault.String())
		return ob, nil
	}
	var sc onvifScopes
	var xaddrs []string
	for _, m := range pm.Matches {
		sc.read(m.Scopes)
		xaddrs = append(xaddrs, strings.Fields(m.XAddrs)...)
	}
	info, err := o.deviceInformation(ctx, s, &ob, xaddrs)
	ob.Add(inventory.Manufacturer, info["Manufacturer"])
	ob.Add(inventory.DeviceModel, info["Model"])
	ob.Add(inventory.Firmware, info["FirmwareVersion"])
	ob.Add(inventory.Serial, info["SerialNumber"])
	if info["Model"] == "" {
		ob.Add(inventory.DeviceModel, sc.hardware)
	}
	// The name scope is the name the owner gave the device;
	// GetDeviceInformation has none.
	ob.Add(inventory.Hostname, sc.name)
	for _, l := range sc.location {
		ob.Notes = append(ob.Notes, "ONVIF location scope "+l)
	}
	return ob, err
}

// deviceInformation calls GetDeviceInformation at the first XAddr that
// may be asked: an http(s) URL whose host is an address inside the
// targets. What stops it is written as a note.
func (o *ONVIF) deviceInformation(ctx context.Context, s *Session, ob *discovery.Observation, xaddrs []string) (map[string]string, error) {
	for _, x := range xaddrs {
		u, ap, why := documentTarget(x)
		if why != "" {
			ob.Notes = append(ob.Notes, fmt.Sprintf("XAddr %s %s, not fetched", x, why))
			continue
		}
		if !s.Allowed(ap.Addr()) {
			ob.Notes = append(ob.Notes, fmt.Sprintf("XAddr %s outside the targets, not fetched", x))
			continue
		}
		body := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
			`<s:Envelope xmlns:s="` + nsSOAP12 + `"><s:Body><tds:GetDeviceInformation xmlns:tds="` +
			nsONVIFDevice + `"/></s:Body></s:Envelope>`
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), strings.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", `application/soap+xml; charset=utf-8; action="`+onvifGetDeviceInfo+`"`)
		p := Probe{Prober: o.Name(), Target: ap, Transport: "tcp", What: "ONVIF GetDeviceInformation (SOAP 1.2 POST " + x + ")"}
		status, _, reply, err := fetchDocument(ctx, s, p, req, onvifMaxReply)
		switch {
		case unreachable(err) != "":
			ob.Notes = append(ob.Notes, "GetDeviceInformation at "+x+": "+unreachable(err))
			return nil, nil
		case err != nil:
			return nil, fmt.Errorf("GetDeviceInformation at %s: %w", x, err)
		case status == http.StatusUnauthorized:
			ob.Notes = append(ob.Notes, "GetDeviceInformation needs credentials")
			return nil, nil
		}
		r, err := parseSOAP(reply)
		switch {
		case err != nil && status == http.StatusOK:
			return nil, fmt.Errorf("GetDeviceInformation at %s: %w", x, err)
		case r.Fault != nil && r.Fault.Subcode == (xml.Name{Space: nsONVIFError, Local: "NotAuthorized"}):
			ob.Notes = append(ob.Notes, "GetDeviceInformation needs credentials")
		case r.Fault != nil:
			ob.Notes = append(ob.Notes, "GetDeviceInformation fault: "+r.Fault.String())
		case status != http.StatusOK:
			ob.Notes = append(ob.Notes, fmt.Sprintf("GetDeviceInformation at %s: HTTP status %d", x, status))
		case r.Body != xml.Name{Space: nsONVIFDevice, Local: "GetDeviceInformationResponse"}:
			return nil, fmt.Errorf("GetDeviceInformation at %s: the answer is a %s", x, r.Body.Local)
		default:
			return r.Fields, nil
		}
		return nil, nil
	}
	return nil, nil
}

// wsdProbe is a WS-Discovery Probe for tds:Device with MessageID id.
func wsdProbe(id string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<s:Envelope xmlns:s="` + nsSOAP12 + `" xmlns:a="` + nsWSAddressing + `" xmlns:d="` + nsWSDiscovery +
		`" xmlns:tds="` + nsONVIFDevice + `"><s:Header><a:MessageID>` + id + `</a:MessageID><a:To>` + wsdTo +
		`</a:To><a:Action>` + wsdProbeAction + `</a:Action></s:Header><s:Body><d:Probe><d:Types>tds:Device</d:Types>` +
		`</d:Probe></s:Body></s:Envelope>`)
}

// wsdAnswer is what a WS-Discovery answer to a Probe holds.
type wsdAnswer struct {
	RelatesTo string
	Matches   []wsdMatch
	Fault     *soapFault
}

// wsdMatch is one ProbeMatch: the endpoint, its types, scopes and
// transport addresses, each a space-separated list.
type wsdMatch struct {
	Address string `xml:"EndpointReference>Address"`
	Types   string `xml:"Types"`
	Scopes  string `xml:"Scopes"`
	XAddrs  string `xml:"XAddrs"`
}

// parseProbeMatches reads a SOAP 1.2 envelope answering a Probe: a
// ProbeMatches message (its Action and the WS-Discovery namespace are
// checked), or a SOAP fault, which a device may send for a unicast Probe
// it cannot match.
func parseProbeMatches(b []byte) (wsdAnswer, error) {
	var env struct {
		XMLName   xml.Name `xml:"http://www.w3.org/2003/05/soap-envelope Envelope"`
		Action    string   `xml:"Header>Action"`
		RelatesTo string   `xml:"Header>RelatesTo"`
		Body      struct {
			Matches *struct {
				Match []wsdMatch `xml:"http://schemas.xmlsoap.org/ws/2005/04/discovery ProbeMatch"`
			} `xml:"http://schemas.xmlsoap.org/ws/2005/04/discovery ProbeMatches"`
			Fault *struct{} `xml:"http://www.w3.org/2003/05/soap-envelope Fault"`
		} `xml:"http://www.w3.org/2003/05/soap-envelope Body"`
	}
	if err := newXMLDecoder(b).Decode(&env); err != nil {
		return wsdAnswer{}, fmt.Errorf("not a SOAP 1.2 envelope: %w", err)
	}
	out := wsdAnswer{RelatesTo: strings.TrimSpace(env.RelatesTo)}
	switch {
	case env.Body.Fault != nil:
		r, err := parseSOAP(b)
		if err != nil {
			return wsdAnswer{}, err
		}
		out.Fault = r.Fault
	case strings.TrimSpace(env.Action) != wsdMatchesAction || env.Body.Matches == nil:
		return wsdAnswer{}, fmt.Errorf("action %q is not ProbeMatches", strings.TrimSpace(env.Action))
	default:
		out.Matches = env.Body.Matches.Match
	}
	return out, nil
}

// onvifScopes are the ONVIF scopes of a ProbeMatch that say who a
// device is: onvif://www.onvif.org/hardware/X, /name/Y and the
// /location/... ones, their values unescaped.
type onvifScopes struct {
	hardware, name string
	location       []string
}

func (sc *onvifScopes) read(list string) {
	for _, s := range strings.Fields(list) {
		rest, ok := strings.CutPrefix(s, onvifScopePrefix)
		if !ok {
			continue
		}
		cat, v, _ := strings.Cut(rest, "/")
		if u, err := url.PathUnescape(v); err == nil {
			v = u
		}
		switch {
		case v == "":
		case cat == "hardware" && sc.hardware == "":
			sc.hardware = v
		case cat == "name" && sc.name == "":
			sc.name = v
		case cat == "location":
			sc.location = append(sc.location, v)
		}
	}
}

// soapReply is what the Body of a SOAP 1.2 envelope holds: its first
// element's name and the text of that element's children by local name,
// or a fault.
type soapReply struct {
	Body   xml.Name
	Fields map[string]string
	Fault  *soapFault
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
