package main

import (
	"fmt"
	"io"
	"os"

	"golang.org/x/term"

	"github.com/embargo-dev/embargo/flows"
)

// flowsProgressLine rewrites one line of the terminal as flows are read
// and attributed, as scan's progressLine does; nil when standard error is
// not a terminal or --quiet, so that logs and pipes get no control
// characters.
func flowsProgressLine(w io.Writer, quiet bool) func(flows.Progress) {
	if quiet || !term.IsTerminal(int(os.Stderr.Fd())) {
		return nil
	}
	return func(p flows.Progress) {
		switch p.Stage {
		case flows.StageRead:
			fmt.Fprintf(w, "\r\033[Kreading %s (%d of %d): %s records", p.Input, p.N, p.Of, thousands(p.Records))
		case flows.StageAttribute:
			fmt.Fprintf(w, "\r\033[Kattributing destinations: %s records read", thousands(p.Records))
		}
	}
}

// thousands writes n with commas between groups of three digits.
func thousands(n uint64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
