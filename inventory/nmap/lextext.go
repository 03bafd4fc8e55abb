package nmap

import (
	"bytes"
	"encoding/binary"
	"unicode/utf8"
)

// decode returns the text of raw, which starts at byte off of the
// current token: entity and character references replaced, CR LF and
// lone CR made LF, as encoding/xml does; an error for a reference that is
// not one of XML's five entities or a character, for an unescaped < in a
// quoted value or ]]> in text, and for bytes that are not XML characters.
func (l *lexer) decode(raw []byte, off int, quoted bool) ([]byte, error) {
	var seen byte // the classes of bytes seen, or-ed
	for i := 0; i < len(raw); {
		i += plainLen(raw[i:])
		for end := min(i+8, len(raw)); i < end; i++ {
			if c := class[raw[i]]; c != 0 {
				if c == bad {
					return nil, l.errorf(off+i, "illegal character code %U", rune(raw[i]))
				}
				seen |= c
			}
		}
	}
	if seen&high != 0 {
		if err := l.chars(raw, off); err != nil {
			return nil, err
		}
	}
	if seen&^high == 0 {
		return raw, nil
	}
	if quoted {
		if i := bytes.IndexByte(raw, '<'); i >= 0 {
			return nil, l.errorf(off+i, "unescaped < inside quoted string")
		}
	} else if i := bytes.Index(raw, []byte("]]>")); i >= 0 {
		return nil, l.errorf(off+i, "unescaped ]]> not in CDATA section")
	}
	if seen&(amp|cr) == 0 {
		return raw, nil
	}
	start := len(l.scratch)
	nextAmp, nextCR := -1, -1 // the next & and CR from i on, -1 before looking
	for i := 0; ; {
		if nextAmp < i {
			nextAmp = index(raw, i, '&')
		}
		if nextCR < i {
			nextCR = index(raw, i, '\r')
		}
		j := min(nextAmp, nextCR)
		if j == len(raw) {
			l.scratch = append(l.scratch, raw[i:]...)
			break
		}
		l.scratch = append(l.scratch, raw[i:j]...)
		if raw[j] == '\r' {
			l.scratch = append(l.scratch, '\n')
			if i = j + 1; i < len(raw) && raw[i] == '\n' {
				i++
			}
			continue
		}
		e := bytes.IndexByte(raw[j:], ';')
		r, ok := rune(0), false
		if e > 1 {
			r, ok = reference(raw[j+1 : j+e])
		}
		if !ok {
			return nil, l.errorf(off+j, "invalid character entity %s", clip(raw[j:min(len(raw), j+max(e+1, 8))]))
		}
		if !isChar(r) {
			return nil, l.errorf(off+j, "illegal character code %U", r)
		}
		l.scratch = utf8.AppendRune(l.scratch, r)
		i = j + e + 1
	}
	return l.scratch[start:], nil
}

// plainLen returns the length of the start of b, in words of 8 bytes,
// that holds no byte decode must look at: none below 0x20 or above 0x7F,
// no &, < or ]. Each word is tested at once, by the bit tricks of "Bit
// Twiddling Hacks" (determine if a word has a zero byte, or a byte less
// than n).
func plainLen(b []byte) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	zero := func(x uint64) uint64 { return (x - ones) &^ x }
	i := 0
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		if (w|(w-0x20*ones)&^w|zero(w^'&'*ones)|zero(w^'<'*ones)|zero(w^']'*ones))&highs != 0 {
			break
		}
	}
	return i
}

// index returns the index of the first c in b from i on, or len(b).
func index(b []byte, i int, c byte) int {
	if j := bytes.IndexByte(b[i:], c); j >= 0 {
		return i + j
	}
	return len(b)
}

// Classes of bytes for decode.
const (
	high    = 1 << iota // a byte of a multi-byte UTF-8 sequence
	amp                 // &
	cr                  // \r
	special             // < or ]
	bad                 // a control character XML does not allow
)

var class = func() (t [256]byte) {
	for c := range 0x20 {
		t[c] = bad
	}
	t['\t'], t['\n'], t['\r'] = 0, 0, cr
	t['&'], t['<'], t[']'] = amp, special, special
	for c := 0x80; c < 0x100; c++ {
		t[c] = high
	}
	return t
}()

func isChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// reference decodes what stands between & and ;.
func reference(s []byte) (rune, bool) {
	if s[0] == '#' {
		r, ok := charRef(s[1:])
		if ok && (r < 0xD800 || r > 0xDFFF) {
			return r, true
		}
		return utf8.RuneError, ok // as encoding/xml: a surrogate becomes U+FFFD
	}
	switch string(s) {
	case "lt":
		return '<', true
	case "gt":
		return '>', true
	case "amp":
		return '&', true
	case "apos":
		return '\'', true
	case "quot":
		return '"', true
	}
	return 0, false
}

// chars checks that text is UTF-8 of XML characters: valid UTF-8 holds no
// surrogates, so U+FFFE and U+FFFF are what remains to refuse beyond the
// control characters decode refuses.
func (l *lexer) chars(text []byte, off int) error {
	if !utf8.Valid(text) {
		return l.errorf(off, "invalid UTF-8")
	}
	for _, nc := range [][]byte{[]byte("\uFFFE"), []byte("\uFFFF")} {
		if i := bytes.Index(text, nc); i >= 0 {
			return l.errorf(off+i, "illegal character code %U", []rune(string(nc))[0])
		}
	}
	return nil
}

// bang reads a comment, a CDATA section or a directive (<!DOCTYPE ...>),
// which ends at a > outside quotes and outside the <...> it nests, as
// encoding/xml reads it.
func (l *lexer) bang(p []byte) (int, error) {
	if len(p) < 4 {
		return 0, errMore
	}
	switch {
	case p[2] == '-':
		if p[3] != '-' {
			return 0, l.errorf(0, "invalid sequence <!- not part of <!--")
		}
		e := bytes.Index(p[4:], []byte("--"))
		if e < 0 || 4+e+2 >= len(p) {
			return 0, errMore
		}
		if p[4+e+2] != '>' {
			return 0, l.errorf(4+e, `invalid sequence "--" not allowed in comments`)
		}
		return 4 + e + 3, nil
	case p[2] == '[':
		if len(p) < 9 {
			return 0, errMore
		}
		if string(p[3:9]) != "CDATA[" {
			return 0, l.errorf(0, "invalid <![ sequence")
		}
		e := bytes.Index(p[9:], []byte("]]>"))
		if e < 0 {
			return 0, errMore
		}
		raw := p[9 : 9+e]
		for i, c := range raw {
			if class[c] == bad {
				return 0, l.errorf(9+i, "illegal character code %U", rune(c))
			}
		}
		start := len(l.scratch)
		for i := 0; i < len(raw); i++ {
			switch {
			case raw[i] != '\r':
				l.scratch = append(l.scratch, raw[i])
			case i+1 < len(raw) && raw[i+1] == '\n':
			default:
				l.scratch = append(l.scratch, '\n')
			}
		}
		if err := l.chars(l.scratch[start:], 9); err != nil {
			return 0, err
		}
		l.kind, l.text = tokText, l.scratch[start:]
		return 9 + e + 3, nil
	}
	var quote byte
	depth := 0
	for i := 3; ; {
		if i >= len(p) {
			return 0, errMore
		}
		b := p[i]
		i++
		if quote == 0 && b == '>' && depth == 0 {
			return i, nil
		}
	handle:
		switch {
		case b == quote:
			quote = 0
		case quote != 0:
		case b == '\'' || b == '"':
			quote = b
		case b == '>':
			depth--
		case b == '<':
			for k := 0; k < 3; k++ {
				if i >= len(p) {
					return 0, errMore
				}
				b = p[i]
				i++
				if b != "!--"[k] {
					depth++
					goto handle
				}
			}
			e := bytes.Index(p[i:], []byte("-->"))
			if e < 0 {
				return 0, errMore
			}
			i += e + 3
		}
	}
}
