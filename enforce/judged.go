package enforce

import (
	"strconv"
	"strings"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/policy"
	"github.com/embargo-dev/embargo/policy/systems"
)

// Judgement chooses what policy packs flag, by the judgement a scan or a
// flows run makes with the same packs, on the same system: an identifier
// is blocked when an item it would identify, found on the system, gives
// any finding of the packs (what `embargo scan --policy` flags there,
// whatever its effect), or, for a domain or an ASN, when traffic from
// the system to it would (what `embargo flows --policy` flags).
//
// The item a Subject stands for is what attribution makes of a match of
// the identifier: the product (or, for an identifier or a name of the
// entity as a whole, the entity with no product) at the identifier's
// tier, as an application, or as a library at the embedded tier. The
// traffic is to the entity, at the hosting tier for a hosting network and
// the product tier otherwise, registered in the entity's country, and
// large: a rule that flags traffic only above a volume flags it here,
// since a block is in place before the volume is reached.
//
// A rule that cannot be decided gives a finding that flags, as in a
// scan: what cannot be decided is never compliant.
type Judgement struct {
	cat    *catalog.Catalog
	engine *policy.Engine
	sys    systems.System
	items  *policy.SystemEvaluator
	flows  bool // some rule reads flow
	memo   map[judgedKey]bool
}

// judgedKey is what an item's judgement depends on.
type judgedKey struct {
	entity, product string
	tier            catalog.Tier
}

// judgedVolume is the traffic a destination is judged with: past any
// threshold a pack sets (1 TiB out and in, a million flows).
const (
	judgedVolume = 1 << 40
	judgedFlows  = 1 << 20
)

// NewJudgement returns the Judgement of engine's packs on sys.
func NewJudgement(engine *policy.Engine, sys systems.System) *Judgement {
	return &Judgement{cat: engine.Catalog(), engine: engine, sys: sys, items: engine.ForSystem(sys),
		flows: engine.FlowRules(), memo: map[judgedKey]bool{}}
}

// Blocks implements Chooser.
func (j *Judgement) Blocks(s Subject) bool {
	if s.Entity == nil {
		return false
	}
	if j.Item(s) {
		return true
	}
	return s.Network() && j.flows && j.Traffic(s)
}

// Item reports whether an item that s's identifier identifies, found on
// the system, gives a finding.
func (j *Judgement) Item(s Subject) bool {
	k := judgedKey{entity: s.Entity.ID, tier: s.Tier}
	if s.Product != nil {
		k.product = s.Product.ID
	}
	if v, ok := j.memo[k]; ok {
		return v
	}
	it, at := j.item(s)
	flagged := len(j.items.Evaluate(it, at)) > 0
	j.memo[k] = flagged
	return flagged
}

// item is the item and attribution s stands for, as attribution makes
// them (attribute.tierOf): the identifier's tier, else the product's,
// else the entity's product, or its embedded code for a library.
func (j *Judgement) item(s Subject) (*inventory.Item, *attribute.Attribution) {
	tier := s.Tier
	if tier == "" && s.Product != nil {
		tier = s.Product.Tier
	}
	if tier == "" {
		tier = catalog.TierProduct
	}
	it := &inventory.Item{Type: inventory.Application, Name: s.Entity.Name}
	if tier == catalog.TierEmbedded {
		it.Type = inventory.Library
	}
	if s.Product != nil {
		it.Name = s.Product.Name
	}
	it.SetID()
	at := &attribute.Attribution{Candidate: attribute.Candidate{Product: s.Product, Entity: s.Entity}, Tier: tier, Chain: j.cat.Chain(s.Entity)}
	return it, at
}

// BlocksItem implements ItemChooser: whether the item, found on the
// system and attributed as at, gives a finding.
func (j *Judgement) BlocksItem(it *inventory.Item, at *attribute.Attribution) bool {
	return len(j.items.Evaluate(it, at)) > 0
}

// Traffic reports whether traffic from the system to s (a domain or an
// ASN) gives a finding. Traffic is attributed to entities, never to
// products: a product's domain is its supplier's destination.
func (j *Judgement) Traffic(s Subject) bool {
	chain := j.cat.Chain(s.Entity)
	tier := catalog.TierProduct
	if s.Tier == catalog.TierHosting {
		tier = catalog.TierHosting
	}
	fv := &policy.FlowVars{Destination: s.Entity.ID, Tier: string(tier), ControllingCountry: chain.Country,
		RegisteredCountry: s.Entity.Country.Code, ASOrgs: []string{s.Entity.Name}, Ports: []int64{443},
		BytesOut: judgedVolume, BytesIn: judgedVolume, PacketsOut: judgedVolume >> 10, PacketsIn: judgedVolume >> 10, Flows: judgedFlows}
	switch s.Kind {
	case catalog.Domain:
		if s.Value != "" {
			fv.Names = []string{strings.TrimPrefix(strings.ToLower(s.Value), "*.")}
		}
	case catalog.ASN:
		if n, err := strconv.ParseUint(strings.TrimPrefix(strings.ToUpper(s.Value), "AS"), 10, 32); err == nil {
			fv.ASNs = []int64{int64(n)}
		}
	}
	at := &attribute.Attribution{Candidate: attribute.Candidate{Entity: s.Entity}, Tier: tier, Chain: chain}
	return len(j.engine.EvaluateFlow(j.sys, fv, at, "entity:"+s.Entity.ID)) > 0
}

// Note implements Chooser.
func (j *Judgement) Note() string {
	var ids []string
	for _, p := range j.engine.Packs() {
		ids = append(ids, p.ID)
	}
	what := "what the pack " + strings.Join(ids, "") + " flags"
	if len(ids) != 1 {
		what = "what the packs " + strings.Join(ids, ", ") + " flag"
	}
	sys := "a system classified " + orUnknown(j.sys.Classification)
	if len(j.sys.Tags) > 0 {
		sys += " and tagged " + strings.Join(j.sys.Tags, ", ")
	}
	return what + " on " + sys
}
