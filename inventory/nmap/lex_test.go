package nmap

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

// tok is a token as both lexers give it: adjacent text joined, empty text
// dropped, comments, processing instructions and directives left out.
type tok struct {
	Kind  string
	Name  string
	Attrs []string
	Text  string
}

// stdTokens reads data with encoding/xml's strict Decoder.Token.
func stdTokens(data []byte) ([]tok, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	var out []tok
	for {
		t, err := d.Token()
		if errors.Is(err, io.EOF) {
			return joinText(out), nil
		}
		if err != nil {
			return nil, err
		}
		switch t := t.(type) {
		case xml.StartElement:
			at := tok{Kind: "start", Name: fullName(t.Name)}
			for _, a := range t.Attr {
				at.Attrs = append(at.Attrs, fullName(a.Name)+"="+a.Value)
			}
			out = append(out, at)
		case xml.EndElement:
			out = append(out, tok{Kind: "end", Name: fullName(t.Name)})
		case xml.CharData:
			out = append(out, tok{Kind: "text", Text: string(t)})
		}
	}
}

func fullName(n xml.Name) string {
	if n.Space != "" {
		return n.Space + ":" + n.Local
	}
	return n.Local
}

// lexTokens reads data with the lexer, in reads of one byte when slow.
func lexTokens(data []byte, slow bool) ([]tok, error) {
	var r io.Reader = bytes.NewReader(data)
	if slow {
		r = iotest.OneByteReader(r)
	}
	l := newLexer(r, 1<<20)
	var out []tok
	for {
		if err := l.next(); err != nil {
			return nil, err
		}
		switch l.kind {
		case tokEOF:
			return joinText(out), nil
		case tokStart:
			at := tok{Kind: "start", Name: string(l.name)}
			for _, a := range l.attrs {
				at.Attrs = append(at.Attrs, string(a.name)+"="+string(a.value))
			}
			out = append(out, at)
		case tokEnd:
			out = append(out, tok{Kind: "end", Name: string(l.name)})
		case tokText:
			out = append(out, tok{Kind: "text", Text: string(l.text)})
		}
	}
}

func joinText(ts []tok) []tok {
	var out []tok
	for _, t := range ts {
		if t.Kind == "text" {
			if t.Text == "" {
				continue
			}
			if n := len(out); n > 0 && out[n-1].Kind == "text" {
				out[n-1].Text += t.Text
				continue
			}
		}
		out = append(out, t)
	}
	return out
}

// lexSeeds are documents and fragments that exercise the lexer's edges.
var lexSeeds = []string{
	`<?xml version="1.0" encoding="UTF-8"?>` + "\n<!DOCTYPE nmaprun>\n<a x=\"1\" y='2&amp;3'>t&lt;&#65;&#x42;<b/>\r\n<![CDATA[<raw>]]></a>",
	`<!DOCTYPE x [ <!ENTITY a "b>"> <!-- c > --> ]><x/>`,
	"<a><!-- c --><?pi data?></a>",
	`<a b="&#xD800;"/>`,
	"<a>]]></a>", "<a>&foo;</a>", "<a b=c/>", "<a></b>", "</a>", "<a>", "<a", "<1a/>",
	"<a b='<'/>", "<!-- a -- b -->", `<?xml version="1.1"?><a/>`, `<?xml encoding="latin1"?><a/>`,
	"<a>\x00</a>", "<a>\xff</a>", "<a:b c:d='1'></a:b>", "<a\tb = \"1\"\n/>",
}

// FuzzLexer: wherever encoding/xml accepts a document, the lexer gives the
// same tokens, read whole or a byte at a time; where encoding/xml refuses
// it, so does the lexer, but for names it checks less (non-ASCII names).
func FuzzLexer(f *testing.F) {
	for _, s := range lexSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if bytes.Contains(data, []byte("xmlns")) { // encoding/xml rewrites names in namespaces
			return
		}
		want, werr := stdTokens(data)
		got, gerr := lexTokens(data, false)
		slow, serr := lexTokens(data, true)
		if (gerr == nil) != (serr == nil) || gerr == nil && !cmp.Equal(got, slow) {
			t.Fatalf("read whole: %v %v; a byte at a time: %v %v", got, gerr, slow, serr)
		}
		switch {
		case werr == nil && gerr != nil:
			t.Fatalf("encoding/xml reads it, the lexer does not: %v", gerr)
		case werr == nil:
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("tokens (-encoding/xml +lexer):\n%s", diff)
			}
		case gerr == nil && !nonASCII(data):
			t.Fatalf("encoding/xml refuses it (%v), the lexer reads it: %v", werr, got)
		}
	})
}

func nonASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return true
		}
	}
	return false
}

// TestLexer reads the seeds as encoding/xml does, and gives the line of
// an error.
func TestLexer(t *testing.T) {
	for _, s := range lexSeeds {
		want, werr := stdTokens([]byte(s))
		got, gerr := lexTokens([]byte(s), true)
		if (werr == nil) != (gerr == nil) {
			t.Errorf("%q: encoding/xml %v, lexer %v", s, werr, gerr)
			continue
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%q (-encoding/xml +lexer):\n%s", s, diff)
		}
	}
	_, err := lexTokens([]byte("<a>\n<b>\n\n</c>"), false)
	var se *syntaxError
	if !errors.As(err, &se) || se.line != 4 || !strings.Contains(se.msg, "closed by") {
		t.Errorf("error %#v, want line 4", err)
	}
}
