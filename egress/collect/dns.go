package collect

import (
	"net/netip"
	"time"

	"github.com/embargo-dev/embargo/egress"
)

// DNSGrace is how long after an answer's TTL ends a conversation may
// still be named by it: clients and resolvers keep addresses somewhat
// past their TTL, and logs' clocks differ by seconds.
const DNSGrace = 5 * time.Minute

// dnsIndex keeps the DNS answers seen, by (client, address) and by
// address alone, to name conversations afterwards.
type dnsIndex struct {
	max      int
	n        int
	byClient map[[2]netip.Addr][]answer
	byAddr   map[netip.Addr][]answer
}

type answer struct {
	name        string
	from, until time.Time
}

// maxAnswersPerKey bounds the names kept for one address (CDN addresses
// serve thousands of names).
const maxAnswersPerKey = 8

func newDNSIndex(max int) dnsIndex {
	return dnsIndex{max: max, byClient: map[[2]netip.Addr][]answer{}, byAddr: map[netip.Addr][]answer{}}
}

// add keeps a; it reports false when the index is full.
func (x *dnsIndex) add(a *egress.DNSAnswer) bool {
	if !a.Addr.IsValid() || a.Name == "" {
		return true
	}
	addr := a.Addr.Unmap()
	an := answer{name: a.Name, from: a.Time, until: a.Time.Add(a.TTL)}
	if !x.put(x.byAddr, addr, an) {
		return false
	}
	if a.Client.IsValid() {
		k := [2]netip.Addr{a.Client.Unmap(), addr}
		x.put2(k, an)
	}
	return true
}

func (x *dnsIndex) put(m map[netip.Addr][]answer, k netip.Addr, an answer) bool {
	as, ok := m[k]
	if !ok && x.n >= x.max {
		return false
	}
	m[k] = merge(as, an, &x.n)
	return true
}

func (x *dnsIndex) put2(k [2]netip.Addr, an answer) {
	as, ok := x.byClient[k]
	if !ok && x.n >= x.max {
		return
	}
	x.byClient[k] = merge(as, an, &x.n)
}

// merge adds an to as: the same name widens its validity; a new name is
// added while there is room.
func merge(as []answer, an answer, n *int) []answer {
	for i := range as {
		if as[i].name == an.name {
			if an.from.Before(as[i].from) {
				as[i].from = an.from
			}
			if an.until.After(as[i].until) {
				as[i].until = an.until
			}
			return as
		}
	}
	if len(as) >= maxAnswersPerKey {
		return as
	}
	*n++
	return append(as, an)
}

// name adds to cv the names its first client resolved for its
// destination while it was active, or, when that client's own answers are
// not known, the names anyone resolved to that address then. (Entries are
// per system and address, so the first client stands for the system's.)
func (x *dnsIndex) name(cv *Conversation) {
	if x.n == 0 {
		return // a conn.log alone: no lookups for each conversation
	}
	as, ok := x.byClient[[2]netip.Addr{cv.Src, cv.Dst}]
	if !ok {
		as = x.byAddr[cv.Dst]
	}
	for _, a := range as {
		if len(cv.Names) >= maxConvNames+2 {
			return
		}
		if overlaps(a, cv.First, cv.Last) && !hasName(cv.Names, a.name) {
			cv.Names = append(cv.Names, egress.Name{Name: a.name, Via: egress.ViaDNS})
		}
	}
}

// overlaps reports whether a was valid at some time between first and
// last (with DNSGrace); unknown times overlap everything.
func overlaps(a answer, first, last time.Time) bool {
	if a.from.IsZero() || first.IsZero() {
		return true
	}
	if last.IsZero() {
		last = first
	}
	return !a.from.After(last.Add(time.Minute)) && !a.until.Add(DNSGrace).Before(first)
}
