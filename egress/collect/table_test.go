package collect

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"
)

// Every key added is found again, with its number, across the index's
// growth; a key not added is not.
func TestConvTableGrows(t *testing.T) {
	tab := newConvTable()
	rng := rand.New(rand.NewPCG(4, 2))
	keys := make([]convKey, 300_000)
	for i := range keys {
		binary.LittleEndian.PutUint64(keys[i].dst[:8], rng.Uint64())
		binary.LittleEndian.PutUint64(keys[i].dst[8:], rng.Uint64()&0xff) // most bits alike
		keys[i].sys = int32(rng.IntN(3))
		if _, n, added := tab.get(&keys[i], tab.hash(&keys[i])); !added || n != int32(i) {
			t.Fatalf("key %d: number %d, added %v", i, n, added)
		}
	}
	for i := range keys {
		h := tab.hash(&keys[i])
		if _, n, added := tab.get(&keys[i], h); added || n != int32(i) {
			t.Fatalf("key %d again: number %d, added %v", i, n, added)
		}
		if e, n := tab.lookup(&keys[i], h); e == nil || n != int32(i) {
			t.Fatalf("lookup of key %d: %d", i, n)
		}
	}
	absent := keys[0]
	absent.sys = 7
	if e, _ := tab.lookup(&absent, tab.hash(&absent)); e != nil {
		t.Errorf("a key never added was found")
	}
	if len(tab.slots) != 1<<20 || tab.n != len(keys) {
		t.Errorf("%d slots, %d entries", len(tab.slots), tab.n)
	}
}
