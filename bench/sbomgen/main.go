// Command sbomgen writes the deterministic syft-like CycloneDX 1.6 JSON
// SBOM that the benchmarks use:
//
//	go run ./bench/sbomgen -n 100000 -o /tmp/host-100k.cdx.json
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/embargo-dev/embargo/bench/gen"
)

func main() {
	o := gen.Defaults
	out := flag.String("o", "-", "output file (- for standard output)")
	flag.IntVar(&o.Components, "n", o.Components, "components, nested ones included")
	flag.Uint64Var(&o.Seed, "seed", o.Seed, "seed")
	flag.Float64Var(&o.FileShare, "files", o.FileShare, "fraction of file components")
	flag.Float64Var(&o.RestrictedShare, "restricted", o.RestrictedShare, "fraction of components planted to be attributed")
	flag.BoolVar(&o.Pretty, "pretty", false, "indent the JSON")
	quiet := flag.Bool("q", false, "no summary on standard error")
	flag.Parse()
	if err := run(*out, o, *quiet); err != nil {
		fmt.Fprintln(os.Stderr, "sbomgen:", err)
		os.Exit(1)
	}
}

func run(out string, o gen.Options, quiet bool) error {
	var w io.Writer = os.Stdout
	var f *os.File
	if out != "-" {
		var err error
		if f, err = os.Create(out); err != nil {
			return err
		}
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	st, err := gen.Write(bw, o)
	if err == nil {
		err = bw.Flush()
	}
	if f != nil {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return err
	}
	if !quiet {
		fmt.Fprintf(os.Stderr, "components %d: files %d, packages %d (nested %d), dependency entries %d, planted %d\n",
			st.Components, st.Files, st.Packages, st.Nested, st.Deps, st.Planted)
		fmt.Fprintf(os.Stderr, "packages by purl type:%s\nplanted:%s\n", list(st.ByPURLType), list(st.PlantedBy))
	}
	return nil
}

func list(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	s := ""
	for _, k := range keys {
		name := k
		if name == "" {
			name = "(none)"
		}
		s += fmt.Sprintf(" %s %d", name, m[k])
	}
	return s
}
