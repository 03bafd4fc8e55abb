package collect

import (
	"encoding/binary"
	"math/bits"
	"math/rand/v2"
	"net/netip"

	"github.com/embargo-dev/embargo/egress"
)

// convTable holds the (system, destination) entries of a Collector. The
// slots of its open-addressing index are eight bytes each (a tag from the
// hash and the entry's number), and the entries themselves sit apart in
// the order first seen: adding a flow touches one slot of a small array
// and one entry, and the entries of the busiest destinations, which a log
// names first, share cache lines. Entries live in fixed-size chunks, so
// that growing never copies (nor touches twice the memory of) what is
// stored; growing the index rehashes only eight-byte slots. The hash is
// seeded per table, so that addresses in hostile input cannot be chosen
// to collide.
type convTable struct {
	slots []uint64 // 0: empty; else tag<<32 | entry number + 1
	hot   [][]entry
	cold  [][]coldEntry
	n     int
	seed  [2]uint64
}

// convKey is what flows are added up by as they are read: the source's
// system and the destination address. Neither the source address nor the
// ports are part of it: every client of one system talking to one address
// is one entry, which keeps the table as small as systems × destinations
// however many connections a log holds.
type convKey struct {
	dst [16]byte // As16: no pointer, so hashing and GC skip the Addr's zone
	sys int32
}

// entry is what adding a flow touches: the key and the counts (96 bytes).
type entry struct {
	bytesOut, bytesIn, pktsOut, pktsIn, flows uint64
	rejected                                  uint64
	first, last                               int64 // Unix nanoseconds; 0 when unknown
	key                                       convKey
	ports                                     [4]uint16 // the first ports seen; more go to the cold part
	protos                                    [2]uint8
}

// coldEntry is the rest of an entry, touched when it is added and when a
// flow brings something the entry cannot hold inline.
type coldEntry struct {
	src, dst netip.Addr // the first seen (dst with its zone, if any)
	where    egress.Location
	more     *extra
}

// extra holds what is rarely there: ports and protocols past the inline
// ones, and names.
type extra struct {
	ports  []uint16
	protos []uint8
	names  []egress.Name
}

const (
	chunkBits  = 12
	chunkSize  = 1 << chunkBits
	firstSlots = 1 << 12
)

func newConvTable() *convTable {
	return &convTable{slots: fresh[uint64](firstSlots), seed: [2]uint64{rand.Uint64() | 1, rand.Uint64() | 1}}
}

func (t *convTable) hash(k *convKey) uint64 {
	lo := binary.LittleEndian.Uint64(k.dst[:8]) ^ t.seed[0]
	hi := binary.LittleEndian.Uint64(k.dst[8:]) ^ t.seed[1] ^ uint64(uint32(k.sys))<<17
	h, l := bits.Mul64(lo, hi^0x9e3779b97f4a7c15)
	return h ^ l
}

func (t *convTable) at(i int32) *entry { return &t.hot[i>>chunkBits][i&(chunkSize-1)] }

func (t *convTable) coldAt(i int32) *coldEntry { return &t.cold[i>>chunkBits][i&(chunkSize-1)] }

// get returns the entry of k (whose hash is h) and its number, adding a zero entry when
// absent (and reporting so).
func (t *convTable) get(k *convKey, h uint64) (e *entry, i int32, added bool) {
	tag := h >> 32
	mask := uint64(len(t.slots) - 1)
	for s := h & mask; ; s = (s + 1) & mask {
		v := t.slots[s]
		if v == 0 {
			if 2*(t.n+1) > len(t.slots) {
				t.grow()
				return t.get(k, h)
			}
			i = int32(t.n)
			if t.n&(chunkSize-1) == 0 {
				t.hot = append(t.hot, make([]entry, chunkSize))
				t.cold = append(t.cold, make([]coldEntry, chunkSize))
			}
			t.n++
			t.slots[s] = tag<<32 | uint64(i+1)
			e = t.at(i)
			e.key = *k
			return e, i, true
		}
		if v>>32 == tag {
			i = int32(uint32(v) - 1)
			if e = t.at(i); e.key == *k {
				return e, i, false
			}
		}
	}
}

// lookup returns the entry of k (whose hash is h) and its number, or nil.
func (t *convTable) lookup(k *convKey, h uint64) (*entry, int32) {
	tag := h >> 32
	mask := uint64(len(t.slots) - 1)
	for s := h & mask; ; s = (s + 1) & mask {
		v := t.slots[s]
		if v == 0 {
			return nil, -1
		}
		if v>>32 == tag {
			i := int32(uint32(v) - 1)
			if e := t.at(i); e.key == *k {
				return e, i
			}
		}
	}
}

func (t *convTable) grow() {
	t.slots = fresh[uint64](2 * len(t.slots))
	mask := uint64(len(t.slots) - 1)
	for i := range int32(t.n) {
		h := t.hash(&t.at(i).key)
		s := h & mask
		for t.slots[s] != 0 {
			s = (s + 1) & mask
		}
		t.slots[s] = h>>32<<32 | uint64(i+1)
	}
}

// srcCache maps source addresses to their system's index: a flow log
// repeats a few thousand clients millions of times, and this small
// open-addressing table answers in one probe where a map of netip.Addr
// hashed the whole value each time.
type srcCache struct {
	slots []srcSlot
	n     int
	seed  uint64
}

type srcSlot struct {
	addr netip.Addr
	sys  int32
	used bool
}

func (c *srcCache) slot(a netip.Addr) uint64 {
	b := a.As16()
	lo, hi := binary.LittleEndian.Uint64(b[:8]), binary.LittleEndian.Uint64(b[8:])
	h, l := bits.Mul64(lo^c.seed, hi^0x9e3779b97f4a7c15)
	return (h ^ l) & uint64(len(c.slots)-1)
}

// get returns a's system, if cached.
func (c *srcCache) get(a netip.Addr) (int32, bool) {
	if len(c.slots) == 0 {
		return 0, false
	}
	mask := uint64(len(c.slots) - 1)
	for s := c.slot(a); ; s = (s + 1) & mask {
		e := &c.slots[s]
		if !e.used {
			return 0, false
		}
		if e.addr == a {
			return e.sys, true
		}
	}
}

// put caches a's system; a must not be cached already.
func (c *srcCache) put(a netip.Addr, sys int32) {
	if 2*(c.n+1) > len(c.slots) {
		old := c.slots
		c.slots = make([]srcSlot, max(1024, 2*len(old)))
		if c.seed == 0 {
			c.seed = rand.Uint64() | 1
		}
		c.n = 0
		for i := range old {
			if old[i].used {
				c.put(old[i].addr, old[i].sys)
			}
		}
	}
	mask := uint64(len(c.slots) - 1)
	s := c.slot(a)
	for c.slots[s].used {
		s = (s + 1) & mask
	}
	c.slots[s] = srcSlot{addr: a, sys: sys, used: true}
	c.n++
}

// fresh is make([]T, n) for memory that is read before it is written:
// it is written first. Memory the runtime has just taken from the system
// is not written by make; a page of it first read is mapped to the
// system's page of zeros, and the write that follows faults again to copy
// it, and makes every core running the process flush that mapping from
// its TLB (an interrupt each). Writing first takes one fault a page.
func fresh[T any](n int) []T {
	s := make([]T, n)
	clear(s)
	return s
}
