package services

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/embargo-dev/embargo/inventory"
)

// maxUnit bounds a unit file; real ones are a few kilobytes.
const maxUnit = 1 << 20

// unit is what a service unit says about the program it runs.
type unit struct {
	program  string // first word of the first ExecStart= command
	execLine int    // line of that ExecStart=, 0 when none
}

// parseUnit reads a unit file (systemd.syntax(7)): [Section] headers,
// Key=Value lines, # and ; comments, a trailing backslash continuing a
// line. Like systemd, it ignores lines it does not understand; a file
// that is too large or not UTF-8 is an error.
func parseUnit(name string, r io.Reader, lim inventory.Limits) (unit, error) {
	limit := int64(maxUnit)
	if lim.MaxBytes > 0 {
		limit = min(limit, lim.MaxBytes)
	}
	sc := bufio.NewScanner(inventory.LimitReader(r, limit))
	sc.Buffer(make([]byte, 0, 4096), int(limit)+1)
	var u unit
	var section string
	var cont strings.Builder // a logical line being continued
	start, line := 0, 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if !utf8.ValidString(text) {
			return unit{}, &inventory.InputError{Source: name, Line: line, Column: inventory.FirstInvalidUTF8([]byte(text)) + 1, Offset: -1, Err: errors.New("invalid UTF-8")}
		}
		trimmed := strings.TrimSpace(text)
		if cont.Len() == 0 {
			if trimmed == "" || trimmed[0] == '#' || trimmed[0] == ';' {
				continue
			}
			start = line
		} else if trimmed != "" && (trimmed[0] == '#' || trimmed[0] == ';') {
			continue // comments inside a continued line are dropped
		}
		if body, ok := strings.CutSuffix(trimmed, `\`); ok {
			cont.WriteString(body)
			cont.WriteByte(' ')
			continue
		}
		cont.WriteString(trimmed)
		logical := cont.String()
		cont.Reset()
		if strings.HasPrefix(logical, "[") && strings.HasSuffix(logical, "]") {
			section = logical[1 : len(logical)-1]
			continue
		}
		key, value, ok := strings.Cut(logical, "=")
		if !ok || section != "Service" || strings.TrimSpace(key) != "ExecStart" {
			continue
		}
		value = strings.TrimSpace(value)
		switch {
		case value == "":
			u = unit{} // an empty assignment resets the list of commands
		case u.execLine == 0:
			u = unit{program: program(value), execLine: start}
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			err = fmt.Errorf("%w (%d bytes)", inventory.ErrTooLarge, limit)
		}
		return unit{}, &inventory.InputError{Source: name, Line: line + 1, Offset: -1, Err: err}
	}
	return u, nil
}

// program returns the executable of an ExecStart= command line: its
// first word, without the special prefixes (@ - : + !) that change how
// systemd runs it, and without quotes.
func program(cmd string) string {
	cmd = strings.TrimLeft(cmd, "@-:+!")
	if cmd == "" {
		return ""
	}
	if q := cmd[0]; q == '"' || q == '\'' {
		if end := strings.IndexByte(cmd[1:], q); end >= 0 {
			return cmd[1 : end+1]
		}
		return cmd[1:]
	}
	if i := strings.IndexAny(cmd, " \t"); i >= 0 {
		return cmd[:i]
	}
	return cmd
}
