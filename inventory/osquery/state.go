package osquery

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/embargo-dev/embargo/inventory"
)

// record is one line of a results log. Rows stay raw until their table
// is known: osquery writes every value as a string unless numerics are
// enabled.
type record struct {
	Name           string                        `json:"name"`
	HostIdentifier string                        `json:"hostIdentifier"`
	Hostname       string                        `json:"hostname"`
	Action         string                        `json:"action"`
	Columns        map[string]json.RawMessage    `json:"columns"`
	Snapshot       *[]map[string]json.RawMessage `json:"snapshot"`
	DiffResults    *struct {
		Added   []map[string]json.RawMessage `json:"added"`
		Removed []map[string]json.RawMessage `json:"removed"`
	} `json:"diffResults"`
	Decorations map[string]json.RawMessage `json:"decorations"`
	Epoch       json.RawMessage            `json:"epoch"`
	Counter     json.RawMessage            `json:"counter"`
	UnixTime    json.RawMessage            `json:"unixTime"`
}

// host is the host a line comes from: hostIdentifier, else the older
// hostname key, else a decoration.
func (r *record) host() string {
	for _, h := range []string{r.HostIdentifier, r.Hostname, scalar(r.Decorations["hostname"]), scalar(r.Decorations["host_uuid"])} {
		if h != "" {
			return h
		}
	}
	return ""
}

// scalar is a JSON value as text: a string's contents, a number or a
// boolean as written, "" for null or nothing.
func scalar(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	if raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
	}
	return string(raw)
}

// row is a result row with its values as text.
type row map[string]string

func toRow(raw map[string]json.RawMessage) row {
	r := make(row, len(raw))
	for k, v := range raw {
		r[k] = scalar(v)
	}
	return r
}

// key identifies a row within its query's set: a removed row repeats the
// values it was added with.
func (r row) key() string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(r)) {
		b.WriteString(k)
		b.WriteByte(0)
		b.WriteString(r[k])
		b.WriteByte(1)
	}
	return b.String()
}

// line applies one results line to the state. Lines that are not results
// lines become unknowns; the error is for a broken limit only.
func (st *state) line(n int, text []byte) error {
	if !utf8.Valid(text) {
		st.unknown(n, "", fmt.Sprintf("invalid UTF-8 at column %d", inventory.FirstInvalidUTF8(text)+1))
		return nil
	}
	var rec record
	if err := json.Unmarshal(text, &rec); err != nil {
		st.unknown(n, "", "not an osquery results line: "+describe(err))
		return nil
	}
	host := rec.host()
	switch {
	case rec.Snapshot != nil:
		s := st.set(host, rec.Name)
		st.clear(s)
		for _, r := range *rec.Snapshot {
			st.add(s, toRow(r), n, "snapshot")
		}
	case rec.DiffResults != nil:
		s := st.set(host, rec.Name)
		st.run(s, &rec)
		for _, r := range rec.DiffResults.Removed {
			st.remove(s, toRow(r))
		}
		for _, r := range rec.DiffResults.Added {
			st.add(s, toRow(r), n, "added")
		}
	case rec.Columns != nil && (rec.Action == "added" || rec.Action == "removed"):
		s := st.set(host, rec.Name)
		st.run(s, &rec)
		if rec.Action == "added" {
			st.add(s, toRow(rec.Columns), n, "added")
		} else {
			st.remove(s, toRow(rec.Columns))
		}
	default:
		st.unknown(n, rec.Name, "not an osquery results line: no snapshot, diffResults, or columns with an added or removed action")
		return nil
	}
	st.read++
	if st.live > st.lim.MaxItems {
		return &inventory.InputError{Source: st.source, Line: n, Offset: -1, Err: fmt.Errorf("more than %d rows present at once (the item limit)", st.lim.MaxItems)}
	}
	return nil
}

// run starts a query's set afresh on the first line of an initial run:
// counter 0 with an epoch and time not seen on the line before.
func (st *state) run(s *set, rec *record) {
	if scalar(rec.Counter) != "0" {
		s.run = ""
		return
	}
	id := scalar(rec.Epoch) + "/" + scalar(rec.UnixTime)
	if s.run != id {
		st.clear(s)
	}
	s.run = id
}

func describe(err error) string {
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		return fmt.Sprintf("%v at column %d", err, se.Offset)
	}
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		if te.Field == "" {
			return fmt.Sprintf("a JSON %s, not an object", te.Value)
		}
		return fmt.Sprintf("%q is JSON %s, not %s (column %d)", te.Field, te.Value, te.Type, te.Offset)
	}
	return err.Error()
}

// sortUnknowns orders unknowns by line, keeping equal lines in order.
func sortUnknowns(u []inventory.Unknown) {
	slices.SortStableFunc(u, func(a, b inventory.Unknown) int { return cmp.Compare(a.Location.Line, b.Location.Line) })
}
