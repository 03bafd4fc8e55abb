package oui

import (
	"strings"
)

// data is a registry as the compact form holds it: distinct organisation
// names, and per registry (in registries' order) its entries by prefix.
type data struct {
	src   Source
	strs  []string // distinct organisations, sorted
	text  string   // strs end to end, when they are substrings of it so; else ""
	lists [len(registries)][]entry
}

// entry is one assignment: its prefix (the assigned bits, right-aligned)
// and its organisation as an index into data.strs.
type entry struct {
	prefix uint64
	org    uint32
}

// record is one assignment as the lookup tables hold it, its strings as
// places in tables.text: no pointers for the collector to scan.
type record struct {
	prefix uint64
	org    uint32 // offset in text
	orgLen uint16
	reg    uint8 // index into registries
	dup    bool  // others holds further organisations for the prefix
}

// block is one 24-bit prefix and what is assigned in it, with its MA-L
// assignment's organisation at hand, so that the lookup of an address
// in an MA-L reads this and nothing else.
type block struct {
	oui     uint32 // noOUI marks an empty slot
	org     uint32 // the first MA-L record's organisation in text
	mal     int32  // that record in tab[0], or -1
	orgLen  uint16
	divided bool   // the IEEE RA's: only its MA-M, MA-S or IAB records attribute
	dup     bool   // others holds further organisations for the MA-L
	sub     uint32 // 1 + its entry in subs, or 0 when nothing is assigned in it
}

// subRange is where a block's MA-M (tab[1]) and MA-S and IAB (tab[2])
// records are.
type subRange struct{ mLo, mHi, sLo, sHi uint32 }

// noOUI is no 24-bit prefix.
const noOUI = ^uint32(0)

// The lookup tables by assigned bits: 24 (MA-L), 28 (MA-M), 36 (MA-S
// and IAB together).
var (
	tabBits  = [3]int{24, 28, 36}
	tabWidth = [3]int{6, 7, 9}
)

type tables struct {
	text string
	tab  [3][]record // each sorted by prefix, listing order kept among equals
	hex  [3]string   // hex[k][i*w:(i+1)*w] is tab[k][i]'s prefix
	// slots is an open-addressing hash table of the blocks (linear
	// probing, at most half full): one random memory access finds a
	// block, where a sorted array and an index took three.
	slots  []block
	subs   []subRange
	others map[[2]uint64][]string
}

// newTables builds the lookup tables of d.
func newTables(d *data) tables {
	var t tables
	off := make([]uint32, len(d.strs))
	n := 0
	for i, s := range d.strs {
		off[i] = uint32(n)
		n += len(s)
	}
	t.text = d.text
	if t.text == "" {
		t.text = strings.Join(d.strs, "")
	}
	rec := func(e entry, reg int) record {
		return record{prefix: e.prefix, org: off[e.org], orgLen: uint16(len(d.strs[e.org])), reg: uint8(reg)}
	}
	t.tab[0] = make([]record, 0, len(d.lists[0]))
	t.tab[1] = make([]record, 0, len(d.lists[1]))
	t.tab[2] = make([]record, 0, len(d.lists[2])+len(d.lists[3]))
	for reg, list := range d.lists {
		k := min(reg, 2)
		for _, e := range list {
			t.tab[k] = append(t.tab[k], rec(e, reg))
		}
	}
	// MA-S and IAB were appended one after the other: merge them,
	// stably, so that MA-S comes first on a tie.
	s, nMAS := t.tab[2], len(d.lists[2])
	merged := make([]record, 0, len(s))
	i, j := 0, nMAS
	for i < nMAS || j < len(s) {
		if j == len(s) || i < nMAS && s[i].prefix <= s[j].prefix {
			merged, i = append(merged, s[i]), i+1
		} else {
			merged, j = append(merged, s[j]), j+1
		}
	}
	t.tab[2] = merged
	for k := range t.tab {
		t.markDuplicates(k)
		w := tabWidth[k]
		b := make([]byte, 0, len(t.tab[k])*w)
		for _, r := range t.tab[k] {
			b = appendHex(b, r.prefix, w)
		}
		t.hex[k] = string(b)
	}
	t.buildBlocks()
	return t
}

// markDuplicates notes the prefixes of tab[k] listed more than once,
// with organisations other than the first's.
func (t *tables) markDuplicates(k int) {
	recs := t.tab[k]
	for i := 0; i < len(recs); {
		j := i + 1
		for j < len(recs) && recs[j].prefix == recs[i].prefix {
			j++
		}
		var others []string
		for _, r := range recs[i+1 : j] {
			if o := t.str(r.org, r.orgLen); o != t.str(recs[i].org, recs[i].orgLen) && !contains(others, o) {
				others = append(others, o)
			}
		}
		if others != nil {
			if t.others == nil {
				t.others = map[[2]uint64][]string{}
			}
			t.others[[2]uint64{uint64(k), recs[i].prefix}] = others
			recs[i].dup = true
		}
		i = j
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// buildBlocks makes the 24-bit blocks of the three tables, walking them
// together in prefix order, into the hash table.
func (t *tables) buildBlocks() {
	l, m, s := t.tab[0], t.tab[1], t.tab[2]
	blocks := make([]block, 0, len(l)+len(m)/8+len(s)/64+16)
	var i, j, k int
	for i < len(l) || j < len(m) || k < len(s) {
		o := uint64(1) << 24
		if i < len(l) {
			o = l[i].prefix
		}
		if j < len(m) {
			o = min(o, m[j].prefix>>4)
		}
		if k < len(s) {
			o = min(o, s[k].prefix>>12)
		}
		b := block{oui: uint32(o), mal: -1}
		if i < len(l) && l[i].prefix == o {
			b.mal, b.org, b.orgLen, b.dup = int32(i), l[i].org, l[i].orgLen, l[i].dup
		}
		for ; i < len(l) && l[i].prefix == o; i++ {
			if strings.EqualFold(t.str(l[i].org, l[i].orgLen), RegistrationAuthority) {
				b.divided = true
			}
		}
		r := subRange{mLo: uint32(j), sLo: uint32(k)}
		for ; j < len(m) && m[j].prefix>>4 == o; j++ {
		}
		for ; k < len(s) && s[k].prefix>>12 == o; k++ {
		}
		r.mHi, r.sHi = uint32(j), uint32(k)
		if r.mHi > r.mLo || r.sHi > r.sLo {
			t.subs = append(t.subs, r)
			b.sub, b.divided = uint32(len(t.subs)), true
		}
		blocks = append(blocks, b)
	}
	n := 16
	for n < 2*len(blocks) {
		n *= 2
	}
	t.slots = make([]block, n)
	for i := range t.slots {
		t.slots[i].oui = noOUI
	}
	mask := uint32(n - 1)
	for _, b := range blocks {
		h := slot(b.oui, mask)
		for t.slots[h].oui != noOUI {
			h = (h + 1) & mask
		}
		t.slots[h] = b
	}
}

// slot is where the hash table's search for oui starts.
func slot(oui, mask uint32) uint32 { return oui * 0x9E3779B1 >> 8 & mask }

func (t *tables) str(off uint32, n uint16) string { return t.text[off : off+uint32(n)] }
