// Package policy judges attributed software against the instruments that
// restrict it: BOD 17-01, the NCSC's 2017 letter, NDAA §1634 and the rest.
//
// A pack is a YAML file tied to one catalogue instrument. Each of its
// rules cites a clause, states an effect (prohibit, remove-by, warn), a
// severity and an optional deadline, and decides with a CEL expression
// over the system a host belongs to, the item found, its product and its
// supplier (entity, control chain, controlling country, the instruments
// that name it). Every expression is parsed and type-checked when the pack
// is loaded, so a misspelt field or a non-boolean rule is an error naming
// the file, line and column; an Engine plans the checked programs once and
// evaluates them per system and item without compiling again.
//
// Packs carry examples — a system, a supplier and a product that must be
// caught, and ones that must pass — which the tests and `embargo policy
// test` run through the same Engine as a scan. Built-in packs mirror the
// real instruments and are embedded from packs/*.yaml.
package policy
