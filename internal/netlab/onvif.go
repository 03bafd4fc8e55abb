//go:build linux

package netlab

import (
	"bytes"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// ONVIF configures a device's ONVIF identity: its WS-Discovery answers
// and its device service's GetDeviceInformation (ONVIF Core
// Specification, "Device discovery" and "GetDeviceInformation";
// devicemgmt.wsdl). See testdata/SOURCES.md.
type ONVIF struct {
	// The five fields of GetDeviceInformationResponse, in its order.
	Manufacturer, Model, FirmwareVersion, SerialNumber, HardwareID string
	// Hardware is the onvif://www.onvif.org/hardware/ scope's value,
	// Model when empty; ScopeName the onvif://www.onvif.org/name/
	// scope's, the device's name when empty.
	Hardware, ScopeName string
}

// Namespaces and fixed values of SOAP 1.2, WS-Addressing (2004/08, as
// WS-Discovery 2005/04 uses it), WS-Discovery 2005/04 (the version the
// ONVIF Core Specification references) and ONVIF.
const (
	nsSOAP   = "http://www.w3.org/2003/05/soap-envelope"
	nsWSA    = "http://schemas.xmlsoap.org/ws/2004/08/addressing"
	nsWSD    = "http://schemas.xmlsoap.org/ws/2005/04/discovery"
	nsDN     = "http://www.onvif.org/ver10/network/wsdl"
	nsTDS    = "http://www.onvif.org/ver10/device/wsdl"
	nsTER    = "http://www.onvif.org/ver10/error"
	wsdProbe = nsWSD + "/Probe"

	wsdProbeMatches  = nsWSD + "/ProbeMatches"
	wsaAnonymous     = nsWSA + "/role/anonymous"
	wsdRFC3986       = nsWSD + "/rfc3986"
	wsdRFC2396       = nsWSD + "/rfc2396"
	wsdStrcmp0       = nsWSD + "/strcmp0"
	onvifScopePrefix = "onvif://www.onvif.org/"
	// onvifDevicePath is the device management service's fixed entry
	// point (ONVIF Core Specification, "Services overview").
	onvifDevicePath = "/onvif/device_service"
	soapContentType = "application/soap+xml; charset=utf-8"
)

// deviceTypes are the WS-Discovery types a lab camera answers to: the
// device management port type the Core Specification requires, and the
// older NetworkVideoTransmitter type that clients still probe for.
var deviceTypes = []xml.Name{
	{Space: nsDN, Local: "NetworkVideoTransmitter"},
	{Space: nsTDS, Local: "Device"},
}

// scopes lists the device's scope URIs: at least one of the profile,
// hardware and name categories, as the Core Specification requires.
func (o *ONVIF) scopes(d *Device) []string {
	hw, name := o.Hardware, o.ScopeName
	if hw == "" {
		hw = o.Model
	}
	if name == "" {
		name = d.Name
	}
	return []string{
		onvifScopePrefix + "type/NetworkVideoTransmitter",
		onvifScopePrefix + "Profile/Streaming",
		onvifScopePrefix + "hardware/" + url.PathEscape(hw),
		onvifScopePrefix + "name/" + url.PathEscape(name),
	}
}

// deviceService answers a SOAP request to the device service: the
// GetDeviceInformation operation, or a ter:ActionNotSupported fault
// (Core Specification, "Services requirements"; a Receiver fault is
// HTTP 500 in the SOAP 1.2 HTTP binding) for anything else.
// Authentication is not enforced by the lab.
func (o *ONVIF) deviceService(body []byte) (int, []byte) {
	if !hasBodyElement(body, xml.Name{Space: nsTDS, Local: "GetDeviceInformation"}) {
		return http.StatusInternalServerError, soapEnvelope("", "",
			`<env:Fault><env:Code><env:Value>env:Receiver</env:Value><env:Subcode>`+
				`<env:Value xmlns:ter="`+nsTER+`">ter:ActionNotSupported</env:Value></env:Subcode></env:Code>`+
				`<env:Reason><env:Text xml:lang="en">not supported by the netlab device</env:Text></env:Reason></env:Fault>`)
	}
	var b strings.Builder
	b.WriteString(`<tds:GetDeviceInformationResponse xmlns:tds="` + nsTDS + `">`)
	for _, f := range [][2]string{
		{"Manufacturer", o.Manufacturer}, {"Model", o.Model},
		{"FirmwareVersion", o.FirmwareVersion}, {"SerialNumber", o.SerialNumber},
		{"HardwareId", o.HardwareID},
	} {
		b.WriteString("<tds:" + f[0] + ">" + escape(f[1]) + "</tds:" + f[0] + ">")
	}
	b.WriteString("</tds:GetDeviceInformationResponse>")
	return http.StatusOK, soapEnvelope("", "", b.String())
}

// hasBodyElement reports whether the SOAP envelope's Body holds an
// element of this name as its first child.
func hasBodyElement(doc []byte, want xml.Name) bool {
	dec := xml.NewDecoder(bytes.NewReader(doc))
	inBody := false
	for {
		tok, err := dec.Token()
		if err == io.EOF || err != nil {
			return false
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if inBody {
			return se.Name == want
		}
		inBody = se.Name == xml.Name{Space: nsSOAP, Local: "Body"}
	}
}

// soapEnvelope wraps a SOAP 1.2 header and body; decls are more
// namespace declarations for the Envelope element.
func soapEnvelope(decls, header, body string) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<env:Envelope xmlns:env="` + nsSOAP + `"` + decls + `>`)
	if header != "" {
		b.WriteString("<env:Header>" + header + "</env:Header>")
	}
	b.WriteString("<env:Body>" + body + "</env:Body></env:Envelope>\n")
	return b.Bytes()
}

// escape returns s as XML character data.
func escape(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}
