package eve

import (
	"bytes"
	"encoding/json"
	"errors"
)

// A small JSON scanner reads EVE records in place. encoding/json, tried
// first, read 185,000 lines a CPU-second of BenchmarkEVE's mix, making 8
// allocations a line; this one reads several times more and allocates
// only names. It checks that objects, arrays and strings are closed and
// that values are where they belong; it does not check every detail of
// the grammar (a number's form, an escape's) in the values it skips.

// kind says what a JSON value is.
type kind uint8

const (
	kNone   kind = iota
	kStr         // a string's contents, without escapes
	kStrEsc      // a string's contents, with escapes
	kLit         // a number, true, false or null
	kArr         // an array, brackets included
	kObj         // an object, braces included
)

type value struct {
	b []byte
	k kind
}

var errSyntax = errors.New("malformed JSON")

// scanValue reads the value at the start of b.
func scanValue(b []byte) (value, []byte, error) {
	if len(b) == 0 {
		return value{}, nil, errSyntax
	}
	switch c := b[0]; c {
	case '"':
		n, esc, err := scanString(b)
		if err != nil {
			return value{}, nil, err
		}
		k := kStr
		if esc {
			k = kStrEsc
		}
		return value{b: b[1 : n-1], k: k}, b[n:], nil
	case '[', '{':
		depth := 0
		for i := 0; i < len(b); i++ {
			switch special[b[i]] {
			case cOpen:
				depth++
			case cShut:
				if depth--; depth == 0 {
					if b[i] != c+2 { // ']' is '['+2, '}' is '{'+2
						return value{}, nil, errSyntax
					}
					k := kArr
					if c == '{' {
						k = kObj
					}
					return value{b: b[:i+1], k: k}, b[i+1:], nil
				}
			case cQuote:
				n, _, err := scanString(b[i:])
				if err != nil {
					return value{}, nil, err
				}
				i += n - 1
			}
		}
		return value{}, nil, errSyntax
	}
	i := 0
	for i < len(b) && special[b[i]] == 0 {
		i++
	}
	if i == 0 {
		return value{}, nil, errSyntax
	}
	return value{b: b[:i], k: kLit}, b[i:], nil
}

// special classes the bytes that end a literal or matter inside an
// array or object.
var special = func() (t [256]uint8) {
	for _, c := range "{[" {
		t[c] = cOpen
	}
	for _, c := range "}]" {
		t[c] = cShut
	}
	t['"'] = cQuote
	for _, c := range ", \t\r\n:" {
		t[c] = cStop
	}
	return t
}()

const (
	cOpen = 1 + iota
	cShut
	cQuote
	cStop
)

// scanString measures the string at the start of b (which is '"'): its
// length with both quotes, and whether it has escapes. Most strings of a
// record are short keys, which a plain loop measures fastest; a long one
// is gone through from quote to quote with bytes.IndexByte.
func scanString(b []byte) (n int, esc bool, err error) {
	i := 1
	for ; i < len(b) && i < 32; i++ {
		switch b[i] {
		case '"':
			return i + 1, esc, nil
		case '\\':
			esc = true
			i++
		}
	}
	for i < len(b) {
		j := bytes.IndexByte(b[i:], '"')
		if j < 0 {
			break
		}
		end := i + j
		slashes := 0
		for k := end - 1; k > 0 && b[k] == '\\'; k-- {
			slashes++
		}
		if slashes%2 == 0 {
			return end + 1, esc || bytes.IndexByte(b[1:end], '\\') >= 0, nil
		}
		i = end + 1
	}
	return 0, false, errSyntax
}

// members iterates over an object's members, or an array's elements (with
// no keys), in place. It finds the closing bracket itself, so a record
// read through it is gone over once, not scanned whole first.
type members struct {
	rest  []byte
	close byte
	arr   bool
	first bool
	ended bool
	err   error
}

// membersOf iterates over a value that scanValue delimited.
func membersOf(v value) members {
	if v.k != kObj && v.k != kArr {
		return members{ended: true}
	}
	return openMembers(v.b)
}

// openMembers iterates over the object or array that b starts with.
func openMembers(b []byte) members {
	if len(b) == 0 || b[0] != '{' && b[0] != '[' {
		return members{err: errSyntax}
	}
	return members{rest: b[1:], close: b[0] + 2, arr: b[0] == '[', first: true}
}

// next returns the next member; false at the end or on an error, which
// m.err then holds. After the end, m.rest is what follows the closing
// bracket.
func (m *members) next() (key []byte, v value, ok bool) {
	if m.err != nil || m.ended {
		return nil, value{}, false
	}
	b := skipSpace(m.rest)
	if len(b) > 0 && b[0] == m.close {
		m.rest, m.ended = b[1:], true
		return nil, value{}, false
	}
	if !m.first {
		if len(b) == 0 || b[0] != ',' {
			m.err = errSyntax
			return nil, value{}, false
		}
		b = skipSpace(b[1:])
	}
	m.first = false
	if !m.arr {
		k, rest, err := scanValue(b)
		if err != nil || k.k != kStr && k.k != kStrEsc {
			m.err = errSyntax
			return nil, value{}, false
		}
		rest = skipSpace(rest)
		if len(rest) == 0 || rest[0] != ':' {
			m.err = errSyntax
			return nil, value{}, false
		}
		key, b = k.b, skipSpace(rest[1:])
	}
	v, rest, err := scanValue(b)
	if err != nil {
		m.err = err
		return nil, value{}, false
	}
	m.rest = rest
	return key, v, true
}

func skipSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\r' || b[0] == '\n') {
		b = b[1:]
	}
	return b
}

// str returns a string value's text, unescaping it when it has escapes
// (a rare case, worth an allocation).
func str(v value) ([]byte, bool) {
	switch v.k {
	case kStr:
		return v.b, true
	case kStrEsc:
		var s string
		q := make([]byte, 0, len(v.b)+2)
		if json.Unmarshal(append(append(append(q, '"'), v.b...), '"'), &s) != nil {
			return nil, false
		}
		return []byte(s), true
	}
	return nil, false
}
