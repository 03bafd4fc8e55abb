// Package java finds the Java libraries on a target: every JAR, WAR or EAR
// archive carries, for each Maven artifact built into it, the
// META-INF/maven/GROUP/ARTIFACT/pom.properties that Maven wrote
// (groupId, artifactId, version), and a META-INF/MANIFEST.MF whose
// vendor attributes name who built it. Archives nested in an archive
// (WEB-INF/lib, BOOT-INF/lib) are read too, with the archives they are in
// as their dependency path. The groupId is a namespace Maven Central
// verified its publisher controls.
package java

import (
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// Bounds: an archive on disk is read through its central directory, so
// its size is bounded loosely; a nested archive is read into memory.
const (
	maxArchive = 4 << 30
	maxNested  = 128 << 20
	maxDepth   = 4
	maxEntry   = 1 << 20 // a pom.properties or MANIFEST.MF
)

// Collector reads Java archives.
type Collector struct{}

// Name implements inventory.Collector.
func (Collector) Name() string { return "java" }

// Tags implements inventory.Collector.
func (Collector) Tags() []string { return []string{"language", "java", "linux", "windows", "macos"} }

// Requirements implements inventory.Collector: files only.
func (Collector) Requirements() inventory.Requirements { return inventory.Requirements{} }

// Wants implements inventory.Collector.
func (Collector) Wants(p string) bool { return isArchive(p) }

func isArchive(p string) bool {
	switch strings.ToLower(path.Ext(p)) {
	case ".jar", ".war", ".ear", ".hpi", ".jpi":
		return true
	}
	return false
}

// Collect implements inventory.Collector.
func (Collector) Collect(ctx context.Context, t *inventory.Target, f inventory.TargetFile, lim inventory.Limits) ([]inventory.Item, []inventory.Unknown, error) {
	ra, size, err := t.OpenAt(f.Path)
	if err != nil {
		return nil, nil, err
	}
	defer ra.Close()
	name := t.Display(f.Path)
	if size > maxArchive {
		return nil, nil, &inventory.InputError{Source: name, Offset: -1, Err: fmt.Errorf("%w: %d bytes", inventory.ErrTooLarge, size)}
	}
	r := reader{ctx: ctx, lim: lim}
	if err := r.archive(ra, size, name, path.Base(f.Path), nil, 0); err != nil {
		return nil, nil, err
	}
	return r.items, r.unknowns, nil
}
