// Package unit reads systemd unit files (systemd.syntax(7)): sections,
// Key=Value entries, comments and continuation lines, with drop-ins merged
// in order and an empty assignment resetting a list. It also works out how
// systemd would start a service's ExecStart (see Exec), so that a service
// can be run as its unit says on a machine where systemd is not PID 1.
package unit

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// MaxSize bounds a unit file read by Parse.
const MaxSize = 1 << 20

// Entry is one Key=Value line of a unit file.
type Entry struct {
	Section, Key, Value string
	File                string
	Line                int // of the entry's first line
}

// File is a unit with its drop-ins: every entry in the order systemd reads
// them.
type File struct {
	Entries []Entry
}

// Parse reads one unit file (or drop-in); name is used in errors. Lines are
// comments (# or ;), a [Section] header, or Key=Value; a line ending in a
// backslash continues on the next, joined by a space.
func Parse(r io.Reader, name string) (*File, error) {
	f := &File{}
	return f, f.Add(r, name)
}

// Add reads a drop-in into f, after what f holds.
func (f *File) Add(r io.Reader, name string) error {
	lr := &io.LimitedReader{R: r, N: MaxSize + 1}
	sc := bufio.NewScanner(lr)
	sc.Buffer(make([]byte, 0, 4096), MaxSize)
	section, n := "", 0
	var cont *Entry // the entry a continuation line extends
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if cont != nil {
			if strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";") {
				continue // a comment inside a continued value is skipped
			}
			more, goesOn := strings.CutSuffix(line, `\`)
			cont.Value += " " + strings.TrimSpace(more)
			if !goesOn {
				f.Entries, cont = append(f.Entries, *cont), nil
			}
			continue
		}
		switch {
		case line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";"):
			continue
		case strings.HasPrefix(line, "["):
			if !strings.HasSuffix(line, "]") || len(line) < 3 {
				return fmt.Errorf("%s:%d: section header %q is not [Name]", name, n, line)
			}
			section = line[1 : len(line)-1]
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		if !ok {
			return fmt.Errorf("%s:%d: %q is neither a [Section], a Key=Value nor a comment", name, n, line)
		}
		if section == "" {
			return fmt.Errorf("%s:%d: %q comes before any [Section]", name, n, line)
		}
		key = strings.TrimSpace(key)
		if key == "" || strings.ContainsAny(key, " \t") {
			return fmt.Errorf("%s:%d: key %q: want a name without spaces", name, n, key)
		}
		e := Entry{Section: section, Key: key, Value: strings.TrimSpace(value), File: name, Line: n}
		if v, goesOn := strings.CutSuffix(e.Value, `\`); goesOn {
			e.Value, cont = strings.TrimSpace(v), &e
			continue
		}
		f.Entries = append(f.Entries, e)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s:%d: %w", name, n+1, err)
	}
	if lr.N <= 0 {
		return fmt.Errorf("%s: more than %d bytes: not a unit file", name, MaxSize)
	}
	if cont != nil {
		return fmt.Errorf("%s:%d: the file ends inside a continued line", name, cont.Line)
	}
	return nil
}

// Values are the values of key in section, in order, counted from the last
// empty assignment (which systemd reads as "reset the list").
func (f *File) Values(section, key string) []string {
	var out []string
	for _, e := range f.Entries {
		if e.Section != section || e.Key != key {
			continue
		}
		if e.Value == "" {
			out = nil
			continue
		}
		out = append(out, e.Value)
	}
	return out
}

// Value is the last value of key in section, and whether it is set at all
// (an empty assignment counts as set, to the empty string).
func (f *File) Value(section, key string) (string, bool) {
	v, set := "", false
	for _, e := range f.Entries {
		if e.Section == section && e.Key == key {
			v, set = e.Value, true
		}
	}
	return v, set
}
