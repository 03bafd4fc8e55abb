// Package catalog is Embargo's knowledge of restricted suppliers: legal
// entities and who controls them, the products they make, the identifiers
// by which their software shows up in an inventory, and the legal
// instruments that restrict them.
//
// The catalogue is data kept in YAML files (catalog/data/*.yaml, one per
// supplier group) and embedded in the binary. Every fact carries a source
// and a confidence; every identifier carries examples that must and must
// not match, which the tests run. Load validates all of it: references
// resolve, parents form no cycle, countries are ISO 3166-1 alpha-2 codes,
// and no fact is without a source.
package catalog
