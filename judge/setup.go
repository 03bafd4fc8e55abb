package judge

import (
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/policy"
	"github.com/embargo-dev/embargo/policy/systems"
	"github.com/embargo-dev/embargo/policy/waivers"
)

// Source is what a policy is set up from, as its owner holds it: the
// command line's files, or the fleet server's store. Each file is given
// as its name (for errors and reports) and its bytes.
type Source struct {
	// Register is the systems register; none when RegisterName is empty.
	RegisterName string
	RegisterData []byte
	// Packs names the packs: built-in ids, "all", or pack files read
	// through ReadPack (nil: built-in packs only).
	Packs    []string
	ReadPack func(name string) ([]byte, error)
	// Builtin are the built-in packs names resolve in: an installed data
	// feed's; nil: the binary's.
	Builtin []*policy.Pack
	// Waivers is the waivers file; none when WaiversName is empty.
	WaiversName string
	WaiversData []byte
}

// Policy is a policy set up: the register (nil without one) and its
// scale of classifications, the engine (nil without packs) and the
// waivers (nil without a file).
type Policy struct {
	Register *systems.Register
	Scale    systems.Scale
	Engine   *policy.Engine
	Waivers  *waivers.Set
}

// Setup loads src against cat, checking everything before anything is
// judged: the command line and the fleet server set their policy up
// alike.
func Setup(cat *catalog.Catalog, src Source) (*Policy, error) {
	p := &Policy{Scale: systems.UKScale()}
	var err error
	if src.RegisterName != "" {
		if p.Register, err = systems.Load(src.RegisterName, src.RegisterData); err != nil {
			return nil, err
		}
		p.Scale = p.Register.Scale
	}
	if len(src.Packs) > 0 {
		packs, err := policy.ResolveIn(src.Builtin, src.Packs, src.ReadPack, cat)
		if err != nil {
			return nil, err
		}
		if p.Engine, err = policy.NewEngine(cat, p.Scale, packs...); err != nil {
			return nil, err
		}
	}
	if src.WaiversName != "" {
		if p.Waivers, err = waivers.Load(src.WaiversName, src.WaiversData); err != nil {
			return nil, err
		}
	}
	return p, nil
}
