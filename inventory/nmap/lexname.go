package nmap

import (
	"bytes"
	"strconv"
	"unicode/utf8"
)

// readName reads an XML name at p[i:] and returns where it ends. Names
// of ASCII letters, digits and _:.- are checked as encoding/xml checks
// them; other characters are taken as they are.
func (l *lexer) readName(p []byte, i int) (int, error) {
	j, or := i, byte(0)
	for j < len(p) && nameByte[p[j]] {
		or |= p[j]
		j++
	}
	if j == len(p) {
		return 0, errMore
	}
	if j == i || p[i] < utf8.RuneSelf && (p[i] >= '0' && p[i] <= '9' || p[i] == '.' || p[i] == '-') {
		return 0, l.errorf(i, "expected a name at %q", clip(p[i:min(len(p), i+16)]))
	}
	if or >= utf8.RuneSelf && !utf8.Valid(p[i:j]) {
		return 0, l.errorf(i, "invalid UTF-8 in a name")
	}
	return j, nil
}

// nameByte marks the bytes a name may hold: ASCII letters, digits and
// _:.-, and all bytes of multi-byte UTF-8 sequences.
var nameByte = func() (t [256]bool) {
	for c := range 256 {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '_' || c == ':' || c == '.' || c == '-' || c >= utf8.RuneSelf
	}
	return t
}()

func skipSpace(p []byte, i int) int {
	for i < len(p) && (p[i] == ' ' || p[i] == '\n' || p[i] == '\t' || p[i] == '\r') {
		i++
	}
	return i
}

// procInst reads <?target ...?>; the XML declaration must not declare an
// encoding other than UTF-8 or a version other than 1.0.
func (l *lexer) procInst(p []byte) (int, error) {
	n, err := l.readName(p, 2)
	if err != nil {
		return 0, err
	}
	target := p[2:n]
	e := bytes.Index(p[n:], []byte("?>"))
	if e < 0 {
		return 0, errMore
	}
	if string(target) == "xml" {
		body := p[n : n+e]
		if v := pseudoAttr(body, "version"); v != "" && v != "1.0" {
			return 0, l.errorf(0, "XML version %q: only 1.0 is read", v)
		}
		if enc := pseudoAttr(body, "encoding"); enc != "" && !bytes.EqualFold([]byte(enc), []byte("utf-8")) {
			return 0, l.errorf(0, "encoding %q declared: only UTF-8 is read", enc)
		}
	}
	return n + e + 2, nil
}

// pseudoAttr returns the value of name="value" in an XML declaration,
// found as encoding/xml finds it: the name and = followed by a quote.
func pseudoAttr(body []byte, name string) string {
	key := []byte(name + "=")
	for {
		k := bytes.Index(body, key)
		if k < 0 || k+len(key) >= len(body) {
			return ""
		}
		q := body[k+len(key)]
		body = body[k+len(key)+1:]
		if q == '"' || q == '\'' {
			v, _, ok := bytes.Cut(body, []byte{q})
			if !ok {
				return ""
			}
			return string(v)
		}
	}
}

// clip shortens b for a message.
func clip(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "..."
	}
	return string(b)
}

// charRef decodes the digits of a character reference, &#65; or &#x41;.
func charRef(s []byte) (rune, bool) {
	base := 10
	if len(s) > 0 && s[0] == 'x' {
		base, s = 16, s[1:]
	}
	if len(s) == 0 {
		return 0, false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || base == 16 && ('a' <= c && c <= 'f' || 'A' <= c && c <= 'F')) {
			return 0, false
		}
	}
	n, err := strconv.ParseUint(string(s), base, 64)
	if err != nil || n > utf8.MaxRune {
		return 0, false
	}
	return rune(n), true
}
