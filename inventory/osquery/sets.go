package osquery

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// state is the log applied so far: the rows present for each host and
// query, and the lines that could not be read.
type state struct {
	source   string
	lim      inventory.Limits
	sets     map[string]*set
	unknowns []inventory.Unknown // lines not read
	read     int                 // results lines read
	seq      int                 // rows added so far, to keep their order
	live     int                 // rows present
}

// set is the rows present for one query on one host.
type set struct {
	order       int
	host, query string
	rows        map[string]*entry
	run         string   // epoch/time of the initial run being read
	columns     []string // of the first row of a table not read
}

// entry is one row present: an item, an unknown with its reason, or a row
// of a table this reader does not read (table == nil).
type entry struct {
	seq, line int
	action    string
	table     *table
	item      inventory.Item
	reason    string
}

func newState(source string, lim inventory.Limits) *state {
	return &state{source: source, lim: lim, sets: map[string]*set{}}
}

func (st *state) unknown(line int, name, reason string) {
	st.unknowns = append(st.unknowns, inventory.Unknown{
		Location: inventory.Location{Source: st.source, Line: line, Reader: "osquery"},
		Name:     inventory.Clip(name),
		Reason:   reason,
	})
}

func (st *state) set(host, query string) *set {
	k := host + "\x00" + query
	s := st.sets[k]
	if s == nil {
		s = &set{order: len(st.sets), host: host, query: query, rows: map[string]*entry{}}
		st.sets[k] = s
	}
	return s
}

func (st *state) clear(s *set) {
	st.live -= len(s.rows)
	clear(s.rows)
}

func (st *state) remove(s *set, r row) {
	k := r.key()
	if _, ok := s.rows[k]; ok {
		delete(s.rows, k)
		st.live--
	}
}

// add makes a row present; a row already present keeps its place and is
// located on the newer line.
func (st *state) add(s *set, r row, line int, action string) {
	k := r.key()
	if e, ok := s.rows[k]; ok {
		e.line, e.action = line, action
		return
	}
	e := &entry{seq: st.seq, line: line, action: action}
	st.seq++
	e.table = detect(r, s.query)
	switch {
	case e.table == nil && s.columns == nil:
		s.columns = slices.Sorted(maps.Keys(r))
	case e.table != nil:
		e.item = e.table.item(r)
		e.reason = st.check(r, &e.item)
	}
	s.rows[k] = e
	st.live++
}

func (st *state) check(r row, it *inventory.Item) string {
	for _, c := range slices.Sorted(maps.Keys(r)) {
		if len(r[c]) > st.lim.MaxString {
			return fmt.Sprintf("column %s longer than %d bytes", c, st.lim.MaxString)
		}
	}
	if !it.Identifiable() {
		return "row has no name or identifier to attribute it by"
	}
	return ""
}

// finish turns the rows present into items and unknowns, in the order the
// rows were first added. Rows of tables not read are one unknown per
// query: a fleet's log holds many queries that are not about software.
func (st *state) finish(inv *inventory.Inventory) {
	sets := slices.SortedFunc(maps.Values(st.sets), func(a, b *set) int { return a.order - b.order })
	type placed struct {
		s *set
		e *entry
	}
	type others struct {
		first       *entry
		host        string
		rows, hosts int
		columns     []string
	}
	var all []placed
	other := map[string]*others{}
	var queries []string
	for _, s := range sets {
		hostRows := 0
		for _, e := range s.rows {
			if e.table != nil {
				all = append(all, placed{s, e})
				continue
			}
			o := other[s.query]
			if o == nil {
				o = &others{first: e, host: s.host, columns: s.columns}
				other[s.query] = o
				queries = append(queries, s.query)
			}
			if e.seq < o.first.seq {
				o.first = e
			}
			o.rows++
			hostRows++
		}
		if hostRows > 0 {
			other[s.query].hosts++
		}
	}
	unknowns := st.unknowns
	for _, q := range queries {
		o := other[q]
		loc := inventory.Location{Source: st.source, Line: o.first.line, Ref: q, Reader: "osquery"}
		if o.hosts == 1 {
			loc.Host = o.host
		}
		unknowns = append(unknowns, inventory.Unknown{Location: loc, Name: inventory.Clip(q),
			Reason: fmt.Sprintf("query %q: rows from a table this reader does not read (%d present on %s; columns: %s)",
				q, o.rows, plural(o.hosts, "host"), inventory.Clip(strings.Join(o.columns, ", ")))})
	}
	slices.SortFunc(all, func(a, b placed) int { return a.e.seq - b.e.seq })
	for _, p := range all {
		loc := inventory.Location{Source: st.source, Line: p.e.line, Host: p.s.host, Ref: p.s.query + " " + p.e.action, Reader: "osquery"}
		if p.e.reason != "" {
			unknowns = append(unknowns, inventory.Unknown{Location: loc, Name: inventory.Clip(p.e.item.Name), Reason: p.e.reason})
			continue
		}
		it := p.e.item
		it.Location, it.Index = loc, len(inv.Items)
		it.SetID()
		inv.Items = append(inv.Items, it)
	}
	sortUnknowns(unknowns)
	inv.Unknowns = unknowns
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
