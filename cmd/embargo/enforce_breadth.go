package main

import (
	"fmt"
	"strings"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/enforce"
	"github.com/embargo-dev/embargo/policy"
)

// enforceChooser is what `embargo enforce` blocks: without packs,
// everything; with packs, what they flag on the one-off system that
// --classification and --tag describe, loaded as scan and flows load it.
func enforceChooser(cat *catalog.Catalog, policies []string, classification string, tags []string) (enforce.Chooser, error) {
	if len(policies) == 0 {
		return enforce.Everything{}, nil
	}
	ps, err := loadPolicy(cat, policyFlags{policies: policies, classify: classification, tags: tags,
		failOn: string(policy.Prohibit), what: "systems the artefact protects"})
	if err != nil {
		return nil, err
	}
	return enforce.NewJudgement(ps.Engine, ps.OneOff), nil
}

// breadthMax bounds the networks and names listed one by one.
const breadthMax = 40

// breadthLines say on standard error what a broad block catches: every
// catalogued entity when broad (no --policy), whatever instrument
// restricts it; the networks blocked whole, with every service on them,
// and the hosting networks included or set aside; and how to narrow it.
// Only what the artefact format blocks is described.
func breadthLines(cat *catalog.Catalog, t *enforce.Targets, format string, broad bool) []string {
	var out []string
	if broad {
		out = append(out, fmt.Sprintf("embargo: warning: no --policy: blocking every catalogued entity (%d entities), whatever instrument restricts it, if any.", len(t.Entities)))
	} else {
		out = append(out, "embargo: warning: --include-hosting: blocking the networks the chosen entities run for others too.")
	}
	entityOf := asnEntities(cat)
	asns := func(ns []uint32) string {
		parts := make([]string, 0, min(len(ns), breadthMax)+1)
		for i, n := range ns {
			if i == breadthMax {
				parts = append(parts, fmt.Sprintf("and %d more", len(ns)-breadthMax))
				break
			}
			parts = append(parts, fmt.Sprintf("AS%d (%s)", n, orDash(entityOf[n])))
		}
		return strings.Join(parts, ", ")
	}
	hosting := hostingASNs(cat)
	networks := format == "nftables" || format == "suricata"
	names := format == "rpz" || format == "hosts" || format == "suricata"
	if networks && len(t.ASNs) > 0 {
		out = append(out, fmt.Sprintf("  Networks dropped whole (%d prefixes of %d ASNs): %s.", len(t.Prefixes), len(t.ASNs), asns(t.ASNs)))
		out = append(out, "  A network is blocked with everything on it: services that other organisations run there (a cloud's or a carrier's customers, sites the entity hosts) are blocked too.")
		var inc []uint32
		for _, n := range t.ASNs {
			if hosting[n] {
				inc = append(inc, n)
			}
		}
		if len(inc) > 0 {
			out = append(out, fmt.Sprintf("  Hosting networks included, every customer's service on them blocked: %s.", asns(inc)))
		}
	}
	if names && len(t.Domains) > 0 {
		sub := 0
		for _, d := range t.Domains {
			if d.Subtree {
				sub++
			}
		}
		out = append(out, fmt.Sprintf("  Names blocked: %d, %d of them with every name below them (a customer's site under the entity's domain too).", len(t.Domains), sub))
	}
	if n := len(t.HostingASNs) + len(t.HostingDomains); n > 0 && (networks || names) {
		out = append(out, fmt.Sprintf("  Set aside: %d hosting networks and names the entities run for others (%s); --include-hosting blocks them, with every customer's service.", n, asns(t.HostingASNs)))
	}
	if format == "applocker" {
		out = append(out, fmt.Sprintf("  Publishers denied: those of %d entities; every program they sign is denied, not only a restricted product.", len(t.Entities)))
	}
	if broad {
		out = append(out, "  To block only what an instrument restricts: --policy PACK ('embargo policy list'), with --classification and --tag as for 'embargo scan --policy'.")
	}
	return out
}

// hostingASNs are the ASNs the catalogue marks as networks run for
// others (tier hosting).
func hostingASNs(cat *catalog.Catalog) map[uint32]bool {
	out := map[uint32]bool{}
	for _, e := range cat.Entities {
		for i := range e.Identifiers {
			id := &e.Identifiers[i]
			var n uint32
			if id.Kind == catalog.ASN && id.TierOf() == catalog.TierHosting {
				if _, err := fmt.Sscanf(strings.ToUpper(id.Value), "AS%d", &n); err == nil {
					out[n] = true
				}
			}
		}
	}
	return out
}
