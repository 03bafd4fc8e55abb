package ipdata

import (
	"bufio"
	"container/heap"
	"fmt"
	"slices"
)

// row is one record of an input: a range of one family and what the
// record says of it (a country, an AS, or both).
type row struct {
	start, end u128
	country    string
	asn        uint32
	org        string
	input      int
	line       int
}

// builder gathers the rows of all inputs, per family, and the notes.
type builder struct {
	inputs       []Input
	rows4, rows6 []row
	notes        []string
	dropped      int
}

func (b *builder) note(format string, args ...any) {
	if len(b.notes) < maxNotes {
		b.notes = append(b.notes, fmt.Sprintf(format, args...))
	} else {
		b.dropped++
	}
}

func (b *builder) add(r row, v6 bool) {
	if v6 {
		b.rows6 = append(b.rows6, r)
	} else {
		b.rows4 = append(b.rows4, r)
	}
}

// Build makes a snapshot from upstream files. Where inputs disagree,
// the earlier input wins, field by field: list the registry's country
// data before a prefix-to-AS file whose country is the AS holder's.
// Within one input, where records overlap the narrower range wins (as
// the more specific route does); each overlap is noted (Notes), as is
// each malformed line, which is skipped; more than MaxBadLines of them
// in one input fail the build. meta.Digest is ignored (computed); when
// meta.Sources is empty, one Source per input is derived from it.
func Build(inputs []Input, meta Meta) (*Snapshot, error) {
	b := &builder{inputs: inputs}
	var derived []Source
	for i, in := range inputs {
		src, err := b.read(i, in)
		if err != nil {
			return nil, err
		}
		derived = append(derived, src)
	}
	if len(meta.Sources) == 0 {
		meta.Sources = derived
	}
	return b.finish(meta)
}

// finish sweeps the rows into tables and encodes the snapshot.
func (b *builder) finish(meta Meta) (*Snapshot, error) {
	meta.Digest, meta.Built = "", meta.Built.UTC()
	s := &Snapshot{meta: meta}
	list := []Info{{}}
	ids := map[Info]uint32{{}: 0}
	intern := func(in Info) uint32 {
		n, ok := ids[in]
		if !ok {
			n = uint32(len(list))
			ids[in] = n
			list = append(list, in)
		}
		return n
	}
	st4, in4 := b.sweep(b.rows4, maxV4, intern)
	st6, in6 := b.sweep(b.rows6, maxU128, intern)
	if len(st4) > MaxSegments || len(st6) > MaxSegments || len(list) > MaxInfos {
		return nil, fmt.Errorf("ipdata: build: %d IPv4 and %d IPv6 segments, %d infos exceed the limits", len(st4), len(st6), len(list))
	}
	if err := s.setInfos(list); err != nil {
		return nil, fmt.Errorf("ipdata: build: %w", err)
	}
	s4 := make([]uint32, len(st4))
	for i, x := range st4 {
		s4[i] = uint32(x.lo)
	}
	hi6, lo6 := make([]uint64, len(st6)), make([]uint64, len(st6))
	for i, x := range st6 {
		hi6[i], lo6[i] = x.hi, x.lo
	}
	s.v4 = newTable4(s4, in4)
	s.v6 = newTable6(hi6, lo6, in6)
	if b.dropped > 0 {
		b.notes = append(b.notes, fmt.Sprintf("and %d more notes", b.dropped))
	}
	s.notes = b.notes
	raw, err := encode(s)
	if err != nil {
		return nil, err
	}
	s.raw = raw
	s.meta.Digest = digestOf(raw)
	return s, nil
}

// read parses one input into rows, sniffing its format when not given.
func (b *builder) read(i int, in Input) (Source, error) {
	src := Source{Name: in.Name}
	if in.R == nil {
		return src, fmt.Errorf("ipdata: build: input %q has no reader", in.Name)
	}
	br := bufio.NewReaderSize(&limitedReader{r: in.R, name: in.Name, left: MaxFileSize}, 1<<16)
	format := in.Format
	if format == "" {
		f, err := sniff(br, in.Name)
		if err != nil {
			return src, err
		}
		format = f
	}
	switch format {
	case FormatRIR, FormatIP2ASN, FormatIPLDBCountry, FormatIPLDBASN:
		return b.readText(i, in.Name, format, br)
	case FormatMMDB:
		data, err := readLimited(br, in.Name)
		if err != nil {
			return src, err
		}
		return b.readMMDB(i, in.Name, data)
	}
	return src, fmt.Errorf("ipdata: build: input %q: unknown format %q", in.Name, format)
}

// sweep turns one family's rows into a partition of the family's space
// (starting at 0) with the winning country and AS of every segment.
// Rows are visited by start; the rows covering the current address sit
// in two heaps (rows with a country, rows with an AS) ordered by
// precedence, so each boundary costs O(log n) however rows nest.
func (b *builder) sweep(rows []row, last u128, intern func(Info) uint32) ([]u128, []uint32) {
	slices.SortStableFunc(rows, func(x, y row) int { return x.start.cmp(y.start) })
	b.noteOverlaps(rows)
	starts, infos := []u128{{}}, []uint32{0}
	emit := func(at u128, n uint32) {
		if infos[len(infos)-1] == n {
			return
		}
		if starts[len(starts)-1] == at {
			starts, infos = starts[:len(starts)-1], infos[:len(infos)-1]
			if len(infos) > 0 && infos[len(infos)-1] == n {
				return
			}
		}
		starts, infos = append(starts, at), append(infos, n)
	}
	if len(rows) == 0 {
		return starts, infos
	}
	var byCountry, byAS rowHeap
	at, i := rows[0].start, 0
	for {
		for i < len(rows) && !at.less(rows[i].start) {
			r := &rows[i]
			if r.country != "" {
				heap.Push(&byCountry, r)
			}
			if r.asn != 0 {
				heap.Push(&byAS, r)
			}
			i++
		}
		byCountry.expire(at)
		byAS.expire(at)
		var in Info
		if r := byCountry.top(); r != nil {
			in.Country = r.country
		}
		if r := byAS.top(); r != nil {
			in.ASN, in.ASOrg = r.asn, r.org
		}
		emit(at, intern(in))

		// The answer can change only where a row starts or a top row ends.
		next, ok := u128{}, false
		if i < len(rows) {
			next, ok = rows[i].start, true
		}
		for _, h := range []*rowHeap{&byCountry, &byAS} {
			if r := h.top(); r != nil && r.end.less(last) {
				if e, _ := r.end.next(); !ok || e.less(next) {
					next, ok = e, true
				}
			}
		}
		if !ok {
			break
		}
		at = next
	}
	return starts, infos
}

// noteOverlaps notes each row that overlaps an earlier row of the same
// input; rows are sorted by start.
func (b *builder) noteOverlaps(rows []row) {
	type seen struct {
		end  u128
		line int
	}
	last := map[int]seen{}
	for _, r := range rows {
		if p, ok := last[r.input]; ok && !p.end.less(r.start) {
			name := b.inputs[r.input].Name
			b.note("%s:%d overlaps line %d; the narrower range wins where they overlap", name, r.line, p.line)
			if r.end.less(p.end) {
				continue
			}
		}
		last[r.input] = seen{r.end, r.line}
	}
}

// rowHeap orders the rows covering an address by precedence: earlier
// input first, then the narrower range, then the earlier line.
type rowHeap []*row

func (h rowHeap) Len() int { return len(h) }
func (h rowHeap) Less(i, j int) bool {
	a, b := h[i], h[j]
	if a.input != b.input {
		return a.input < b.input
	}
	if c := a.end.sub(a.start).cmp(b.end.sub(b.start)); c != 0 {
		return c < 0
	}
	return a.line < b.line
}
func (h rowHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *rowHeap) Push(x any)   { *h = append(*h, x.(*row)) }
func (h *rowHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func (h rowHeap) top() *row {
	if len(h) == 0 {
		return nil
	}
	return h[0]
}

// expire drops top rows that end before at; rows below the top that
// have ended are dropped when they surface.
func (h *rowHeap) expire(at u128) {
	for len(*h) > 0 && (*h)[0].end.less(at) {
		heap.Pop(h)
	}
}
