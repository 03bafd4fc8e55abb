//go:build linux

package netlab

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"net/url"
	"slices"
	"strings"
)

// probe is what a device needs from a WS-Discovery Probe.
type probe struct {
	MessageID string
	Types     []xml.Name // resolved QNames
	Scopes    []string
	MatchBy   string
}

var (
	soapBody    = xml.Name{Space: nsSOAP, Local: "Body"}
	wsdProbeEl  = xml.Name{Space: nsWSD, Local: "Probe"}
	wsdTypesEl  = xml.Name{Space: nsWSD, Local: "Types"}
	wsdScopesEl = xml.Name{Space: nsWSD, Local: "Scopes"}
	wsaMsgID    = xml.Name{Space: nsWSA, Local: "MessageID"}
)

// parseProbe reads a SOAP 1.2 envelope and reports whether its Body is a
// WS-Discovery (2005/04) Probe. The QNames in <d:Types> are resolved
// with the namespace declarations in scope where they appear; a prefix
// that is not declared makes the message invalid.
func parseProbe(doc []byte) (probe, bool) {
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var (
		p      probe
		found  bool
		path   []xml.Name
		scopes []map[string]string // prefix → namespace, per open element
		text   strings.Builder
	)
	parent := func() xml.Name {
		if len(path) < 2 {
			return xml.Name{}
		}
		return path[len(path)-2]
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return p, found && errors.Is(err, io.EOF)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			decl := map[string]string{}
			for _, a := range t.Attr {
				switch {
				case a.Name.Space == "xmlns":
					decl[a.Name.Local] = a.Value
				case a.Name.Space == "" && a.Name.Local == "xmlns":
					decl[""] = a.Value
				case t.Name == wsdScopesEl && a.Name.Local == "MatchBy":
					p.MatchBy = strings.TrimSpace(a.Value)
				}
			}
			path, scopes = append(path, t.Name), append(scopes, decl)
			text.Reset()
		case xml.CharData:
			text.Write(t)
		case xml.EndElement:
			v := strings.TrimSpace(text.String())
			switch {
			case t.Name == wsaMsgID:
				p.MessageID = v
			case t.Name == wsdProbeEl && parent() == soapBody:
				found = true
			case t.Name == wsdTypesEl && parent() == wsdProbeEl:
				for _, q := range strings.Fields(v) {
					n, ok := resolveQName(q, scopes)
					if !ok {
						return probe{}, false
					}
					p.Types = append(p.Types, n)
				}
			case t.Name == wsdScopesEl && parent() == wsdProbeEl:
				p.Scopes = strings.Fields(v)
			}
			path, scopes = path[:len(path)-1], scopes[:len(scopes)-1]
			text.Reset()
		}
	}
}

// resolveQName maps "prefix:local" (or "local", in the default
// namespace) to a namespace-qualified name.
func resolveQName(q string, scopes []map[string]string) (xml.Name, bool) {
	prefix, local, ok := strings.Cut(q, ":")
	if !ok {
		prefix, local = "", q
	}
	for i := len(scopes) - 1; i >= 0; i-- {
		if ns, ok := scopes[i][prefix]; ok {
			return xml.Name{Space: ns, Local: local}, true
		}
	}
	return xml.Name{}, false
}

// matches reports whether a device with these types and scopes answers
// the probe: every probed type is one of the device's, and every probed
// scope matches one of the device's under the probe's MatchBy rule
// (WS-Discovery 2005/04, section 5.1).
func (p probe) matches(types []xml.Name, scopes []string) bool {
	for _, t := range p.Types {
		if !slices.Contains(types, t) {
			return false
		}
	}
	for _, s := range p.Scopes {
		if !slices.ContainsFunc(scopes, func(d string) bool { return scopeMatches(p.MatchBy, s, d) }) {
			return false
		}
	}
	return true
}

// scopeMatches applies a matching rule. The default rule and rfc2396 are
// taken as rfc3986, as the ONVIF Core Specification asks; strcmp0 is
// exact comparison; other rules match nothing.
func scopeMatches(rule, probed, device string) bool {
	switch rule {
	case "", wsdRFC3986, wsdRFC2396:
		return uriPrefixMatch(probed, device)
	case wsdStrcmp0:
		return probed == device
	}
	return false
}

// uriPrefixMatch is the RFC 3986 rule: scheme and authority equal
// ignoring case, and the probed path's segments a segment-wise prefix
// of the device's (case-sensitive), no "." or ".." segment in either;
// query and fragment are ignored.
func uriPrefixMatch(probed, device string) bool {
	u1, err1 := url.Parse(probed)
	u2, err2 := url.Parse(device)
	if err1 != nil || err2 != nil || u1.Opaque != "" || u2.Opaque != "" {
		return false
	}
	if !strings.EqualFold(u1.Scheme, u2.Scheme) || !strings.EqualFold(u1.Host, u2.Host) ||
		u1.User.String() != u2.User.String() {
		return false
	}
	s1, s2 := segments(u1.EscapedPath()), segments(u2.EscapedPath())
	if s1 == nil || s2 == nil || len(s1) > len(s2) {
		return false
	}
	for i := range s1 {
		if s1[i] != s2[i] {
			return false
		}
	}
	return true
}

// segments splits a path; nil when it has a dot segment.
func segments(path string) []string {
	path = strings.Trim(path, "/")
	if path == "" {
		return []string{}
	}
	parts := strings.Split(path, "/")
	if slices.Contains(parts, ".") || slices.Contains(parts, "..") {
		return nil
	}
	return parts
}
