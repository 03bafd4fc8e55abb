package egress

import (
	"encoding/binary"
	"math/bits"
	"math/rand/v2"
)

// convTable is an open-addressing hash table from convKey to counts, with
// the counts held in the slots: adding a flow costs one probe into one
// array, usually one cache miss, where Go's map (a directory of tables of
// groups) costs several dependent ones at hundreds of thousands of
// entries. The hash is seeded per table, so that addresses in hostile
// input cannot be chosen to collide.
type convTable struct {
	slots []convSlot
	n     int
	seed  [2]uint64
}

type convSlot struct {
	key  convKey
	used bool
	counts
}

func newConvTable() *convTable {
	return &convTable{slots: make([]convSlot, 1024), seed: [2]uint64{rand.Uint64() | 1, rand.Uint64() | 1}}
}

func (t *convTable) hash(k *convKey) uint64 {
	lo := binary.LittleEndian.Uint64(k.dst[:8]) ^ t.seed[0]
	hi := binary.LittleEndian.Uint64(k.dst[8:]) ^ t.seed[1] ^ uint64(uint32(k.sys))<<17
	h, l := bits.Mul64(lo, hi^0x9e3779b97f4a7c15)
	return h ^ l
}

// get returns the counts of k, adding a zero entry when absent (and
// reporting so).
func (t *convTable) get(k convKey) (c *counts, added bool) {
	mask := uint64(len(t.slots) - 1)
	for i := t.hash(&k) & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if !s.used {
			if 2*(t.n+1) > len(t.slots) {
				t.grow()
				return t.get(k)
			}
			s.used, s.key = true, k
			t.n++
			return &s.counts, true
		}
		if s.key == k {
			return &s.counts, false
		}
	}
}

// lookup returns the counts of k, or nil.
func (t *convTable) lookup(k convKey) *counts {
	mask := uint64(len(t.slots) - 1)
	for i := t.hash(&k) & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if !s.used {
			return nil
		}
		if s.key == k {
			return &s.counts
		}
	}
}

func (t *convTable) grow() {
	old := t.slots
	t.slots = make([]convSlot, 2*len(old))
	mask := uint64(len(t.slots) - 1)
	for i := range old {
		if !old[i].used {
			continue
		}
		j := t.hash(&old[i].key) & mask
		for t.slots[j].used {
			j = (j + 1) & mask
		}
		t.slots[j] = old[i]
	}
}

// each calls f for every entry with its key.
func (t *convTable) each(f func(convKey, *counts)) {
	for i := range t.slots {
		if t.slots[i].used {
			f(t.slots[i].key, &t.slots[i].counts)
		}
	}
}

// all calls f for every entry.
func (t *convTable) all(f func(*counts)) {
	for i := range t.slots {
		if t.slots[i].used {
			f(&t.slots[i].counts)
		}
	}
}
