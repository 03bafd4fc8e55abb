// Package layers holds the test that keeps the house's floor plan: each
// package belongs to a stage of the pipeline, and imports only packages
// of its own stage or an earlier one.
package layers
