package main

import (
	"errors"
	"fmt"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/judge"
	"github.com/embargo-dev/embargo/policy"
	"github.com/embargo-dev/embargo/policy/systems"
	"github.com/embargo-dev/embargo/policy/waivers"
)

// policySetup is what the judging flags of scan and flows load, all of it
// checked before any input is read.
type policySetup struct {
	// Register is the --systems register; nil when OneOff describes the
	// one target (or the one source) on the command line.
	Register *systems.Register
	OneOff   systems.System
	Engine   *policy.Engine // nil when no pack was chosen
	Waivers  *waivers.Set   // nil when no file was given
	FailOn   policy.Effect
}

// policyFlags are the flags loadPolicy reads.
type policyFlags struct {
	policies              []string
	systems, classify     string
	tags                  []string
	waivers, failOn, what string // what the one-off describes: "target", "sources"
}

func loadPolicy(cat *catalog.Catalog, fl policyFlags) (*policySetup, error) {
	s := &policySetup{FailOn: policy.Effect(fl.failOn)}
	if s.FailOn.Rank() == 0 {
		return nil, fmt.Errorf("--fail-on %q: want prohibit, remove-by or warn", fl.failOn)
	}
	if fl.systems != "" && (fl.classify != "" || len(fl.tags) > 0) {
		return nil, fmt.Errorf("--classification and --tag describe a one-off %s; with --systems, give the default for what the register does not list in the register", fl.what)
	}
	if len(fl.policies) == 0 && fl.waivers != "" {
		return nil, errors.New("--waivers excuse findings of a policy: give --policy too")
	}
	src := judge.Source{Packs: fl.policies, ReadPack: readBounded}
	var err error
	if src.Builtin, err = packsInUse(); err != nil {
		return nil, err
	}
	if fl.systems != "" {
		if src.RegisterData, err = readBounded(fl.systems); err != nil {
			return nil, err
		}
		src.RegisterName = fl.systems
	}
	if fl.waivers != "" {
		if src.WaiversData, err = readBounded(fl.waivers); err != nil {
			return nil, err
		}
		src.WaiversName = fl.waivers
	}
	p, err := judge.Setup(cat, src)
	if err != nil {
		return nil, err
	}
	s.Register, s.Engine, s.Waivers = p.Register, p.Engine, p.Waivers
	if p.Register == nil {
		if s.OneOff, err = systems.OneOff(p.Scale, fl.classify, fl.tags); err != nil {
			return nil, fmt.Errorf("describing the %s: %w", fl.what, err)
		}
	}
	return s, nil
}
