package nmap

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// lexer splits XML into start tags, end tags and text, streaming, with
// memory bounded by the longest token. It keeps to encoding/xml's
// Decoder.Token in strict mode: a document that decoder accepts gives
// the same elements, attributes and text here (FuzzLexer checks it);
// comments, processing instructions and directives are read and dropped.
// It exists for speed: encoding/xml reads about 50 MB/s, too slow for a
// /16 scan to be read in under a second.
type lexer struct {
	r        io.Reader
	buf      []byte
	pos, end int   // unread bytes are buf[pos:end]
	err      error // from r: io.EOF at the end of the input
	line     int   // line of buf[pos]

	kind   tokKind
	name   []byte  // element name of a start or end tag
	attrs  []xattr // attributes of a start tag
	text   []byte  // decoded text
	at     int     // line where the token starts
	closed bool    // the start tag was <x/>: its end tag comes next

	open     []int  // offsets in names of the open elements
	names    []byte // names of the open elements, one after another
	scratch  []byte // decoded values of the current token
	maxDepth int    // most elements open at once
}

type tokKind uint8

const (
	tokEOF tokKind = iota
	tokStart
	tokEnd
	tokText
)

type xattr struct{ name, value []byte }

// errMore is returned inside the lexer when a token runs past the bytes
// read so far.
var errMore = errors.New("more input needed")

// syntaxError is malformed XML at a line.
type syntaxError struct {
	line int
	msg  string
	cut  bool // the input ends inside an element or a token
}

func (e *syntaxError) Error() string { return e.msg }

func newLexer(r io.Reader, maxDepth int) *lexer {
	return &lexer{r: r, buf: make([]byte, 64<<10), line: 1, maxDepth: maxDepth}
}

// depth is the number of open elements.
func (l *lexer) depth() int { return len(l.open) }

// next reads the next token into l.kind, l.name, l.attrs and l.text.
func (l *lexer) next() error {
	if l.closed {
		l.closed = false
		l.kind = tokEnd
		return l.pop()
	}
	for {
		n, err := l.token()
		if err == errMore {
			if l.more() {
				continue
			}
			if l.err != io.EOF {
				return l.err
			}
			if l.pos == l.end && len(l.open) == 0 {
				l.kind = tokEOF
				return nil
			}
			return &syntaxError{line: l.line, msg: "unexpected end of input", cut: true}
		}
		if err != nil {
			return err
		}
		l.at = l.line
		l.line += bytes.Count(l.buf[l.pos:l.pos+n], nl)
		l.pos += n
		if l.kind == tokEnd {
			return l.pop()
		}
		if l.kind == tokStart {
			if len(l.open) >= l.maxDepth {
				return &syntaxError{line: l.at, msg: fmt.Sprintf("elements nested deeper than %d", l.maxDepth)}
			}
			l.open = append(l.open, len(l.names))
			l.names = append(l.names, l.name...)
		}
		if l.kind != tokEOF { // a comment, PI or directive gives tokEOF here: read on
			return nil
		}
	}
}

var nl = []byte{'\n'}

// pop closes the innermost element, which must be l.name.
func (l *lexer) pop() error {
	if len(l.open) == 0 {
		return l.errorf(0, "unexpected end element </%s>", l.name)
	}
	top := l.open[len(l.open)-1]
	if !bytes.Equal(l.names[top:], l.name) {
		return l.errorf(0, "element <%s> closed by </%s>", l.names[top:], l.name)
	}
	l.open, l.names = l.open[:len(l.open)-1], l.names[:top]
	return nil
}

// more reads more input, keeping the unread bytes; false once the input
// has ended or failed.
func (l *lexer) more() bool {
	if l.err != nil {
		return false
	}
	if l.pos > 0 {
		l.end = copy(l.buf, l.buf[l.pos:l.end])
		l.pos = 0
	}
	if l.end == len(l.buf) {
		l.buf = append(l.buf, make([]byte, len(l.buf))...)
	}
	// Fill the buffer: a token is read again from its start after each
	// read, so small reads would make long tokens cost their square.
	for zero := 0; l.end < len(l.buf) && l.err == nil && zero < 100; {
		n, err := l.r.Read(l.buf[l.end:])
		l.end += n
		l.err = err
		if n == 0 {
			zero++
		}
	}
	return true // at the end, the token is tried once more knowing it
}

// errorf is a syntax error at byte i of the current token.
func (l *lexer) errorf(i int, format string, args ...any) error {
	line := l.line
	if i > 0 {
		line += bytes.Count(l.buf[l.pos:min(l.pos+i, l.end)], nl)
	}
	return &syntaxError{line: line, msg: fmt.Sprintf(format, args...)}
}

// token reads one token from the unread bytes and returns its length;
// errMore if they end inside it.
func (l *lexer) token() (int, error) {
	p := l.buf[l.pos:l.end]
	l.scratch, l.attrs, l.kind = l.scratch[:0], l.attrs[:0], tokEOF
	if len(p) == 0 {
		return 0, errMore
	}
	if p[0] != '<' {
		n := bytes.IndexByte(p, '<')
		if n < 0 {
			if l.err != io.EOF {
				return 0, errMore
			}
			n = len(p)
		}
		text, err := l.decode(p[:n], 0, false)
		l.kind, l.text = tokText, text
		return n, err
	}
	if len(p) < 2 {
		return 0, errMore
	}
	switch p[1] {
	case '/':
		return l.endTag(p)
	case '?':
		return l.procInst(p)
	case '!':
		return l.bang(p)
	}
	return l.startTag(p)
}

// endTag reads </name>.
func (l *lexer) endTag(p []byte) (int, error) {
	n, err := l.readName(p, 2)
	if err != nil {
		return 0, err
	}
	l.name = p[2:n]
	n = skipSpace(p, n)
	if n >= len(p) {
		return 0, errMore
	}
	if p[n] != '>' {
		return 0, l.errorf(n, "invalid characters between </%s and >", l.name)
	}
	l.kind = tokEnd
	return n + 1, nil
}

// startTag reads <name attr="value" ...> or <name .../>.
func (l *lexer) startTag(p []byte) (int, error) {
	n, err := l.readName(p, 1)
	if err != nil {
		return 0, err
	}
	l.name = p[1:n]
	for {
		n = skipSpace(p, n)
		if n >= len(p) {
			return 0, errMore
		}
		switch p[n] {
		case '>':
			l.kind = tokStart
			return n + 1, nil
		case '/':
			if n+1 >= len(p) {
				return 0, errMore
			}
			if p[n+1] != '>' {
				return 0, l.errorf(n, "expected /> in element")
			}
			l.kind, l.closed = tokStart, true
			return n + 2, nil
		}
		start := n
		if n, err = l.readName(p, n); err != nil {
			return 0, err
		}
		a := xattr{name: p[start:n]}
		n = skipSpace(p, n)
		if n >= len(p) {
			return 0, errMore
		}
		if p[n] != '=' {
			return 0, l.errorf(n, "attribute name without = in element")
		}
		n = skipSpace(p, n+1)
		if n >= len(p) {
			return 0, errMore
		}
		q := p[n]
		if q != '"' && q != '\'' {
			return 0, l.errorf(n, "unquoted or missing attribute value in element")
		}
		e := bytes.IndexByte(p[n+1:], q)
		if e < 0 {
			return 0, errMore
		}
		if a.value, err = l.decode(p[n+1:n+1+e], n+1, true); err != nil {
			return 0, err
		}
		l.attrs = append(l.attrs, a)
		n += e + 2
	}
}
