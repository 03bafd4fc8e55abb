// Package waivers is Embargo's register of exceptions: a finding that an
// instrument would flag, excused for a stated reason by a named approver
// until a stated date.
//
// A waiver's scope is one finding (by its stable id), one system, one
// catalogue product, or one product on one system; it may be narrowed to
// one instrument or one rule. Waived findings are still reported, marked
// as waived; they are never hidden.
//
// When several waivers match a finding, the most specific wins: a finding
// waiver beats a system+product waiver, which beats a product-only or
// system-only waiver (these two rank equally). Within a rank, a waiver
// narrowed to a rule beats one narrowed to an instrument, which beats an
// unnarrowed one; remaining ties go to the waiver written first. Only
// waivers still in force compete: an expired waiver decides a finding
// only when no waiver in force matches it, and then the finding comes
// back (is not waived) with a note saying the waiver expired.
//
// Expiry is inclusive: a waiver with expiry 2026-03-31 is in force through
// the whole of 31 March 2026, UTC, and lapses at 2026-04-01T00:00:00Z.
//
// The file is YAML, loaded strictly by Load: an unknown key, a missing
// reason, approver or expiry, a bad date, an expiry before the granted
// date, an ambiguous scope or a duplicate id is an error naming the file
// and line, and nothing is half-applied.
package waivers
