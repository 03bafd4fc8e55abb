package zeek

import (
	"bytes"
	"encoding/json"
)

// slot is a field the reader uses; both syntaxes fill the same slots, so
// that one piece of code turns each kind of log into Flows.
type slot uint8

const (
	sTS slot = iota
	sOrigH
	sOrigP
	sRespH
	sRespP
	sProto
	sIPProto
	sDuration
	sOrigBytes
	sRespBytes
	sOrigIPBytes
	sRespIPBytes
	sOrigPkts
	sRespPkts
	sQuery
	sAnswers
	sTTLs
	sServerName
	sHost
	nSlots
)

// slotNames are the slots' field names, as in #fields and JSON keys.
var slotNames = [nSlots]string{
	"ts", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "ip_proto",
	"duration", "orig_bytes", "resp_bytes", "orig_ip_bytes", "resp_ip_bytes",
	"orig_pkts", "resp_pkts", "query", "answers", "TTLs", "server_name", "host",
}

// slotOf finds the slot of a field name; a switch, not a map, as it is
// asked once per key of every JSON line.
func slotOf(name []byte) (slot, bool) {
	switch string(name) {
	case "ts":
		return sTS, true
	case "id.orig_h":
		return sOrigH, true
	case "id.orig_p":
		return sOrigP, true
	case "id.resp_h":
		return sRespH, true
	case "id.resp_p":
		return sRespP, true
	case "proto":
		return sProto, true
	case "ip_proto":
		return sIPProto, true
	case "duration":
		return sDuration, true
	case "orig_bytes":
		return sOrigBytes, true
	case "resp_bytes":
		return sRespBytes, true
	case "orig_ip_bytes":
		return sOrigIPBytes, true
	case "resp_ip_bytes":
		return sRespIPBytes, true
	case "orig_pkts":
		return sOrigPkts, true
	case "resp_pkts":
		return sRespPkts, true
	case "query":
		return sQuery, true
	case "answers":
		return sAnswers, true
	case "TTLs":
		return sTTLs, true
	case "server_name":
		return sServerName, true
	case "host":
		return sHost, true
	}
	return 0, false
}

// kind says how a value is written.
type kind uint8

const (
	kAbsent kind = iota // unset ("-", null) or not in the record
	kEmpty              // "(empty)": an empty string, set or vector
	kTSV                // a TSV field, \x escapes possible; lists split on the set separator
	kNum                // a JSON number or literal
	kStr                // a JSON string's contents without escapes
	kStrEsc             // a JSON string's contents with escapes
	kArr                // a JSON array, brackets included
)

type value struct {
	b []byte
	k kind
}

// logKind is which log a record comes from.
type logKind uint8

const (
	logOther logKind = iota // a log this reader has no use for
	logConn
	logDNS
	logSSL
	logQUIC
	logHTTP
)

// logPaths maps #path (and JSON _path) to kinds.
var logPaths = map[string]logKind{"conn": logConn, "dns": logDNS, "ssl": logSSL, "quic": logQUIC, "http": logHTTP}

// needs are the slots without which a line of a kind says nothing useful.
var needs = [...][]slot{
	logConn: {sTS, sOrigH, sOrigP, sRespH, sRespP, sProto},
	logDNS:  {sTS, sOrigH, sQuery, sAnswers},
	logSSL:  {sTS, sOrigH, sOrigP, sRespH, sRespP, sServerName},
	logQUIC: {sTS, sOrigH, sOrigP, sRespH, sRespP, sServerName},
	logHTTP: {sTS, sOrigH, sOrigP, sRespH, sRespP, sHost},
}

// reads are the slots each kind of log reads.
var reads = [...][]slot{
	logConn: {sTS, sOrigH, sOrigP, sRespH, sRespP, sProto, sIPProto, sDuration, sOrigBytes, sRespBytes, sOrigIPBytes, sRespIPBytes, sOrigPkts, sRespPkts},
	logDNS:  {sTS, sOrigH, sQuery, sAnswers, sTTLs},
	logSSL:  {sTS, sOrigH, sOrigP, sRespH, sRespP, sServerName},
	logQUIC: {sTS, sOrigH, sOrigP, sRespH, sRespP, sServerName},
	logHTTP: {sTS, sOrigH, sOrigP, sRespH, sRespP, sHost},
}

// record is one line's values by slot.
type record struct {
	v      [nSlots]value
	setSep byte // TSV set separator
}

// items iterates over a list value: a TSV set or vector, or a JSON array
// of strings or numbers. It does not allocate.
type items struct {
	rest []byte
	json bool
	sep  byte
	err  bool
}

func (r *record) items(s slot) items {
	v := r.v[s]
	switch v.k {
	case kTSV:
		return items{rest: v.b, sep: r.setSep}
	case kArr:
		b := bytes.TrimSpace(v.b[1 : len(v.b)-1])
		return items{rest: b, json: true}
	}
	return items{}
}

// next returns the next item, false at the end or on a malformed array.
func (it *items) next() (value, bool) {
	if len(it.rest) == 0 || it.err {
		return value{}, false
	}
	if !it.json {
		i := bytes.IndexByte(it.rest, it.sep)
		if i < 0 {
			v := it.rest
			it.rest = nil
			return value{b: v, k: kTSV}, true
		}
		v := it.rest[:i]
		it.rest = it.rest[i+1:]
		return value{b: v, k: kTSV}, true
	}
	v, rest, ok := scanValue(it.rest)
	if !ok || v.k == kArr {
		it.err = true
		return value{}, false
	}
	rest = skipSpace(rest)
	if len(rest) > 0 {
		if rest[0] != ',' {
			it.err = true
			return value{}, false
		}
		rest = skipSpace(rest[1:])
	}
	it.rest = rest
	return v, true
}

// text returns a string value's bytes unescaped, copied into scratch
// (whose reuse saves an allocation per name).
func text(v value, scratch []byte) ([]byte, bool) {
	switch v.k {
	case kStr, kNum:
		return append(scratch[:0], v.b...), true
	case kStrEsc:
		var s string
		if err := json.Unmarshal(append(append(append(scratch[:0], '"'), v.b...), '"'), &s); err != nil {
			return nil, false
		}
		return append(scratch[:0], s...), true
	case kTSV:
		return unescapeTSV(scratch[:0], v.b), true
	}
	return nil, false
}

// unescapeTSV undoes Zeek's \xHH escapes (of the separator and of bytes
// that are not printable); anything else is kept as written.
func unescapeTSV(dst, b []byte) []byte {
	for i := 0; i < len(b); i++ {
		if b[i] == '\\' && i+3 < len(b) && b[i+1] == 'x' {
			if h, ok := unhex(b[i+2]); ok {
				if l, ok := unhex(b[i+3]); ok {
					dst = append(dst, h<<4|l)
					i += 3
					continue
				}
			}
		}
		dst = append(dst, b[i])
	}
	return dst
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
