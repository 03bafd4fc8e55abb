package zeekdev

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// kind is which log a record is from.
type kind uint8

const (
	logOther kind = iota
	logDHCP
	logKnownDevices
	logSoftware
	logKnownCerts
	logSSL
	logX509
)

var paths = map[string]kind{
	"dhcp": logDHCP, "known_devices": logKnownDevices, "software": logSoftware,
	"known_certs": logKnownCerts, "ssl": logSSL, "x509": logX509,
}

// kindOf tells the log from its path, else from the fields only it has.
func kindOf(path string, has func(string) bool) kind {
	if path != "" {
		return paths[path]
	}
	switch {
	case has("software_type"):
		return logSoftware
	case has("dhcp_host_name"):
		return logKnownDevices
	case has("msg_types") || has("assigned_addr"):
		return logDHCP
	case has("certificate.subject"):
		return logX509
	case has("issuer_subject") && has("host"):
		return logKnownCerts
	case has("id.resp_h") && (has("cert_chain_fps") || has("cert_chain_fuids") || has("ssl_history") || has("server_name")):
		return logSSL
	}
	return logOther
}

// record is one log line: each field's values (one for a scalar, any
// number for a set or vector); an unset field is absent.
type record struct {
	kind   kind
	line   int
	fields map[string][]string
}

func (r *record) get(f string) string {
	if v := r.fields[f]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// header is what the # lines of a TSV log say, until the next
// #separator line starts another log.
type header struct {
	sep, setSep   string
	unset, empty  string
	path          string
	fields        []string
	kind          kind
	seen, changed bool
}

func newHeader() header {
	return header{sep: "\t", setSep: ",", unset: "-", empty: "(empty)"}
}

// directive applies one # line; it returns why the line is bad, or "".
func (h *header) directive(line string) string {
	if rest, ok := strings.CutPrefix(line, "#separator"); ok {
		sep := unescape(strings.TrimLeft(rest, " "))
		if sep == "" {
			return "#separator names no separator"
		}
		*h = newHeader()
		h.sep = sep
		return ""
	}
	name, val, _ := strings.Cut(line[1:], h.sep)
	switch name {
	case "set_separator":
		h.setSep = unescape(val)
	case "unset_field":
		h.unset = val
	case "empty_field":
		h.empty = val
	case "path":
		h.path = val
	case "fields":
		h.fields = strings.Split(val, h.sep)
		h.seen = true
	default:
		return "" // #types, #open, #close say nothing needed here
	}
	h.changed = true
	return ""
}

// tsv reads a data line under h.
func (h *header) tsv(line string, n int) (record, string) {
	if !h.seen {
		return record{}, "a data line before any #fields header"
	}
	if h.changed {
		h.changed = false
		set := map[string]bool{}
		for _, f := range h.fields {
			set[f] = true
		}
		h.kind = kindOf(h.path, func(f string) bool { return set[f] })
	}
	if h.kind == logOther {
		return record{}, ""
	}
	vals := strings.Split(line, h.sep)
	if len(vals) != len(h.fields) {
		return record{}, fmt.Sprintf("%d fields where the #fields header names %d", len(vals), len(h.fields))
	}
	r := record{kind: h.kind, line: n, fields: make(map[string][]string, len(vals))}
	for i, v := range vals {
		switch {
		case v == h.unset:
		case v == h.empty:
			r.fields[h.fields[i]] = []string{}
		case lists[h.fields[i]]:
			parts := strings.Split(v, h.setSep)
			for j := range parts {
				parts[j] = unescape(parts[j])
			}
			r.fields[h.fields[i]] = parts
		default:
			r.fields[h.fields[i]] = []string{unescape(v)}
		}
	}
	return r, ""
}

// lists are the set and vector fields read.
var lists = map[string]bool{"msg_types": true, "cert_chain_fps": true, "cert_chain_fuids": true, "san.dns": true}

// unescape undoes Zeek's \xHH escapes of TSV values (the separator and
// bytes that are not printable).
func unescape(s string) string {
	if !strings.Contains(s, `\x`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) && s[i+1] == 'x' {
			if v, err := strconv.ParseUint(s[i+2:i+4], 16, 8); err == nil {
				b.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// fromJSON reads a JSON log line (LogAscii::use_json=T): an object with
// dotted keys; nested objects are read as dotted keys too.
func fromJSON(line []byte, n int) (record, string) {
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return record{}, "not a JSON object: " + err.Error()
	}
	if dec.More() {
		return record{}, "data after the JSON object"
	}
	r := record{line: n, fields: map[string][]string{}}
	flatten("", m, r.fields)
	path := r.get("_path")
	r.kind = kindOf(path, func(f string) bool { _, ok := r.fields[f]; return ok })
	return r, ""
}

func flatten(prefix string, m map[string]any, out map[string][]string) {
	for k, v := range m {
		key := prefix + k
		switch t := v.(type) {
		case map[string]any:
			flatten(key+".", t, out)
		case []any:
			vs := []string{}
			for _, e := range t {
				vs = append(vs, scalar(e))
			}
			out[key] = vs
		case nil:
		default:
			out[key] = []string{scalar(t)}
		}
	}
}

func scalar(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case bool:
		if t {
			return "T"
		}
		return "F"
	case json.Number:
		return t.String()
	}
	return fmt.Sprint(v)
}
