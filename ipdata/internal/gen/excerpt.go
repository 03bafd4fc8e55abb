package main

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// wellKnown are addresses whose holders everyone can check (public
// resolvers); their lines always go into the excerpts.
var wellKnown = []string{"8.8.8.8", "1.1.1.1", "9.9.9.9", "2001:4860:4860::8888", "2606:4700:4700::1111"}

const (
	windows    = 6 // random windows per CSV
	windowSize = 3 // consecutive lines per window
)

// writeExcerpts cuts windows of consecutive lines from each CSV into
// testdata/excerpt-country.csv and testdata/excerpt-asn.csv, so tests
// can check the snapshot against the raw data without the tarballs.
// The seed is fixed: the same data gives the same excerpts.
func writeExcerpts(dir, version string, csvs map[string][]byte) error {
	rng := rand.New(rand.NewPCG(2026, 6))
	for _, p := range pkgs {
		var b strings.Builder
		fmt.Fprintf(&b, "# Excerpt of %s %s, %s.\n", p.name, version, p.attribution)
		fmt.Fprintf(&b, "# Cut by internal/gen; each \"# file:line\" comment starts a window of consecutive lines.\n")
		for _, f := range p.files {
			lines := strings.Split(strings.TrimRight(string(csvs[f]), "\n"), "\n")
			var starts []int
			for _, w := range wellKnown {
				if i := lineOf(lines, netip.MustParseAddr(w)); i >= 0 {
					starts = append(starts, max(0, i-1))
				}
			}
			for len(starts) < windows+len(wellKnown) && len(lines) > windowSize {
				i := rng.IntN(len(lines) - windowSize)
				if !overlapping(lines[i : i+windowSize]) {
					starts = append(starts, i)
				}
			}
			slices.Sort(starts)
			starts = slices.Compact(starts)
			for _, i := range starts {
				end := min(i+windowSize, len(lines))
				fmt.Fprintf(&b, "# %s:%d\n", f, i+1)
				for _, l := range lines[i:end] {
					b.WriteString(l + "\n")
				}
			}
		}
		name := "excerpt-" + strings.TrimPrefix(p.name, "@ip-location-db/") + ".csv"
		if err := os.WriteFile(filepath.Join(dir, name), []byte(b.String()), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// bounds reads a CSV line's first two fields as addresses.
func bounds(line string) (netip.Addr, netip.Addr, bool) {
	f := strings.SplitN(line, ",", 3)
	if len(f) < 3 {
		return netip.Addr{}, netip.Addr{}, false
	}
	a, err1 := netip.ParseAddr(f[0])
	z, err2 := netip.ParseAddr(f[1])
	return a, z, err1 == nil && err2 == nil
}

func lineOf(lines []string, a netip.Addr) int {
	i, _ := slices.BinarySearchFunc(lines, a, func(l string, a netip.Addr) int {
		s, e, ok := bounds(l)
		switch {
		case !ok || s.Is4() != a.Is4():
			return -1 // lines of the other family never hold a
		case e.Less(a):
			return -1
		case a.Less(s):
			return 1
		}
		return 0
	})
	if i < len(lines) {
		if s, e, ok := bounds(lines[i]); ok && !a.Less(s) && !e.Less(a) {
			return i
		}
	}
	return -1
}

// overlapping says whether consecutive lines overlap (a known bug of
// the data, which the snapshot resolves; the excerpt avoids it).
func overlapping(lines []string) bool {
	for i := 1; i < len(lines); i++ {
		_, e, ok1 := bounds(lines[i-1])
		s, _, ok2 := bounds(lines[i])
		if !ok1 || !ok2 || !e.Less(s) {
			return true
		}
	}
	return false
}
