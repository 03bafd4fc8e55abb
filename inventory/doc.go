// Package inventory is the model every source produces: items of
// software found somewhere, with every raw attribute that can attribute
// them, and the unknowns — what could not be read — beside them.
//
// Sources live in sub-packages (cyclonedx, spdx, osquery, ...), each a
// Reader; the scan package holds the list of them.
package inventory
