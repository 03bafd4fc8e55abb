package policy

import (
	"fmt"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/policy/systems"
)

// ExampleResult is the outcome of one example of a pack.
type ExampleResult struct {
	Example  Example
	Findings []Finding // the pack's findings for the example
	// Problem, when set, says how the example failed.
	Problem string
}

// Failed reports whether the example did not come out as stated.
func (r ExampleResult) Failed() bool { return r.Problem != "" }

// RunExamples evaluates the examples of pack p, which the engine must
// have been built with, through the same path as a scan: each example
// becomes a system, an item and an attribution built from the catalogue
// (suppliers and products not in the catalogue are made up from the
// example's fields).
func (e *Engine) RunExamples(p *Pack) []ExampleResult {
	var out []ExampleResult
	for _, x := range p.Examples {
		r := ExampleResult{Example: x}
		sys, it, at, err := e.exampleInput(x)
		if err != nil {
			r.Problem = fmt.Sprintf("%s: example %q: %v", x.Pos, x.Name, err)
			out = append(out, r)
			continue
		}
		strongest := Effect("")
		var fs []Finding
		if x.Flow != nil {
			fs = e.EvaluateFlow(sys, exampleFlow(x, at), at, "example")
		} else {
			fs = e.Evaluate(sys, it, at)
		}
		for _, f := range fs {
			if f.Pack != p.ID {
				continue
			}
			r.Findings = append(r.Findings, f)
			if f.Error != "" {
				r.Problem = fmt.Sprintf("%s: example %q: rule %q: %s", x.Pos, x.Name, f.Rule, f.Error)
			}
			if f.Effect.Rank() > strongest.Rank() {
				strongest = f.Effect
			}
		}
		switch {
		case r.Problem != "":
		case x.Expect == Caught && len(r.Findings) == 0:
			r.Problem = fmt.Sprintf("%s: example %q: expected to be caught, but no rule matched", x.Pos, x.Name)
		case x.Expect == Pass && len(r.Findings) > 0:
			r.Problem = fmt.Sprintf("%s: example %q: expected to pass, but rule %q matched", x.Pos, x.Name, r.Findings[0].Rule)
		case x.Effect != "" && x.Effect != strongest:
			r.Problem = fmt.Sprintf("%s: example %q: expected effect %s, got %s", x.Pos, x.Name, x.Effect, strongest)
		}
		out = append(out, r)
	}
	return out
}

func (e *Engine) exampleInput(x Example) (systems.System, *inventory.Item, *attribute.Attribution, error) {
	sys, err := systems.OneOff(e.scale, x.Classification, x.Tags)
	if err != nil {
		return sys, nil, nil, err
	}
	sys.ID = "example"
	typ := x.ItemType
	switch {
	case typ != "":
	case x.DeviceType != "":
		typ = inventory.Device
	default:
		typ = inventory.Application
	}
	it := &inventory.Item{Type: typ, Name: x.ItemName, DependencyPath: x.DependencyPath}
	it.Add(inventory.DeviceType, x.DeviceType)
	for _, t := range x.ItemTags {
		it.Add(inventory.Tag, t)
	}
	it.SetID()
	if x.SupplierID == "" && x.ProductID == "" {
		return sys, it, nil, nil
	}
	var prod *catalog.Product
	if x.ProductID != "" {
		prod = e.cat.Product(x.ProductID)
		if prod == nil {
			prod = &catalog.Product{ID: x.ProductID, Name: x.ProductID, Supplier: x.SupplierID, Category: x.Category, Tier: x.ProductTier}
			if prod.Tier == "" {
				prod.Tier = catalog.TierProduct
			}
		} else if x.ProductTier != "" && x.ProductTier != prod.Tier {
			return sys, it, nil, fmt.Errorf("product %q has tier %q in the catalogue, not %q", prod.ID, prod.Tier, x.ProductTier)
		} else if x.Category != "" && x.Category != prod.Category {
			return sys, it, nil, fmt.Errorf("product %q has category %q in the catalogue, not %q", prod.ID, prod.Category, x.Category)
		}
		if x.SupplierID == "" {
			x.SupplierID = prod.Supplier
		}
	}
	ent := e.cat.Entity(x.SupplierID)
	if ent == nil {
		if x.Country == "" {
			return sys, it, nil, fmt.Errorf("supplier %q is not in the catalogue; give its controlling_country", x.SupplierID)
		}
		ent = &catalog.Entity{ID: x.SupplierID, Name: x.SupplierID, Country: catalog.Country{Code: x.Country}}
	}
	at := &attribute.Attribution{Candidate: attribute.Candidate{Product: prod, Entity: ent}, Tier: x.Tier, Chain: e.cat.Chain(ent)}
	if at.Tier == "" {
		at.Tier = catalog.TierProduct
		if prod != nil {
			at.Tier = prod.Tier
		}
	}
	if x.Country != "" && at.Chain.Country != x.Country {
		return sys, it, nil, fmt.Errorf("supplier %q is controlled from %q in the catalogue, not %q", ent.ID, at.Chain.Country, x.Country)
	}
	return sys, it, at, nil
}

// exampleFlow is the traffic of a flow example: to the supplier when it
// has one, otherwise to the registered country.
func exampleFlow(x Example, at *attribute.Attribution) *FlowVars {
	f := &FlowVars{RegisteredCountry: x.Flow.RegisteredCountry, ControllingCountry: x.Flow.RegisteredCountry,
		BytesOut: x.Flow.BytesOut, Names: x.Flow.Names, Flows: 1, Ports: []int64{443}}
	if at != nil && at.Entity != nil {
		f.Destination, f.ControllingCountry = at.Entity.ID, at.Chain.Country
	}
	return f
}
