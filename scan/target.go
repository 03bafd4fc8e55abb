package scan

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// source is one document to read, with the reader to use when the
// document's place already says what it is.
type source struct {
	path   string
	reader string
}

// hostDatabases are the package databases a directory target (a live
// root such as "/", or a mounted disk or unpacked image) is searched for.
// The host collectors of the fleet scan extend this with a full walk.
var hostDatabases = []source{
	{"var/lib/dpkg/status", "dpkg"},
	{"var/lib/dpkg/status.d/*", "dpkg"},
}

// expand turns an input into the documents to read: the input itself,
// or the package databases under a directory.
func expand(input string) ([]source, string, error) {
	if input == "-" {
		return []source{{path: "-"}}, "", nil
	}
	fi, err := os.Stat(input)
	if err != nil {
		return nil, "", err
	}
	if !fi.IsDir() {
		return []source{{path: input}}, "", nil
	}
	var out []source
	for _, db := range hostDatabases {
		matches, err := filepath.Glob(filepath.Join(input, db.path))
		if err != nil {
			return nil, "", err
		}
		sort.Strings(matches)
		for _, m := range matches {
			if fi, err := os.Stat(m); err == nil && fi.Mode().IsRegular() {
				out = append(out, source{path: m, reader: db.reader})
			}
		}
	}
	note := "directory: package databases read (dpkg); registry, executables, app bundles and browser extensions are not collected from directories yet"
	if len(out) == 0 {
		return nil, note, fmt.Errorf("%s: no package database found (looked for %s)", input, databaseList())
	}
	return out, note, nil
}

func databaseList() string {
	s := ""
	for i, db := range hostDatabases {
		if i > 0 {
			s += ", "
		}
		s += db.path
	}
	return s
}
