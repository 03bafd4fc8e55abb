package main

import (
	"errors"
)

// Exit codes, documented in README.md. This file is the only place that
// maps outcomes to codes.
const (
	exitOK         = 0 // everything was read; nothing restricted found
	exitRestricted = 1 // software of a restricted supplier was found (catalog search: nothing matched)
	exitError      = 2 // could not scan: bad usage, unreadable input, bad catalogue
	exitIncomplete = 3 // nothing restricted found, but something could not be read or attributed (or, with --fail-on-stale, the data is stale)
)

var (
	errRestricted = errors.New("restricted software found")
	errIncomplete = errors.New("scan incomplete: some inputs or items could not be read")
	// errNoMatch is a search that found nothing: exit 1, as grep exits
	// when no line is selected.
	errNoMatch = errors.New("no match")
)

func exitCode(err error) int {
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errRestricted), errors.Is(err, errNoMatch):
		return exitRestricted
	case errors.Is(err, errIncomplete), errors.Is(err, errStale):
		return exitIncomplete
	}
	return exitError
}
