package catalog

import (
	"fmt"
	"sync"
)

// Confidence grades how well a fact is established.
type Confidence int

// Confidence levels, weakest first.
const (
	Low Confidence = iota + 1
	Medium
	High
)

func (c Confidence) String() string {
	switch c {
	case Low:
		return "low"
	case Medium:
		return "medium"
	case High:
		return "high"
	}
	return fmt.Sprintf("Confidence(%d)", int(c))
}

// ParseConfidence reads "low", "medium" or "high".
func ParseConfidence(s string) (Confidence, error) {
	switch s {
	case "low":
		return Low, nil
	case "medium":
		return Medium, nil
	case "high":
		return High, nil
	}
	return 0, fmt.Errorf("confidence %q is not one of low, medium, high", s)
}

// Position is where a fact was written: file and line.
type Position struct {
	File string `json:"file" yaml:"file"`
	Line int    `json:"line" yaml:"line"`
}

func (p Position) String() string { return fmt.Sprintf("%s:%d", p.File, p.Line) }

// Fact is what every statement in the catalogue carries: where it comes
// from and how sure we are.
type Fact struct {
	Source     string     `json:"source" yaml:"source"` // key into Catalog.Sources
	Confidence Confidence `json:"confidence" yaml:"confidence"`
	Note       string     `json:"note,omitempty" yaml:"note"`
	Pos        Position   `json:"-" yaml:"-" strictyaml:"line"`
}

// Source is a public document that facts cite.
type Source struct {
	ID    string   `json:"id" yaml:"id"`
	URL   string   `json:"url" yaml:"url"`
	Title string   `json:"title,omitempty" yaml:"title"`
	Local bool     `json:"local,omitempty" yaml:"-"` // from a local file
	Pos   Position `yaml:"-" strictyaml:"line"`
}

// NameKind says what sort of name an entity name is.
type NameKind string

// Name kinds. Legal names are matched against every organisation field,
// aliases only against fields that hold an organisation (publisher,
// supplier, signer), never against a person's name.
const (
	LegalName  NameKind = "legal"
	FormerName NameKind = "former"
	AliasName  NameKind = "alias"
)

// Name is one name of an entity, in any script.
type Name struct {
	Value string   `json:"value" yaml:"value"`
	Kind  NameKind `json:"kind" yaml:"kind"`
	// Match and NoMatch are optional examples of organisation names that
	// must and must not be taken for this entity.
	Match   []string `json:"match,omitempty" yaml:"match"`
	NoMatch []string `json:"nomatch,omitempty" yaml:"nomatch"`
	// PersonName marks a name that is also a person's name or a common
	// word ("Dahua"): it is matched in organisation fields only, never in
	// a maintainer or author field.
	PersonName bool `json:"person_name,omitempty" yaml:"person_name"`
	Fact       `yaml:",inline"`
}

// Country is an ISO 3166-1 alpha-2 code with its source. A
// controlled_from country may hold only for a period (From, Until).
type Country struct {
	Code   string `json:"code" yaml:"code"`
	Period `yaml:",inline"`
	Fact   `yaml:",inline"`
}

// Parent names the entity that controls another, for the period the
// control lasted when it changed hands (a sale, a joint venture).
type Parent struct {
	ID     string `json:"id" yaml:"id"`
	Period `yaml:",inline"`
	Fact   `yaml:",inline"`
}

// Entity is a legal person: a company, a holding, a state body.
type Entity struct {
	ID      string  `json:"id" yaml:"id"`
	Name    string  `json:"name" yaml:"name"` // the display name: the first legal name
	Names   []Name  `json:"names" yaml:"names"`
	Country Country `json:"country" yaml:"country"`
	// ControlledFrom, when set, is the jurisdiction from which the entity
	// is controlled when that differs from where it is incorporated and
	// no catalogued parent shows it (ByteDance Ltd: KY, controlled from CN).
	ControlledFrom *Country `json:"controlled_from,omitempty" yaml:"controlled_from"`
	// Parent is the entity that controls this one; Parents lists them
	// over time, each with its period, when control changed. Loading
	// folds Parent into Parents.
	Parent      *Parent      `json:"parent,omitempty" yaml:"parent"`
	Parents     []Parent     `json:"parents,omitempty" yaml:"parents"`
	Identifiers []Identifier `json:"identifiers,omitempty" yaml:"identifiers"`
	Notes       string       `json:"notes,omitempty" yaml:"notes"`
	// Local is set on an entity a local file defines (WithLocal): a
	// department's own fact, marked so in every attribution.
	Local bool     `json:"local,omitempty" yaml:"-"`
	Pos   Position `json:"-" yaml:"-" strictyaml:"line"`
}

// Product is something an entity makes or provides.
type Product struct {
	ID       string `json:"id" yaml:"id"`
	Name     string `json:"name" yaml:"name"`
	Supplier string `json:"supplier" yaml:"supplier"` // entity id
	Category string `json:"category" yaml:"category"`
	// Tier is what the product is to its supplier (TierProduct when the
	// file does not say).
	Tier        Tier         `json:"tier" yaml:"tier"`
	Identifiers []Identifier `json:"identifiers" yaml:"identifiers"`
	Notes       string       `json:"notes,omitempty" yaml:"notes"`
	// Local is set on a product a local file defines (WithLocal).
	Local bool `json:"local,omitempty" yaml:"-"`
	Fact  `yaml:",inline"`
}

// Instrument is a legal or policy instrument that restricts suppliers.
type Instrument struct {
	ID       string   `json:"id" yaml:"id"`
	Title    string   `json:"title" yaml:"title"`
	Issuer   string   `json:"issuer" yaml:"issuer"`
	Country  string   `json:"country" yaml:"country"`
	Date     string   `json:"date" yaml:"date"` // YYYY-MM-DD or YYYY-MM
	URL      string   `json:"url" yaml:"url"`
	Entities []string `json:"entities,omitempty" yaml:"entities"` // entity ids it names
	Products []string `json:"products,omitempty" yaml:"products"` // product ids it names
	// Clauses are the instrument's own words that policy packs model,
	// each quoted from a source.
	Clauses []Clause `json:"clauses,omitempty" yaml:"clauses"`
	// Local is set on an instrument a local file defines (WithLocal).
	Local bool `json:"local,omitempty" yaml:"-"`
	Fact  `yaml:",inline"`
}

// Clause is a quotation from an instrument: where it is (a section, a
// paragraph) and the source it was read in.
type Clause struct {
	Quote string `json:"quote" yaml:"quote"`
	Where string `json:"where,omitempty" yaml:"where"`
	Fact  `yaml:",inline"`
}

// Catalog is the whole loaded, validated catalogue.
type Catalog struct {
	Entities    []*Entity
	Products    []*Product
	Instruments []*Instrument
	// Rebrands are OEM relationships: a brand that sells equipment a
	// catalogued manufacturer makes.
	Rebrands []*Rebrand
	Sources  map[string]*Source

	entityByID  map[string]*Entity
	productByID map[string]*Product
	instrByID   map[string]*Instrument
	rebrandByID map[string]*Rebrand
	index       *Index
	digest      string
	groups      struct {
		once  sync.Once
		topOf map[*Entity]*Entity
		byTop map[*Entity][]string
	}
	// base decodes afresh the files the catalogue was assembled from,
	// for WithLocal to assemble them again with local files; nil for a
	// catalogue that holds local files already.
	base func() ([]parsedFile, error)
	// local is what local files added (WithLocal); nil when none did.
	local *LocalInfo
}

// Entity returns the entity with the given id, or nil.
func (c *Catalog) Entity(id string) *Entity { return c.entityByID[id] }

// Product returns the product with the given id, or nil.
func (c *Catalog) Product(id string) *Product { return c.productByID[id] }

// Instrument returns the instrument with the given id, or nil.
func (c *Catalog) Instrument(id string) *Instrument { return c.instrByID[id] }

// RebrandByID returns the rebrand fact with the given id, or nil.
func (c *Catalog) RebrandByID(id string) *Rebrand { return c.rebrandByID[id] }

// Index returns the lookup structure built over all identifiers.
func (c *Catalog) Index() *Index { return c.index }

// Digest is the SHA-256 of the catalogue files as loaded, for reports.
// With local files it is the digest of the catalogue they were added to,
// "+local:" and the digest of the local files (WithLocal).
func (c *Catalog) Digest() string { return c.digest }

// Local names the local files the catalogue holds and the facts they
// override; nil when it holds none.
func (c *Catalog) Local() *LocalInfo { return c.local }

// MarshalText writes the confidence as its name.
func (c Confidence) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText reads a confidence name.
func (c *Confidence) UnmarshalText(b []byte) error {
	v, err := ParseConfidence(string(b))
	*c = v
	return err
}
