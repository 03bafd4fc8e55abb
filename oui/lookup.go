package oui

import "iter"

// find returns the index in recs of the first record of prefix p.
func find(recs []record, p uint64) (int, bool) {
	lo, hi := 0, len(recs)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if recs[m].prefix < p {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < len(recs) && recs[lo].prefix == p
}

// LookupMAC returns m's assignment: the longest assigned prefix, never
// the IEEE RA's own block; false for a locally administered or group
// address or one in no assignment. It does not allocate.
func (r *Registry) LookupMAC(m MAC) (Assignment, bool) {
	if m[0]&3 != 0 {
		return Assignment{}, false
	}
	v := uint64(m[0])<<40 | uint64(m[1])<<32 | uint64(m[2])<<24 | uint64(m[3])<<16 | uint64(m[4])<<8 | uint64(m[5])
	o := uint32(v >> 24)
	t := &r.tables
	mask := uint32(len(t.slots) - 1)
	for h := slot(o, mask); ; h = (h + 1) & mask {
		b := &t.slots[h]
		if b.oui == noOUI {
			return Assignment{}, false
		}
		if b.oui != o {
			continue
		}
		if b.sub != 0 {
			sr := t.subs[b.sub-1]
			if i, ok := find(t.tab[2][sr.sLo:sr.sHi], v>>12); ok {
				return t.assignment(2, int(sr.sLo)+i), true
			}
			if i, ok := find(t.tab[1][sr.mLo:sr.mHi], v>>20); ok {
				return t.assignment(1, int(sr.mLo)+i), true
			}
		}
		if b.divided || b.mal < 0 {
			return Assignment{}, false
		}
		a := Assignment{Prefix: t.hex[0][6*b.mal : 6*b.mal+6], Bits: 24, Registry: MAL, Org: t.str(b.org, b.orgLen)}
		if b.dup {
			a.Others = t.others[[2]uint64{0, uint64(o)}]
		}
		return a, true
	}
}

func (t *tables) assignment(k, i int) Assignment {
	r := t.tab[k][i]
	w := tabWidth[k]
	a := Assignment{Prefix: t.hex[k][i*w : (i+1)*w], Bits: tabBits[k], Registry: registries[r.reg].name,
		Org: t.str(r.org, r.orgLen)}
	if r.dup {
		a.Others = t.others[[2]uint64{uint64(k), r.prefix}]
	}
	return a
}

// All yields every assignment: MA-L, then MA-M, then MA-S and IAB
// together, each by prefix, in listing order among equal prefixes
// (whose first carries the others' organisations in Others).
func (r *Registry) All() iter.Seq[Assignment] {
	return func(yield func(Assignment) bool) {
		for k := range r.tab {
			for i := range r.tab[k] {
				if !yield(r.assignment(k, i)) {
					return
				}
			}
		}
	}
}

const hexDigits = "0123456789ABCDEF"

// appendHex appends the w low hex digits of v, upper case.
func appendHex(b []byte, v uint64, w int) []byte {
	for i := w - 1; i >= 0; i-- {
		b = append(b, hexDigits[v>>(4*uint(i))&0xF])
	}
	return b
}
