package enforce

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/embargo-dev/embargo/inventory"
)

// Quarantined is the address of a piece of equipment a scan found and
// attributed to a blocked entity: a camera, recorder, router or drone
// station on the network, whose traffic an nftables quarantine set
// isolates (issue 18). Name and Where say what it is and where the scan
// saw it, for the set's comments.
type Quarantined struct {
	Addr   netip.Addr
	Entity string
	Name   string
	Where  string
}

// AddQuarantine adds the addresses of the equipment (items of type
// device with an IP attribute) that the scan report (-o json) named name
// attributed to a blocked entity, or to one a blocked entity controls;
// it returns how many were added. Addresses are the report's: equipment
// that moves (DHCP) must be scanned again before the set is loaded.
func (t *Targets) AddQuarantine(name string, report []byte) (int, error) {
	items, err := scanItems(name, report)
	if err != nil {
		return 0, err
	}
	added := 0
	for _, it := range items {
		if it.Type != inventory.Device {
			continue
		}
		entity, ok := t.blockedEntity(&it.Item, it.Attribution)
		if !ok {
			continue
		}
		for _, a := range it.Attrs {
			if a.Field != inventory.IP {
				continue
			}
			addr, err := netip.ParseAddr(a.Value)
			if err != nil {
				continue
			}
			t.Quarantine = append(t.Quarantine, Quarantined{Addr: addr.Unmap(), Entity: entity, Name: it.Name, Where: name + ": " + it.Location.String()})
			added++
		}
	}
	slices.SortFunc(t.Quarantine, func(a, b Quarantined) int { return a.Addr.Compare(b.Addr) })
	t.Quarantine = slices.CompactFunc(t.Quarantine, func(a, b Quarantined) bool { return a.Addr == b.Addr })
	return added, nil
}

// quarantineSets splits the quarantined addresses by family.
func quarantineSets(q []Quarantined) (v4, v6 []Quarantined) {
	for _, x := range q {
		if x.Addr.Is4() {
			v4 = append(v4, x)
		} else {
			v6 = append(v6, x)
		}
	}
	return v4, v6
}

// writeQuarantine writes the quarantine sets and the chain that isolates
// them: nothing from or to a quarantined address is forwarded or sent
// from this host. It writes nothing when no address is quarantined.
func writeQuarantine(tw *textWriter, q []Quarantined, action string) {
	if len(q) == 0 {
		return
	}
	v4, v6 := quarantineSets(q)
	for _, s := range []struct {
		name, typ string
		xs        []Quarantined
	}{{"quarantine_v4", "ipv4_addr", v4}, {"quarantine_v6", "ipv6_addr", v6}} {
		tw.printf("\n\tset %s {\n\t\ttype %s\n", s.name, s.typ)
		tw.printf("\t\tcomment %s\n", nftString(fmt.Sprintf("embargo: %d devices of restricted suppliers found by a scan", len(s.xs))))
		if len(s.xs) > 0 {
			tw.printf("\t\telements = {\n")
			for _, x := range s.xs {
				tw.printf("\t\t\t%s comment %s,\n", x.Addr, nftString(x.Entity+": "+x.Name+" ("+x.Where+")"))
			}
			tw.printf("\t\t}\n")
		}
		tw.printf("\t}\n")
	}
	for _, hook := range []string{"forward", "output", "input"} {
		tw.printf("\n\tchain quarantine_%s {\n\t\ttype filter hook %s priority filter - 1; policy accept;\n", hook, hook)
		tw.printf("\t\tip saddr @quarantine_v4 counter %s comment \"embargo: quarantined device\"\n", action)
		tw.printf("\t\tip daddr @quarantine_v4 counter %s comment \"embargo: quarantined device\"\n", action)
		tw.printf("\t\tip6 saddr @quarantine_v6 counter %s comment \"embargo: quarantined device\"\n", action)
		tw.printf("\t\tip6 daddr @quarantine_v6 counter %s comment \"embargo: quarantined device\"\n", action)
		tw.printf("\t}\n")
	}
}
