package zeek

import (
	"bytes"
	"errors"
)

// Zeek's JSON logs (LogAscii::use_json=T) are one flat object a line,
// with dotted keys ("id.orig_h") and no nesting; a small scanner reads
// them into slots without allocating, where encoding/json would make a
// string of every value it keeps.

// jsonMarks are keys that tell which log a record is from when no _path
// (or #path) says it.
type jsonMarks struct {
	path                            []byte
	connState, origPkts             bool
	query, qtype, rcode, transID    bool
	sslHistory, cipher, established bool
	initialDCID                     bool
	method, uri, transDepth         bool
}

// kind says which log the line came from: _path when present, else the
// fields only that log has.
func (m *jsonMarks) kind() logKind {
	if m.path != nil {
		return logPaths[string(m.path)]
	}
	switch {
	case m.connState || m.origPkts:
		return logConn
	case m.query || m.qtype || m.rcode || m.transID:
		return logDNS
	case m.initialDCID:
		return logQUIC
	case m.sslHistory || m.cipher || m.established:
		return logSSL
	case m.method || m.uri || m.transDepth:
		return logHTTP
	}
	return logOther
}

var errNotObject = errors.New("not a JSON object")

// fromJSON fills r from one JSON line and tells which log it is from.
func (r *record) fromJSON(line []byte) (logKind, error) {
	r.v = [nSlots]value{}
	var m jsonMarks
	b := bytes.TrimSpace(line)
	if len(b) < 2 || b[0] != '{' {
		return 0, errNotObject
	}
	b = skipSpace(b[1:])
	if len(b) > 0 && b[0] == '}' {
		b = b[1:]
	} else {
		for {
			if len(b) == 0 || b[0] != '"' {
				return 0, errors.New("JSON object: a key is not a string")
			}
			key, rest, ok := scanValue(b)
			if !ok {
				return 0, errors.New("JSON object: a key string does not end")
			}
			rest = skipSpace(rest)
			if len(rest) == 0 || rest[0] != ':' {
				return 0, errors.New("JSON object: no ':' after a key")
			}
			v, rest, ok := scanValue(skipSpace(rest[1:]))
			if !ok {
				return 0, errors.New("JSON object: a value does not end or is malformed")
			}
			r.setJSON(key.b, v, &m)
			rest = skipSpace(rest)
			if len(rest) > 0 && rest[0] == ',' {
				b = skipSpace(rest[1:])
				continue
			}
			if len(rest) > 0 && rest[0] == '}' {
				b = rest[1:]
				break
			}
			return 0, errors.New("JSON object: neither ',' nor '}' after a value")
		}
	}
	if len(bytes.TrimSpace(b)) > 0 {
		return 0, errors.New("JSON object: data after the closing '}'")
	}
	return m.kind(), nil
}

func (r *record) setJSON(key []byte, v value, m *jsonMarks) {
	if v.k == kNum && string(v.b) == "null" {
		v = value{}
	}
	m.see(key)
	if string(key) == "_path" && v.k == kStr {
		m.path = v.b
	}
	if s, ok := slotOf(key); ok {
		r.v[s] = v
	}
}

// see notes the keys that tell one log from another.
func (m *jsonMarks) see(key []byte) {
	switch string(key) {
	case "conn_state":
		m.connState = true
	case "orig_pkts":
		m.origPkts = true
	case "query":
		m.query = true
	case "qtype", "qtype_name":
		m.qtype = true
	case "rcode":
		m.rcode = true
	case "trans_id":
		m.transID = true
	case "ssl_history":
		m.sslHistory = true
	case "cipher":
		m.cipher = true
	case "established":
		m.established = true
	case "client_initial_dcid":
		m.initialDCID = true
	case "method":
		m.method = true
	case "uri":
		m.uri = true
	case "trans_depth":
		m.transDepth = true
	}
}

// scanValue reads one JSON value at the start of b: a string (its
// contents, kStr or kStrEsc), an array or object (raw, kArr; objects are
// only skipped), or a number or literal (kNum). It checks the nesting and
// the strings' ends, not every detail of the grammar.
func scanValue(b []byte) (v value, rest []byte, ok bool) {
	if len(b) == 0 {
		return value{}, nil, false
	}
	switch b[0] {
	case '"':
		esc := false
		for i := 1; i < len(b); i++ {
			switch b[i] {
			case '\\':
				esc = true
				i++
			case '"':
				k := kStr
				if esc {
					k = kStrEsc
				}
				return value{b: b[1:i], k: k}, b[i+1:], true
			}
		}
		return value{}, nil, false
	case '[', '{':
		depth := 0
		for i := 0; i < len(b); i++ {
			switch b[i] {
			case '[', '{':
				depth++
			case ']', '}':
				if depth--; depth == 0 {
					return value{b: b[:i+1], k: kArr}, b[i+1:], b[0] == '[' && b[i] == ']' || b[0] == '{' && b[i] == '}'
				}
			case '"':
				_, r, ok := scanValue(b[i:])
				if !ok {
					return value{}, nil, false
				}
				i = len(b) - len(r) - 1
			}
		}
		return value{}, nil, false
	}
	i := 0
	for i < len(b) && b[i] != ',' && b[i] != '}' && b[i] != ']' && b[i] != ' ' && b[i] != '\t' {
		i++
	}
	if i == 0 {
		return value{}, nil, false
	}
	return value{b: b[:i], k: kNum}, b[i:], true
}

// skipSpace drops leading JSON white space; bytes.TrimLeft, which builds
// a set on every call, cost more than the rest of the scanner.
func skipSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\r' || b[0] == '\n') {
		b = b[1:]
	}
	return b
}
