package report

import (
	"fmt"
	"os"
)

// Options are what the command line tells encoders beyond the report.
// Only SARIF takes any today; other encoders are left as they are.
type Options struct {
	// SourceRoot is the directory SARIF locations are relative to: the
	// repository's root when the log is uploaded to GitHub code
	// scanning. Empty: the scanned directory when the report is of one
	// directory, otherwise the working directory.
	SourceRoot string
	// Warn, when set, is told what a log had to leave out or could not
	// place: results beyond GitHub's limits, files outside the source
	// root. The log says the same in its notifications.
	Warn func(string)
}

// Configure returns e with o applied. A source root that is not a
// directory is an error, so that a mistyped --source-root is refused
// before any input is read rather than making every path "../..".
func Configure(e Encoder, o Options) (Encoder, error) {
	s, ok := e.(SARIF)
	if !ok {
		return e, nil
	}
	if o.SourceRoot != "" {
		fi, err := os.Stat(o.SourceRoot)
		if err != nil {
			return nil, fmt.Errorf("source root: %w", err)
		}
		if !fi.IsDir() {
			return nil, fmt.Errorf("source root %s is not a directory", o.SourceRoot)
		}
	}
	s.SourceRoot, s.Warn = o.SourceRoot, o.Warn
	return s, nil
}
