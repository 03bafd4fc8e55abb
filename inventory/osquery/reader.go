// Package osquery reads osquery and Fleet results logs: what the
// filesystem logger writes to osqueryd.results.log (and
// osqueryd.snapshots.log), one JSON object per line.
//
// The format is documented in osquery's "Logging osquery" guide
// (https://osquery.readthedocs.io/en/stable/deployment/logging/, source
// docs/wiki/deployment/logging.md in github.com/osquery/osquery):
//
//   - event (differential) lines: {"name", "hostIdentifier", "action":
//     "added"|"removed", "columns": {row}, "calendarTime", "unixTime",
//     "epoch", "counter", "decorations"};
//   - batched differential lines (--logger_event_type=false):
//     {"diffResults": {"added": [rows], "removed": [rows]}, ...};
//   - snapshot lines: {"snapshot": [rows], "action": "snapshot", ...}, an
//     exact point-in-time result set.
//
// The log is applied in order for each host and query: added rows are
// added, removed rows are removed, a snapshot replaces the set. The guide
// says a query's first run after its epoch changes logs every row as
// added with counter 0 and no removal of the old rows, so a counter-0 run
// starts the set afresh. The inventory is the final state: software that
// a later line says is gone is not reported as present.
//
// Rows are read from the tables that name software: programs (Windows),
// deb_packages, rpm_packages, apps (macOS), chrome_extensions and
// windows_security_products (the products registered with Windows
// Security Center). The table is recognised from the row's columns, since
// query names are the user's own; the query name is a hint when the
// columns do not tell. Rows of other tables are listed as one unknown per
// query; a line that is not JSON or not a results line is an unknown and
// reading goes on. A log in which no line is a results line is an error.
package osquery

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/embargo-dev/embargo/inventory"
)

// Reader reads osquery results logs.
type Reader struct{}

// Name implements inventory.Reader.
func (Reader) Name() string { return "osquery" }

// markers are keys that only osquery results lines carry near their
// start; a snapshot line starts with its rows, so its other keys may lie
// beyond the head.
var markers = [][]byte{
	[]byte(`"hostIdentifier"`), []byte(`"diffResults"`),
	[]byte(`{"snapshot":`), []byte(`"action":"snapshot"`), []byte(`"action":"added"`), []byte(`"action":"removed"`),
}

// Sniff implements inventory.Reader: the first line is a JSON object with
// a key of a results line.
func (Reader) Sniff(_ string, head []byte) bool {
	h := bytes.TrimLeft(head, " \t\r\n\xef\xbb\xbf")
	if len(h) == 0 || h[0] != '{' {
		return false
	}
	if i := bytes.IndexByte(h, '\n'); i >= 0 {
		h = h[:i]
	}
	for _, m := range markers {
		if bytes.Contains(h, m) {
			return true
		}
	}
	return false
}

// maxLine is the longest line read: sixteen times the string limit (16
// MiB by default), room for a snapshot of a few thousand programs.
func maxLine(lim inventory.Limits) int {
	const most = 16 << 20
	if n := 16 * lim.MaxString; n > 0 && n < most {
		return n
	}
	return most
}

// Read implements inventory.Reader.
func (r Reader) Read(ctx context.Context, name string, in io.Reader, lim inventory.Limits) (*inventory.Inventory, error) {
	br := bufio.NewReaderSize(inventory.LimitReader(in, lim.MaxBytes), 64<<10)
	st := newState(name, lim)
	var (
		buf       []byte
		lines     int
		limit     = maxLine(lim)
		bom, long bool
		err       error
	)
	for n := 1; ; n++ {
		if n%1024 == 1 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		buf, long, err = readLine(br, buf, limit)
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, &inventory.InputError{Source: name, Line: n, Offset: -1, Err: err}
		}
		if !bom {
			buf, bom = bytes.TrimPrefix(buf, []byte("\xef\xbb\xbf")), true
		}
		text := bytes.TrimSpace(buf)
		switch {
		case long:
			st.unknown(n, "", fmt.Sprintf("line longer than %d bytes was not read", limit))
		case len(text) > 0:
			if e := st.line(n, text); e != nil {
				return nil, e
			}
		}
		if len(text) > 0 || long {
			lines++
		}
		if err != nil { // io.EOF
			break
		}
	}
	if lines == 0 {
		return nil, &inventory.InputError{Source: name, Offset: 0, Err: errors.New("empty log")}
	}
	if st.read == 0 {
		first := st.unknowns[0]
		return nil, &inventory.InputError{Source: name, Line: first.Location.Line, Offset: -1,
			Err: fmt.Errorf("no line is an osquery results line (first: %s)", first.Reason)}
	}
	inv := &inventory.Inventory{Source: name, Format: "osquery results log"}
	st.finish(inv)
	return inv, nil
}

// readLine reads one line into buf without its newline. A line longer
// than limit is consumed but not kept, and reported as long.
func readLine(br *bufio.Reader, buf []byte, limit int) ([]byte, bool, error) {
	buf = buf[:0]
	long := false
	for {
		frag, err := br.ReadSlice('\n')
		frag = bytes.TrimSuffix(frag, []byte("\n"))
		if !long {
			if len(buf)+len(frag) > limit {
				long, buf = true, buf[:0]
			} else {
				buf = append(buf, frag...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return buf, long, err
	}
}
