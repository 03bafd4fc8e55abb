// Command gen writes the dashboard's world map, server/web/assets/world.svg:
// one simplified path per country, keyed by its ISO 3166-1 alpha-2 code.
//
// It fetches the npm package world-atlas (ISC licence; Natural Earth's
// public-domain 1:50m admin-0 countries as TopoJSON) with `npm pack`,
// projects the shapes (equirectangular, 84°N to 60°S, without
// Antarctica), simplifies each shared arc once with Douglas-Peucker so
// borders stay shared, and writes integer relative path commands to keep
// the file small. Countries too small to draw at that scale become a dot.
// Run it from server/web: go run ./gen (the committed assets/NOTICE says
// where the data comes from and under which licence).
package main

import (
	"archive/tar"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

func main() {
	pkg := flag.String("package", "world-atlas@2", "npm package to fetch")
	file := flag.String("file", "countries-50m.json", "TopoJSON file of the package")
	tgz := flag.String("tgz", "", "use this package tarball instead of running npm pack")
	out := flag.String("o", "assets/world.svg", "SVG to write")
	tol := flag.Float64("tolerance", 0.4, "simplification tolerance in map units")
	flag.Parse()
	if err := run(*pkg, *file, *tgz, *out, *tol); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(pkg, file, tgz, out string, tol float64) error {
	if tgz == "" {
		dir, err := os.MkdirTemp("", "world-atlas")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		cmd := exec.Command("npm", "pack", "--silent", pkg)
		cmd.Dir, cmd.Stderr = dir, os.Stderr
		name, err := cmd.Output()
		if err != nil {
			return fmt.Errorf("npm pack %s: %w", pkg, err)
		}
		tgz = filepath.Join(dir, strings.TrimSpace(string(name)))
	}
	data, err := readFromTarball(tgz, "package/"+file)
	if err != nil {
		return err
	}
	topo, err := decodeTopology(data)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	svg, n, err := render(topo, tol)
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, svg, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "gen: wrote %s: %d countries, %d bytes\n", out, n, len(svg))
	return nil
}

// readFromTarball returns one file of a gzipped tarball.
func readFromTarball(path, name string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s holds no %s", path, name)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if h.Name == name {
			return io.ReadAll(io.LimitReader(tr, 64<<20))
		}
	}
}
