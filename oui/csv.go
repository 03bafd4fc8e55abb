package oui

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/embargo-dev/embargo/inventory"
)

// File is one CSV listing for FromCSV: its name, used in errors and in
// Source.Files, and its content.
type File struct {
	Name string
	R    io.Reader
}

// header is the listings' first record.
var header = []string{"Registry", "Assignment", "Organization Name", "Organization Address"}

// IsCSV reports whether head, the start of a file, is an IEEE listing's
// header line.
func IsCSV(head []byte) bool {
	head = bytes.TrimPrefix(head, []byte("\uFEFF"))
	line, _, _ := bytes.Cut(head, []byte("\n"))
	return strings.EqualFold(strings.TrimSpace(string(line)), strings.Join(header, ","))
}

// listed is an assignment as a listing gives it.
type listed struct {
	prefix uint64
	org    string
}

// FromCSV reads the IEEE RA's CSV listings (any of MA-L, MA-M, MA-S and
// IAB, each file's Registry column saying which) into a registry that
// src names; the files' names, SHA-256 and record counts are added to
// its Files. A file that is not a listing as the package documentation
// describes, whole, is an *inventory.InputError naming it and the line.
func FromCSV(ctx context.Context, src Source, files ...File) (*Registry, error) {
	var lists [len(registries)][]listed
	total := 0
	src.Files = slices.Clone(src.Files)
	for _, f := range files {
		raw, err := inventory.ReadAll(f.R, MaxCSVSize)
		if err != nil {
			return nil, &inventory.InputError{Source: f.Name, Offset: -1, Err: err}
		}
		n, err := readCSV(ctx, f.Name, raw, &lists, total)
		if err != nil {
			return nil, err
		}
		total += n
		sum := sha256.Sum256(raw)
		src.Files = append(src.Files, SourceFile{Name: f.Name, SHA256: hex.EncodeToString(sum[:]), Records: n})
	}
	if total == 0 {
		return nil, errors.New("oui: the listings hold no assignment")
	}
	d := &data{src: src}
	index := map[string]uint32{}
	for _, list := range lists {
		for _, a := range list {
			index[a.org] = 0
		}
	}
	for s := range index {
		d.strs = append(d.strs, s)
	}
	slices.Sort(d.strs)
	for i, s := range d.strs {
		index[s] = uint32(i)
	}
	for reg, list := range lists {
		slices.SortStableFunc(list, func(a, b listed) int { return cmp.Compare(a.prefix, b.prefix) })
		d.lists[reg] = make([]entry, len(list))
		for i, a := range list {
			d.lists[reg][i] = entry{prefix: a.prefix, org: index[a.org]}
		}
	}
	return newRegistry(d, nil)
}

// readCSV appends the assignments of one listing to lists and returns
// how many it held; before is how many were read already.
func readCSV(ctx context.Context, name string, raw []byte, lists *[len(registries)][]listed, before int) (int, error) {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\uFEFF"))))
	r.FieldsPerRecord = len(header)
	r.ReuseRecord = true
	fail := func(line int, format string, args ...any) error {
		return &inventory.InputError{Source: name, Line: line, Offset: -1, Err: fmt.Errorf(format, args...)}
	}
	n := 0
	for rec := 0; ; rec++ {
		fields, err := r.Read()
		if errors.Is(err, io.EOF) {
			if rec == 0 {
				return 0, fail(1, "empty: want the header %s", strings.Join(header, ","))
			}
			return n, nil
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			// The record's first line: a quote left open runs to the end.
			ie := &inventory.InputError{Source: name, Line: pe.StartLine, Column: pe.Column, Offset: -1, Err: pe.Err}
			if pe.StartLine != pe.Line {
				ie.Column, ie.Err = 0, fmt.Errorf("%w (the record runs to line %d, column %d)", pe.Err, pe.Line, pe.Column)
			}
			return 0, ie
		}
		if err != nil {
			return 0, &inventory.InputError{Source: name, Offset: -1, Err: err}
		}
		line, _ := r.FieldPos(0)
		if rec == 0 {
			for i, h := range header {
				if !strings.EqualFold(strings.TrimSpace(fields[i]), h) {
					return 0, fail(line, "header field %d is %.40q, want %q", i+1, fields[i], h)
				}
			}
			continue
		}
		if rec%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return 0, err
			}
		}
		if before+n >= MaxAssignments {
			return 0, fail(line, "more than %d assignments", MaxAssignments)
		}
		reg := slices.IndexFunc(registries[:], func(r regInfo) bool {
			return strings.EqualFold(strings.TrimSpace(fields[0]), r.name)
		})
		if reg < 0 {
			return 0, fail(line, "registry %.40q: want MA-L, MA-M, MA-S or IAB", fields[0])
		}
		digits := registries[reg].bits / 4
		p := strings.TrimSpace(fields[1])
		prefix, ok := parseHex(p)
		if !ok || len(p) != digits {
			return 0, fail(line, "assignment %.40q: want %d hexadecimal digits for %s", fields[1], digits, registries[reg].name)
		}
		org, err := fold(fields[2])
		if err == nil && org == "" {
			err = errors.New("empty")
		}
		if err != nil {
			return 0, fail(line, "organization name: %v", err)
		}
		if _, err := fold(fields[3]); err != nil {
			return 0, fail(line, "organization address: %v", err)
		}
		lists[reg] = append(lists[reg], listed{prefix: prefix, org: org})
		n++
	}
}

func parseHex(s string) (uint64, bool) {
	var v uint64
	for i := range len(s) {
		d, ok := unhex(s[i])
		if !ok {
			return 0, false
		}
		v = v<<4 | uint64(d)
	}
	return v, len(s) > 0 && len(s) <= 9
}

// fold returns s with every run of white space made one space and none
// at either end, and each C1 control character (U+0080-U+009F, which
// occur only as mojibake: an IAB address of 2022 has "Ã\u009d" for "Ý")
// made U+FFFD, so that no listing can send a terminal a control
// sequence; invalid UTF-8, another control character or more than
// MaxFieldLen bytes is an error.
func fold(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", errors.New("invalid UTF-8")
	}
	var b strings.Builder
	space := false
	for _, c := range s {
		switch {
		case unicode.IsSpace(c):
			space = b.Len() > 0
			continue
		case 0x80 <= c && c < 0xa0:
			c = utf8.RuneError
		case unicode.IsControl(c):
			return "", fmt.Errorf("control character %U", c)
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(c)
	}
	if b.Len() > MaxFieldLen {
		return "", fmt.Errorf("%d bytes, over %d", b.Len(), MaxFieldLen)
	}
	return b.String(), nil
}

// clean reports whether s is as fold leaves a field, without copying it.
func clean(s string) bool {
	if len(s) > MaxFieldLen || !utf8.ValidString(s) {
		return false
	}
	space := true // at the start, a space is not allowed either
	for _, c := range s {
		if ' ' < c && c < 0x7f {
			space = false
			continue
		}
		switch {
		case c == ' ':
			if space {
				return false
			}
			space = true
			continue
		case unicode.IsSpace(c), 0x80 <= c && c < 0xa0, unicode.IsControl(c):
			return false
		}
		space = false
	}
	return s == "" || !space
}
