package collect

import (
	"runtime"
	"sync"

	"github.com/embargo-dev/embargo/attribute/destination"
)

// finishBlock is how many conversations Finish attributes at a time: a
// block is written out, named and looked up in the IP data on every
// core, then attributed and aggregated in order on one, while the cores
// work on the next.
const finishBlock = 8192

// netMemo is NetOf's answer for an ASN and organisation.
type netMemo struct {
	org string
	hit destination.Net
}

// attributed is a conversation with what the cores worked out for it.
type attributed struct {
	cv   Conversation
	info destination.AddrInfo
	net  destination.Net
}

// attributeAll attributes and aggregates every conversation collected,
// in the order first seen. What depends on that order (the attributor's
// caches, the aggregates' lists of first values) is done in order; the
// rest, the most of the work at hundreds of thousands of destinations,
// on every core.
func (j *Aggregator) attributeAll() {
	c := j.coll
	n := c.Len()
	workers := runtime.GOMAXPROCS(0)
	if workers == 1 || n < 2*finishBlock {
		c.EachConversation(j.judgeOne)
		return
	}
	// Two blocks: the cores fill the next while the last is aggregated.
	bufs := [2][]attributed{fresh[attributed](min(n, finishBlock)), fresh[attributed](min(n, finishBlock))}
	// Each worker's cache of netOf, by ASN (an ASN's organisation is
	// compared, not hashed: the strings are the IP data's own).
	nets := make([]map[uint32]netMemo, workers)
	for w := range nets {
		nets[w] = map[uint32]netMemo{}
	}
	fill := func(start int, block []attributed) *sync.WaitGroup {
		var wg sync.WaitGroup
		per := (len(block) + workers - 1) / workers
		for w := range workers {
			lo, hi := w*per, min((w+1)*per, len(block))
			if lo >= hi {
				continue
			}
			wg.Go(func() {
				for k := lo; k < hi; k++ {
					b := &block[k]
					c.conversationAt(int32(start+k), &b.cv)
					b.info = j.attr.Lookup(b.cv.Dst.Unmap())
					m, ok := nets[w][b.info.ASN]
					if !ok || m.org != b.info.ASOrg {
						m = netMemo{b.info.ASOrg, j.attr.NetOf(b.info)}
						if len(nets[w]) < destination.MaxNameCache {
							nets[w][b.info.ASN] = m
						}
					}
					b.net = m.hit
				}
			})
		}
		return &wg
	}
	blockAt := func(start, k int) []attributed { return bufs[k][:min(finishBlock, n-start)] }
	filling := fill(0, blockAt(0, 0))
	for start, k := 0, 0; start < n; start, k = start+finishBlock, 1-k {
		filling.Wait()
		if next := start + finishBlock; next < n {
			filling = fill(next, blockAt(next, 1-k))
		}
		block := blockAt(start, k)
		for i := range block {
			b := &block[i]
			s := j.systems[b.cv.Sys]
			d := j.attribute(b.cv.Dst, b.info, b.cv.Names, &b.net)
			j.agg.add(s.sys, !s.registered, &d, &b.cv)
		}
	}
}
