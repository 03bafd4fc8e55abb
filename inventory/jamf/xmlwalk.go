package jamf

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding/htmlindex"

	"github.com/embargo-dev/embargo/inventory"
)

// xmlWalker reads a Classic API XML document token by token.
type xmlWalker struct {
	dec   *xml.Decoder
	b     *builder
	ctx   context.Context
	depth int
	steps int
}

// charsetReader decodes a document declared in an encoding other than
// UTF-8.
func charsetReader(label string, in io.Reader) (io.Reader, error) {
	enc, err := htmlindex.Get(label)
	if err != nil {
		return nil, fmt.Errorf("unknown encoding %q", label)
	}
	return enc.NewDecoder().Reader(in), nil
}

// token reads the next token, keeping to the depth limit and checking for
// cancellation.
func (x *xmlWalker) token() (xml.Token, error) {
	x.steps++
	if x.steps%1024 == 0 {
		if err := x.ctx.Err(); err != nil {
			return nil, err
		}
	}
	tok, err := x.dec.Token()
	if err == io.EOF && x.depth == 0 {
		return nil, err
	}
	if err != nil {
		return nil, x.fail(err)
	}
	switch tok.(type) {
	case xml.StartElement:
		x.depth++
		if max := x.b.lim.MaxDepth; max > 0 && x.depth > max {
			return nil, x.fail(fmt.Errorf("elements nested deeper than %d (the depth limit)", max))
		}
	case xml.EndElement:
		x.depth--
	}
	return tok, nil
}

// fail is an InputError at the decoder's line.
func (x *xmlWalker) fail(err error) error {
	var ie *inventory.InputError
	if errors.As(err, &ie) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	line, _ := x.dec.InputPos()
	var se *xml.SyntaxError
	switch {
	case errors.As(err, &se) && strings.Contains(se.Msg, "unexpected EOF"), err == io.EOF:
		err = errors.New("the XML ends early: the file is truncated")
	case errors.As(err, &se):
		line, err = se.Line, errors.New(se.Msg)
	}
	return &inventory.InputError{Source: x.b.source, Line: line, Offset: -1, Err: err}
}

// text reads the rest of the element just started, returning its own
// text (up to one byte over the string limit) and whether it held
// elements, which are skipped.
func (x *xmlWalker) text() (string, bool, error) {
	var sb strings.Builder
	nested, depth := false, x.depth
	for {
		tok, err := x.token()
		if err != nil {
			return "", false, x.fail(err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			if x.depth == depth && sb.Len() <= x.b.lim.MaxString {
				sb.Write(t[:min(len(t), x.b.lim.MaxString+1-sb.Len())])
			}
		case xml.StartElement:
			nested = true
		case xml.EndElement:
			if x.depth < depth {
				return sb.String(), nested, nil
			}
		}
	}
}

// leaves reads the rest of the element just started, returning the text
// of those of its children named in want that hold text alone.
func (x *xmlWalker) leaves(want func(string) bool) (map[string]string, error) {
	m := map[string]string{}
	depth := x.depth
	for {
		tok, err := x.token()
		if err != nil {
			return nil, x.fail(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			s, nested, err := x.text()
			if err != nil {
				return nil, err
			}
			if _, seen := m[t.Name.Local]; !nested && !seen && want(t.Name.Local) {
				m[t.Name.Local] = s
			}
		case xml.EndElement:
			if x.depth < depth {
				return m, nil
			}
		}
	}
}
