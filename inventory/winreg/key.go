package winreg

import (
	"strconv"
	"strings"
	"unicode/utf16"
)

// key is one registry key, read from a hive file or from the running
// system's registry, so that both share the code that turns Uninstall
// entries, services and vendor keys into items.
type key interface {
	// name is the key's own name, not its path.
	name() string
	// subkeys lists the keys directly below.
	subkeys() ([]key, error)
	// values returns the values named (case-insensitively) that exist and
	// hold a string or a number, keyed by the lower-cased name.
	values(names ...string) (map[string]value, error)
}

// value is a string (REG_SZ, REG_EXPAND_SZ, REG_MULTI_SZ joined by "; ")
// or a number (REG_DWORD, REG_QWORD).
type value struct {
	str   string
	num   uint64
	isNum bool
}

// text is the value as text: numbers in decimal.
func (v value) text() string {
	if v.isNum {
		return strconv.FormatUint(v.num, 10)
	}
	return v.str
}

// open follows path below k, matching names case-insensitively as
// Windows does. It returns nil, nil when a key on the way is absent.
func open(k key, path ...string) (key, error) {
	for _, part := range path {
		subs, err := k.subkeys()
		if err != nil {
			return nil, err
		}
		k = nil
		for _, s := range subs {
			if strings.EqualFold(s.name(), part) {
				k = s
				break
			}
		}
		if k == nil {
			return nil, nil
		}
	}
	return k, nil
}

// utf16String decodes little-endian UTF-16 registry data up to the first
// NUL. Unpaired surrogates become U+FFFD, so the result is valid UTF-8.
func utf16String(b []byte) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		c := uint16(b[i]) | uint16(b[i+1])<<8
		if c == 0 {
			break
		}
		u = append(u, c)
	}
	return string(utf16.Decode(u))
}

// multiString decodes REG_MULTI_SZ data: NUL-separated strings, ended by
// an empty one.
func multiString(b []byte) string {
	var parts []string
	start := 0
	for i := 0; i+1 < len(b); i += 2 {
		if b[i] != 0 || b[i+1] != 0 {
			continue
		}
		if i == start {
			return strings.Join(parts, "; ")
		}
		parts = append(parts, utf16String(b[start:i]))
		start = i + 2
	}
	if start+1 < len(b) { // not ended by a NUL
		parts = append(parts, utf16String(b[start:]))
	}
	return strings.Join(parts, "; ")
}

// latin1 decodes a compressed (one byte a character) key or value name.
func latin1(b []byte) string {
	ascii := true
	for _, c := range b {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return string(b)
	}
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}
