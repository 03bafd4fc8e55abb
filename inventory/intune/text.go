package intune

import (
	"bytes"
	"errors"
	"io"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Byte order marks.
var (
	bomUTF8    = []byte("\xef\xbb\xbf")
	bomUTF16LE = []byte("\xff\xfe")
	bomUTF16BE = []byte("\xfe\xff")
)

// utf8Text returns the input as UTF-8 text without a byte order mark.
// UTF-16 with a byte order mark, as Windows PowerShell 5.1 writes files
// by default, is decoded (an unpaired surrogate becomes U+FFFD); wide
// reports whether it was.
func utf8Text(r io.Reader) (text io.Reader, wide bool, err error) {
	var pre [3]byte
	n, err := io.ReadFull(r, pre[:])
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, false, err
	}
	p := pre[:n]
	switch {
	case bytes.HasPrefix(p, bomUTF8):
		return r, false, nil
	case bytes.HasPrefix(p, bomUTF16LE), bytes.HasPrefix(p, bomUTF16BE):
		all := io.MultiReader(bytes.NewReader(p), r)
		dec := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		return transform.NewReader(all, dec), true, nil
	}
	return io.MultiReader(bytes.NewReader(p), r), false, nil
}

// headText is the start of an input as UTF-8 text, for Sniff.
func headText(head []byte) []byte {
	switch {
	case bytes.HasPrefix(head, bomUTF8):
		return head[len(bomUTF8):]
	case bytes.HasPrefix(head, bomUTF16LE), bytes.HasPrefix(head, bomUTF16BE):
		dec := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		// A head cut in the middle of a character ends in U+FFFD.
		out, _, _ := transform.Bytes(dec, head[:len(head)&^1])
		return out
	}
	return head
}

// lineCounter passes a reader through and tells the line of a byte
// offset of what it passed. It keeps the offsets of the newlines not yet
// asked about, so its memory is bounded by how far its reader reads
// ahead of the questions.
type lineCounter struct {
	r      io.Reader
	off    int64   // bytes passed
	nl     []int64 // offsets of newlines from head on, ascending
	head   int     // first newline not known to be before the last offset asked
	before int     // newlines dropped from nl
}

func (c *lineCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i := 0; i < n; {
		j := bytes.IndexByte(p[i:n], '\n')
		if j < 0 {
			break
		}
		c.nl = append(c.nl, c.off+int64(i+j))
		i += j + 1
	}
	c.off += int64(n)
	return n, err
}

// line is the 1-based line holding byte off. Offsets asked must not go
// back, except that asking again about an earlier one gives the line of
// the latest offset asked.
func (c *lineCounter) line(off int64) int {
	for c.head < len(c.nl) && c.nl[c.head] < off {
		c.head++
	}
	if c.head >= 4096 && 2*c.head >= len(c.nl) {
		n := copy(c.nl, c.nl[c.head:])
		c.nl, c.before, c.head = c.nl[:n], c.before+c.head, 0
	}
	return c.before + c.head + 1
}
