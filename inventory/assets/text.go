package assets

import (
	"bufio"
	"bytes"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Byte order marks.
var (
	bomUTF8    = []byte("\xef\xbb\xbf")
	bomUTF16LE = []byte("\xff\xfe")
	bomUTF16BE = []byte("\xfe\xff")
)

// utf16 reports whether b starts with a UTF-16 byte order mark.
func utf16(b []byte) bool { return bytes.HasPrefix(b, bomUTF16LE) || bytes.HasPrefix(b, bomUTF16BE) }

// text returns the input as UTF-8 without a byte order mark, decoding
// UTF-16 that has one (an unpaired surrogate becomes U+FFFD).
func text(br *bufio.Reader) io.Reader {
	head, _ := br.Peek(3)
	switch {
	case bytes.HasPrefix(head, bomUTF8):
		_, _ = br.Discard(3)
	case utf16(head):
		return transform.NewReader(br, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder())
	}
	return br
}

// headText is the start of an input as UTF-8, for Sniff.
func headText(head []byte) []byte {
	switch {
	case bytes.HasPrefix(head, bomUTF8):
		return head[len(bomUTF8):]
	case utf16(head):
		out, _, _ := transform.Bytes(unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder(), head[:len(head)&^1])
		return out
	}
	return head
}

// utf8Value returns s as UTF-8: as it is when it is, else read as
// Windows-1252.
func utf8Value(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	out, err := charmap.Windows1252.NewDecoder().String(s)
	if err != nil {
		return string([]rune(s)) // cannot happen: every byte is a Windows-1252 character
	}
	return out
}
