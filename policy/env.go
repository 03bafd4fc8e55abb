package policy

import (
	"fmt"
	"reflect"
	"strings"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/ext"
	"gopkg.in/yaml.v3"

	"github.com/embargo-dev/embargo/policy/systems"
)

// The variables a rule reads. They are Go structs exposed to CEL with
// their fields named by the cel tags, so a misspelt field
// ("system.clasification") fails the type check when the pack is loaded
// instead of silently evaluating to false.

// SystemVars is `system`: the system the host belongs to.
type SystemVars struct {
	ID             string `cel:"id"`
	Classification string `cel:"classification"`
	// Rank is the classification's position on the register's scale,
	// lowest 0; -1 when the classification is not on the scale.
	Rank       int64    `cel:"classification_rank"`
	Tags       []string `cel:"tags"`
	Department string   `cel:"department"`
}

// ItemVars is `item`: the software or equipment found.
type ItemVars struct {
	Name      string `cel:"name"`
	Version   string `cel:"version"`
	Type      string `cel:"type"`
	Ecosystem string `cel:"ecosystem"`
	// Tier is what the item is to its supplier (product, embedded,
	// service-client, hosting); "" when it is not attributed.
	Tier string `cel:"tier"`
	// DependencyPath is the chain of components that pulled the item in,
	// the top-level one first; empty for a top-level item.
	DependencyPath []string `cel:"dependency_path"`
	// Equipment is what the item is as equipment on the network
	// (VideoSurveillance, Telecommunications, Drone, ...; EquipmentOf):
	// "" for software and for equipment nothing classifies.
	Equipment string `cel:"equipment"`
	// Tags are the labels its source gave the item (TagsOf), such as an
	// exception claimed for it (TagS889NoUserData).
	Tags []string `cel:"tags"`
	// Config is what the item's own settings say (issue 20), by setting
	// (ConfigOf): config.ksn is "global", "private", "off" or "unknown"
	// where a collector read a product's data-sharing switch. A setting
	// not read is an absent key: rules test `"ksn" in item.config` first.
	Config map[string]string `cel:"config"`
}

// ProductVars is `product`: the catalogued product, all empty when the
// item was attributed to an entity only, or not at all.
type ProductVars struct {
	ID       string `cel:"id"`
	Name     string `cel:"name"`
	Category string `cel:"category"`
	// Tier is the product's own tier in the catalogue.
	Tier string `cel:"tier"`
}

// SupplierVars is `supplier`: the entity that supplies the product, all
// empty when the item is not attributed.
type SupplierVars struct {
	ID                 string `cel:"id"`
	Name               string `cel:"name"`
	Country            string `cel:"country"` // of incorporation
	ControllingCountry string `cel:"controlling_country"`
	// Chain is the control chain's entity ids, the supplier first.
	Chain []string `cel:"chain"`
	// Group is the ids of the supplier's corporate group: every
	// catalogued entity under the same ultimate parent (its parents,
	// subsidiaries and affiliates), for instruments that cover them.
	Group []string `cel:"group"`
	// NamedIn is the catalogue instruments that name the product or any
	// entity of the chain, sorted.
	NamedIn []string `cel:"named_in"`
}

// FlowVars is `flow`: network traffic from a system to one destination
// (a catalogued entity, or else the country the addresses are registered
// in), aggregated over the flows seen. A rule that reads flow judges
// traffic and only traffic; `supplier` is then the destination's entity.
type FlowVars struct {
	// Destination is the entity id the traffic went to, "" when the
	// destination is not a catalogued entity.
	Destination string `cel:"destination"`
	// Tier is "hosting" when the destination is a network the entity runs
	// for others (a customer's server in its cloud), "product" when it is
	// the entity's own service; "" without an entity.
	Tier string `cel:"tier"`
	// ControllingCountry is the destination entity's controlling country,
	// or the registered country when there is no entity.
	ControllingCountry string `cel:"controlling_country"`
	// RegisteredCountry is where the destination addresses are
	// registered (the most bytes' country when several).
	RegisteredCountry string   `cel:"registered_country"`
	ASNs              []int64  `cel:"asns"`
	ASOrgs            []string `cel:"as_orgs"`
	Names             []string `cel:"names"` // destination names seen (SNI, Host, DNS)
	Ports             []int64  `cel:"ports"` // destination ports
	BytesOut          int64    `cel:"bytes_out"`
	BytesIn           int64    `cel:"bytes_in"`
	PacketsOut        int64    `cel:"packets_out"`
	PacketsIn         int64    `cel:"packets_in"`
	Flows             int64    `cel:"flows"`
	// RejectedFlows are flows the source says were refused on the way
	// (VPC REJECT records): attempts, counted in Flows too.
	RejectedFlows int64 `cel:"rejected_flows"`
}

// rankFunc is the `rank(string) int` function: a level's position on the
// scale, so that rules say `system.classification_rank >= rank("SECRET")`.
func rankFunc(scale systems.Scale) cel.EnvOption {
	levels := scale.Levels()
	return cel.Function("rank",
		cel.Overload("rank_string", []*cel.Type{cel.StringType}, cel.IntType,
			cel.UnaryBinding(func(v ref.Val) ref.Val {
				s, ok := v.(types.String)
				if !ok {
					return types.MaybeNoSuchOverloadErr(v)
				}
				i, err := levelRank(scale, levels, string(s))
				if err != nil {
					return types.NewErr("%v", err)
				}
				return types.Int(i)
			})))
}

// levelRank is c's index on the scale.
func levelRank(scale systems.Scale, levels []string, c string) (int, error) {
	canon, err := scale.Canonical(c)
	if err != nil {
		return -1, err
	}
	for i, l := range levels {
		if l == canon {
			return i, nil
		}
	}
	return -1, fmt.Errorf("classification %q is not on the scale %s", c, scale)
}

// newEnv is the CEL environment of rules over scale.
func newEnv(scale systems.Scale) (*cel.Env, error) {
	return cel.NewEnv(
		ext.NativeTypes(
			reflect.TypeFor[SystemVars](), reflect.TypeFor[ItemVars](),
			reflect.TypeFor[ProductVars](), reflect.TypeFor[SupplierVars](), reflect.TypeFor[FlowVars](),
			ext.ParseStructTags(true)),
		cel.Variable("system", cel.ObjectType("policy.SystemVars")),
		cel.Variable("item", cel.ObjectType("policy.ItemVars")),
		cel.Variable("product", cel.ObjectType("policy.ProductVars")),
		cel.Variable("supplier", cel.ObjectType("policy.SupplierVars")),
		cel.Variable("flow", cel.ObjectType("policy.FlowVars")),
		rankFunc(scale),
		ext.Strings(),
	)
}

// checkEnv type-checks packs at load. The scale only matters when a
// program runs, so any scale will do here.
var checkEnv = func() *cel.Env {
	env, err := newEnv(systems.UKScale())
	if err != nil {
		panic(fmt.Sprintf("policy: building the CEL environment: %v", err)) // a programming error
	}
	return env
}()

// compile parses and type-checks e, returning its checked AST or errors
// positioned in file.
func compile(file string, e exprPos) (*cel.Ast, []error) {
	ast, iss := checkEnv.Compile(e.Value)
	if iss != nil && iss.Err() != nil {
		var errs []error
		for _, ce := range iss.Errors() {
			p := e.position(file, ce.Location)
			// One line per error: a message may quote a newline of the
			// expression.
			msg := strings.ReplaceAll(ce.Message, "\n", `\n`)
			errs = append(errs, fmt.Errorf("%s: when: %s", p, msg))
		}
		return nil, errs
	}
	if !ast.OutputType().IsExactType(cel.BoolType) {
		p := e.position(file, nil)
		return nil, []error{fmt.Errorf("%s: when: the expression is %s, not bool", p, ast.OutputType())}
	}
	return ast, nil
}

// position maps a location in the expression (line 1-based, column
// 0-based) to the file. Literal block scalars and one-line flow scalars
// map exactly; folded and multi-line flow scalars are reported at the
// start of the value.
func (e exprPos) position(file string, loc common.Location) Position {
	p := Position{File: file, Line: e.Line, Column: e.Column}
	if loc == nil || loc.Line() < 1 {
		return p
	}
	line, col := loc.Line(), loc.Column()
	switch e.Style {
	case yaml.LiteralStyle:
		if e.Indent > 0 {
			return Position{File: file, Line: e.Line + line, Column: e.Indent + col}
		}
	case 0, yaml.SingleQuotedStyle, yaml.DoubleQuotedStyle:
		if !strings.Contains(e.Value, "\n") && line == 1 {
			if e.Style != 0 {
				col++ // the opening quote
			}
			return Position{File: file, Line: e.Line, Column: e.Column + col}
		}
	}
	return p
}
