package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/spf13/pflag"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/feed"
	"github.com/embargo-dev/embargo/report"
)

// localCatalogs are the --catalog files and directories of this run: a
// department's own catalogue facts, added to the catalogue in use with
// those of the configuration's local folder (localDir).
var localCatalogs []string

// stderr is where the overrides in use are announced.
var stderr io.Writer = os.Stderr

// catalogFlag registers --catalog on a command that judges by the
// catalogue.
func catalogFlag(f *pflag.FlagSet) {
	f.StringArrayVar(&localCatalogs, "catalog", nil, "add a local catalogue file, or every *.yaml of a directory, to the catalogue in use (repeatable; "+
		"the *.yaml of the data directory's local/ folder are always added): the department's own entities, products, identifiers and sources")
}

// localDir is the configuration's folder of local catalogue files: local/
// in the data directory (--data-dir of update, $EMBARGO_DATA_DIR, else
// $XDG_DATA_HOME/embargo/feed).
func localDir(dataDir string) string { return filepath.Join(dataDir, "local") }

// withLocal adds to d's catalogue the local files of dataDir's local
// folder (when dataDir is known) and of --catalog, announcing on stderr
// every override they make; d is returned as it is when there are none.
func withLocal(d feed.Data, dataDir string) (feed.Data, error) {
	files, err := localFiles(dataDir)
	if err != nil {
		return d, err
	}
	d, err = d.WithLocal(files)
	if err != nil {
		return d, err
	}
	if l := d.Catalog.Local(); l != nil {
		for _, o := range l.Overrides {
			fmt.Fprintf(stderr, "embargo: warning: local catalogue: %s\n", o)
		}
	}
	return d, nil
}

// localFiles reads the local catalogue files of dataDir's local folder
// (when dataDir is known) and of --catalog.
func localFiles(dataDir string) ([]catalog.LocalFile, error) {
	var paths []string
	if dataDir != "" {
		found, err := yamlIn(localDir(dataDir), true)
		if err != nil {
			return nil, fmt.Errorf("local catalogue: %w", err)
		}
		paths = found
	}
	for _, p := range localCatalogs {
		found, err := localPaths(p)
		if err != nil {
			return nil, fmt.Errorf("--catalog %s: %w", p, err)
		}
		paths = append(paths, found...)
	}
	paths = unique(paths)
	files := make([]catalog.LocalFile, 0, len(paths))
	for _, p := range paths {
		data, err := readCatalogFile(p)
		if err != nil {
			return nil, fmt.Errorf("local catalogue: %w", err)
		}
		files = append(files, catalog.LocalFile{Name: p, Data: data})
	}
	return files, nil
}

// localPaths is a --catalog argument's files: the file, or a directory's
// *.yaml in name order.
func localPaths(p string) ([]string, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return []string{p}, nil
	}
	found, err := yamlIn(p, false)
	if err == nil && len(found) == 0 {
		err = fmt.Errorf("no *.yaml files in %s", p)
	}
	return found, err
}

// yamlIn lists dir's *.yaml files in name order; a missing dir has none
// when optional.
func yamlIn(dir string, optional bool) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if optional && errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if !e.IsDir() && filepath.Ext(e.Name()) == ".yaml" {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	return out, nil
}

// unique drops a file named twice (the local folder given again with
// --catalog, say), keeping the first.
func unique(paths []string) []string {
	seen := map[string]bool{}
	return slices.DeleteFunc(paths, func(p string) bool {
		k, err := filepath.Abs(p)
		if err != nil {
			k = p
		}
		if seen[k] {
			return true
		}
		seen[k] = true
		return false
	})
}

// readCatalogFile reads a local catalogue file, bounded as the
// catalogue's own are.
func readCatalogFile(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, catalog.MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	if len(data) > catalog.MaxFileSize {
		return nil, fmt.Errorf("%s: over the %d-byte limit for a catalogue file", p, catalog.MaxFileSize)
	}
	return data, nil
}

// localRef names the local files and overrides of cat for a report.
func localRef(ref *report.Data, cat *catalog.Catalog) {
	l := cat.Local()
	if l == nil {
		return
	}
	for _, f := range l.Files {
		ref.Local = append(ref.Local, report.DataLocal{File: f.Name, Digest: f.Digest})
	}
	for _, o := range l.Overrides {
		ref.Overrides = append(ref.Overrides, report.DataOverride{What: o.What, ID: o.ID, Replaced: o.Was.String(), By: o.By.String(), Reason: o.Reason})
	}
}
