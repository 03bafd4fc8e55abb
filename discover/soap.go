package discover

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// soapFault is a SOAP 1.2 fault: its code, first subcode (QNames
// resolved with the declarations in scope) and first reason text.
type soapFault struct {
	Code, Subcode xml.Name
	Reason        string
}

func (f *soapFault) String() string {
	s := f.Code.Local
	if f.Subcode.Local != "" {
		s += "/" + f.Subcode.Local
	}
	if f.Reason != "" {
		s += ": " + f.Reason
	}
	return s
}

// parseSOAP reads a SOAP 1.2 envelope. Errors name the byte offset.
func parseSOAP(b []byte) (soapReply, error) {
	var (
		r     soapReply
		path  []xml.Name
		decls []map[string]string // prefix → namespace, per open element
		text  strings.Builder
	)
	soap := func(local string) xml.Name { return xml.Name{Space: nsSOAP12, Local: local} }
	under := func(names ...xml.Name) bool { // path ends with Body, names...
		n := len(path) - len(names)
		if n < 2 || path[n-1] != soap("Body") {
			return false
		}
		for i, name := range names {
			if name.Space != "" && path[n+i] != name || path[n+i].Local != name.Local {
				return false
			}
		}
		return true
	}
	dec := newXMLDecoder(b)
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return soapReply{}, fmt.Errorf("offset %d: %w", dec.InputOffset(), err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(path) == 0 && t.Name != soap("Envelope") {
				return soapReply{}, fmt.Errorf("%s is not a SOAP 1.2 envelope", t.Name.Local)
			}
			d := map[string]string{}
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" {
					d[a.Name.Local] = a.Value
				} else if a.Name.Space == "" && a.Name.Local == "xmlns" {
					d[""] = a.Value
				}
			}
			path, decls = append(path, t.Name), append(decls, d)
			text.Reset()
			if len(path) == 3 && path[1] == soap("Body") && r.Body.Local == "" {
				r.Body, r.Fields = t.Name, map[string]string{}
				if t.Name == soap("Fault") {
					r.Fault = &soapFault{}
				}
			}
		case xml.CharData:
			if text.Len() < onvifMaxReply {
				text.Write(t)
			}
		case xml.EndElement:
			v := strings.TrimSpace(text.String())
			switch {
			case len(path) == 4 && path[1] == soap("Body") && path[2] == r.Body && r.Fault == nil:
				if _, dup := r.Fields[t.Name.Local]; !dup {
					r.Fields[t.Name.Local] = v
				}
			case r.Fault == nil:
			case under(soap("Fault"), soap("Code"), soap("Value")):
				r.Fault.Code = resolveQName(v, decls)
			case under(soap("Fault"), soap("Code"), soap("Subcode"), soap("Value")) && r.Fault.Subcode.Local == "":
				r.Fault.Subcode = resolveQName(v, decls)
			case under(soap("Fault"), soap("Reason"), soap("Text")) && r.Fault.Reason == "":
				r.Fault.Reason = v
			}
			path, decls = path[:len(path)-1], decls[:len(decls)-1]
			text.Reset()
		}
	}
	if r.Body.Local == "" {
		return soapReply{}, errors.New("the SOAP body is empty")
	}
	return r, nil
}

// resolveQName maps "prefix:local" to a qualified name with the
// declarations in scope; an undeclared prefix leaves the name's space
// empty.
func resolveQName(q string, decls []map[string]string) xml.Name {
	prefix, local, ok := strings.Cut(q, ":")
	if !ok {
		prefix, local = "", q
	}
	for i := len(decls) - 1; i >= 0; i-- {
		if ns, ok := decls[i][prefix]; ok {
			return xml.Name{Space: ns, Local: local}
		}
	}
	return xml.Name{Local: local}
}
