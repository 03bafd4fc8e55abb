package dhcp

import (
	"bytes"
	"net/netip"
)

// The lexer of dhcpd.leases: the syntax of dhcpd.conf(5), in which
// dhcpd writes its leases. Words run to white space or one of {};"#; a
// '#' starts a comment to the end of the line; strings are double-quoted
// with backslash escapes, non-printable bytes written as three octal
// digits (dhcpd.leases(5), "uid").

type tokKind uint8

const (
	tEOF tokKind = iota
	tWord
	tString
	tOpen  // {
	tClose // }
	tSemi  // ;
	tBad   // a string that does not end
)

// tok is one token; a string's text is decoded into the lexer's arena
// when it has escapes, else it is the input's own bytes.
type tok struct {
	kind       tokKind
	start, end int
	arena      bool
	line       int
}

type lexer struct {
	data  []byte
	pos   int
	line  int
	arena []byte // decoded strings of the current statement
}

// next reads the next token.
func (l *lexer) next() tok {
	for l.pos < len(l.data) {
		c := l.data[l.pos]
		switch {
		case c == '\n':
			l.line++
			l.pos++
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			l.pos++
		case c == '#':
			i := bytes.IndexByte(l.data[l.pos:], '\n')
			if i < 0 {
				l.pos = len(l.data)
			} else {
				l.pos += i
			}
		case c == '{':
			l.pos++
			return tok{kind: tOpen, line: l.line}
		case c == '}':
			l.pos++
			return tok{kind: tClose, line: l.line}
		case c == ';':
			l.pos++
			return tok{kind: tSemi, line: l.line}
		case c == '"':
			return l.str()
		default:
			start := l.pos
			for l.pos < len(l.data) && !stop[l.data[l.pos]] {
				l.pos++
			}
			return tok{kind: tWord, start: start, end: l.pos, line: l.line}
		}
	}
	return tok{kind: tEOF, line: l.line}
}

// stop marks the bytes that end a word.
var stop = func() (s [256]bool) {
	for _, c := range []byte(" \t\r\n\f\v{};\"#") {
		s[c] = true
	}
	return s
}()

// str reads a quoted string at l.pos.
func (l *lexer) str() tok {
	line := l.line
	l.pos++
	start := l.pos
	for i := start; i < len(l.data); i++ {
		switch l.data[i] {
		case '"':
			l.pos = i + 1
			l.line += bytes.Count(l.data[start:i], []byte{'\n'})
			return tok{kind: tString, start: start, end: i, line: line}
		case '\\':
			return l.escaped(start, line)
		}
	}
	l.line += bytes.Count(l.data[start:], []byte{'\n'})
	l.pos = len(l.data)
	return tok{kind: tBad, line: line}
}

// escaped reads a string with escapes into the arena.
func (l *lexer) escaped(start, line int) tok {
	a := len(l.arena)
	for i := start; i < len(l.data); i++ {
		c := l.data[i]
		switch {
		case c == '"':
			l.pos = i + 1
			return tok{kind: tString, start: a, end: len(l.arena), arena: true, line: line}
		case c == '\\' && i+1 < len(l.data):
			i++
			switch d := l.data[i]; {
			case d >= '0' && d <= '7':
				v := 0
				n := 0
				for ; n < 3 && i < len(l.data) && l.data[i] >= '0' && l.data[i] <= '7'; n++ {
					v = v*8 + int(l.data[i]-'0')
					i++
				}
				i--
				l.arena = append(l.arena, byte(v))
			case d == 'n':
				l.arena = append(l.arena, '\n')
			case d == 't':
				l.arena = append(l.arena, '\t')
			case d == 'r':
				l.arena = append(l.arena, '\r')
			default:
				if d == '\n' {
					l.line++
				}
				l.arena = append(l.arena, d)
			}
		default:
			if c == '\n' {
				l.line++
			}
			l.arena = append(l.arena, c)
		}
	}
	l.pos = len(l.data)
	return tok{kind: tBad, line: line}
}

// text is a token's bytes.
func (l *lexer) text(t tok) []byte {
	if t.arena {
		return l.arena[t.start:t.end]
	}
	return l.data[t.start:t.end]
}

// sniffDhcpd reports whether data starts like a dhcpd lease file: the
// comment dhcpd writes at its head, or a first declaration of its own.
func sniffDhcpd(data []byte) bool {
	if bytes.Contains(data[:min(len(data), 512)], []byte("dhcpd.leases(5)")) {
		return true
	}
	l := &lexer{data: data, line: 1}
	var words [3]string
	for i := range words {
		t := l.next()
		if t.kind != tWord && t.kind != tString {
			if t.kind == tOpen && i == 2 {
				words[i] = "{"
			}
			break
		}
		words[i] = string(l.text(t))
	}
	switch words[0] {
	case "lease":
		_, err := netip.ParseAddr(words[1])
		return err == nil && words[2] == "{"
	case "authoring-byte-order":
		return words[1] == "little-endian" || words[1] == "big-endian"
	case "server-duid":
		return words[1] != ""
	case "ia_na", "ia_ta", "ia_pd":
		return words[2] == "{"
	case "failover":
		return words[1] == "peer"
	}
	return false
}
