package oui

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

const (
	magic         = "EMBOUI\x00\x00"
	formatVersion = 1
	headerLen     = 16
	maxFiles      = 64 // Source.Files in a META
)

// newRegistry makes a registry of d; raw is its compact form when it
// was read, nil to encode it.
func newRegistry(d *data, raw []byte) (*Registry, error) {
	if raw == nil {
		var err error
		if raw, err = encode(d); err != nil {
			return nil, err
		}
	}
	sum := sha256.Sum256(raw)
	r := &Registry{src: d.src, raw: raw, digest: "sha256:" + hex.EncodeToString(sum[:]), tables: newTables(d)}
	for i, list := range d.lists {
		r.counts[i] = len(list)
	}
	return r, nil
}

// encode writes d in the compact form.
func encode(d *data) ([]byte, error) {
	meta, err := json.Marshal(d.src)
	if err != nil {
		return nil, err
	}
	if len(meta) > MaxMetaSize {
		return nil, fmt.Errorf("oui: META of %d bytes, over %d", len(meta), MaxMetaSize)
	}
	var body []byte
	body = binary.AppendUvarint(body, uint64(len(meta)))
	body = append(body, meta...)
	body = binary.AppendUvarint(body, uint64(len(d.strs)))
	for _, s := range d.strs {
		body = binary.AppendUvarint(body, uint64(len(s)))
	}
	for _, s := range d.strs {
		body = append(body, s...)
	}
	for _, list := range d.lists {
		body = binary.AppendUvarint(body, uint64(len(list)))
		prev := uint64(0)
		for _, e := range list {
			body = binary.AppendUvarint(body, e.prefix-prev)
			prev = e.prefix
		}
		for _, e := range list {
			body = binary.AppendUvarint(body, uint64(e.org))
		}
	}
	if len(body) > MaxBodySize {
		return nil, fmt.Errorf("oui: body of %d bytes, over %d", len(body), MaxBodySize)
	}
	var out bytes.Buffer
	out.WriteString(magic)
	var h [8]byte
	binary.BigEndian.PutUint16(h[0:], formatVersion)
	binary.BigEndian.PutUint32(h[4:], uint32(len(body)))
	out.Write(h[:])
	zw, err := gzip.NewWriterLevel(&out, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	zw.Write(body)
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// load reads the compact form raw, named name in errors.
func load(raw []byte, name string) (*Registry, error) {
	d, err := decode(raw, name)
	if err != nil {
		return nil, err
	}
	return newRegistry(d, raw)
}

func decode(raw []byte, name string) (*data, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("oui: %s: %s", name, fmt.Sprintf(format, args...))
	}
	if len(raw) < headerLen || string(raw[:len(magic)]) != magic {
		return nil, bad("offset 0: not an Embargo OUI registry (magic %q)", magic)
	}
	if v := binary.BigEndian.Uint16(raw[8:]); v != formatVersion {
		return nil, bad("offset 8: format version %d, this reads %d", v, formatVersion)
	}
	if f := binary.BigEndian.Uint16(raw[10:]); f != 0 {
		return nil, bad("offset 10: unknown flags %#x", f)
	}
	n := binary.BigEndian.Uint32(raw[12:])
	if n > MaxBodySize {
		return nil, bad("offset 12: body of %d bytes, over %d", n, MaxBodySize)
	}
	src := bytes.NewReader(raw[headerLen:])
	zr, err := gzip.NewReader(src)
	if err != nil {
		return nil, bad("offset %d: %v", headerLen, err)
	}
	zr.Multistream(false)
	body := make([]byte, 0, min(n, 1<<22))
	body, err = readAllInto(body, io.LimitReader(zr, int64(n)+1))
	if err != nil {
		return nil, bad("body: %v", err)
	}
	if len(body) != int(n) {
		return nil, bad("body of %d bytes, the header says %d", len(body), n)
	}
	if _, err := zr.Read(make([]byte, 1)); err != io.EOF {
		return nil, bad("body: %v after its end", err)
	}
	if src.Len() != 0 {
		return nil, bad("%d bytes after the body", src.Len())
	}
	c := &cursor{b: body}
	d, err := c.data()
	if err != nil {
		return nil, bad("body offset %d: %v", c.off, err)
	}
	return d, nil
}

// readAllInto is io.ReadAll appending to b.
func readAllInto(b []byte, r io.Reader) ([]byte, error) {
	buf := bytes.NewBuffer(b)
	_, err := buf.ReadFrom(r)
	return buf.Bytes(), err
}

// cursor reads the body; off is where the next read starts.
type cursor struct {
	b   []byte
	off int
}

var errTruncated = errors.New("truncated")

func (c *cursor) uvarint(max uint64, what string) (uint64, error) {
	v, n := binary.Uvarint(c.b[c.off:])
	if n <= 0 {
		return 0, fmt.Errorf("%s: %w varint", what, errTruncated)
	}
	if v > max {
		return 0, fmt.Errorf("%s %d, over %d", what, v, max)
	}
	c.off += n
	return v, nil
}

func (c *cursor) bytes(n int, what string) ([]byte, error) {
	if n > len(c.b)-c.off {
		return nil, fmt.Errorf("%s of %d bytes: %w", what, n, errTruncated)
	}
	b := c.b[c.off : c.off+n]
	c.off += n
	return b, nil
}

func (c *cursor) data() (*data, error) {
	d := &data{}
	n, err := c.uvarint(MaxMetaSize, "META length")
	if err != nil {
		return nil, err
	}
	meta, err := c.bytes(int(n), "META")
	if err != nil {
		return nil, err
	}
	if err := readMeta(meta, &d.src); err != nil {
		return nil, err
	}
	if n, err = c.uvarint(2*MaxAssignments, "string count"); err != nil {
		return nil, err
	}
	lens := make([]int, n)
	total := 0
	for i := range lens {
		l, err := c.uvarint(MaxFieldLen, "string length")
		if err != nil {
			return nil, err
		}
		lens[i], total = int(l), total+int(l)
	}
	all, err := c.bytes(total, "strings")
	if err != nil {
		return nil, err
	}
	text := string(all)
	d.strs = make([]string, n)
	at := 0
	for i, l := range lens {
		s := text[at : at+l]
		switch {
		case i > 0 && s <= d.strs[i-1]:
			return nil, fmt.Errorf("string %d is not after string %d", i, i-1)
		case !clean(s) || s == "":
			return nil, fmt.Errorf("string %d %.40q is empty, or not valid UTF-8 with its white space folded", i, s)
		}
		d.strs[i], at = s, at+l
	}
	d.text = text
	left := uint64(MaxAssignments)
	for reg, ri := range registries {
		list, err := c.list(ri, left, len(d.strs))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", ri.name, err)
		}
		left -= uint64(len(list))
		d.lists[reg] = list
	}
	if c.off != len(c.b) {
		return nil, fmt.Errorf("%d bytes after the last registry", len(c.b)-c.off)
	}
	return d, nil
}

// list reads one registry's entries: at most max, their organisations
// indexes below orgs.
func (c *cursor) list(ri regInfo, max uint64, orgs int) ([]entry, error) {
	n, err := c.uvarint(max, "count")
	if err != nil {
		return nil, err
	}
	if n > 0 && orgs == 0 {
		return nil, errors.New("assignments and no organisations")
	}
	list := make([]entry, n)
	p, limit := uint64(0), uint64(1)<<ri.bits-1
	for i := range list {
		delta, err := c.uvarint(limit-p, "prefix difference")
		if err != nil {
			return nil, err
		}
		p += delta
		list[i].prefix = p
	}
	for i := range list {
		o, err := c.uvarint(uint64(orgs)-1, "organisation")
		if err != nil {
			return nil, err
		}
		list[i].org = uint32(o)
	}
	return list, nil
}

// readMeta reads the META JSON, strictly.
func readMeta(b []byte, src *Source) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(src); err != nil {
		return fmt.Errorf("META: %w", err)
	}
	if dec.More() {
		return errors.New("META: data after the JSON object")
	}
	if len(src.Files) > maxFiles {
		return fmt.Errorf("META: %d files, over %d", len(src.Files), maxFiles)
	}
	src.Date = src.Date.UTC()
	if y := src.Date.Year(); y < 1 || y > 9999 {
		return fmt.Errorf("META: date %v out of range", src.Date)
	}
	for _, s := range append([]string{src.Name, src.Version}, fileStrings(src.Files)...) {
		if !strings.ContainsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f }) && len(s) <= MaxFieldLen {
			continue
		}
		return fmt.Errorf("META: %.40q has control characters or is over %d bytes", s, MaxFieldLen)
	}
	return nil
}

func fileStrings(files []SourceFile) []string {
	var out []string
	for _, f := range files {
		out = append(out, f.Name, f.SHA256)
	}
	return out
}
