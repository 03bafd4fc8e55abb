// Command benchratio summarises benchmark output of several rounds (go
// test -bench lines, or lines in the same format written by
// bench/memory.sh): the median of every benchmark and unit, and for each
// NUM:DEN pair the median of the round-by-round ratios, the i-th result of
// NUM divided by the i-th result of DEN (rounds run A B A B ..., so each
// ratio compares two runs made at nearly the same moment).
//
//	benchratio -unit ns/op FILE AttributeCycloneDX:DecodeCycloneDXGo
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

func main() {
	unit := flag.String("unit", "ns/op", "unit of the ratios")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: benchratio [-unit U] FILE|- [NUM:DEN ...]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() < 1 {
		flag.Usage()
		os.Exit(2)
	}
	var in io.Reader = os.Stdin
	if name := flag.Arg(0); name != "-" {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintln(os.Stderr, "benchratio:", err)
			os.Exit(1)
		}
		defer f.Close()
		in = f
	}
	res, order, err := parse(in)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchratio:", err)
		os.Exit(1)
	}
	for _, name := range order {
		units := res[name]
		keys := make([]string, 0, len(units))
		for u := range units {
			keys = append(keys, u)
		}
		sort.Slice(keys, func(i, j int) bool {
			ri, rj := rank(keys[i]), rank(keys[j])
			if ri != rj {
				return ri < rj
			}
			return keys[i] < keys[j]
		})
		var parts []string
		for _, u := range keys {
			vs := units[u]
			parts = append(parts, fmt.Sprintf("%s %s (min %s, max %s)", num(median(vs)), u, num(slices.Min(vs)), num(slices.Max(vs))))
		}
		fmt.Printf("%-36s n=%d  %s\n", name, len(units[keys[0]]), strings.Join(parts, "; "))
	}
	for _, pair := range flag.Args()[1:] {
		n, d, ok := strings.Cut(pair, ":")
		if !ok {
			fmt.Fprintf(os.Stderr, "benchratio: %q is not NUM:DEN\n", pair)
			os.Exit(2)
		}
		a, b := res[n][*unit], res[d][*unit]
		k := min(len(a), len(b))
		if k == 0 {
			fmt.Fprintf(os.Stderr, "benchratio: no %s results for %s or %s\n", *unit, n, d)
			os.Exit(1)
		}
		rs := make([]float64, k)
		for i := range k {
			rs[i] = a[i] / b[i]
		}
		fmt.Printf("ratio %s / %s (%s): median %.3f over %d pairs (min %.3f, max %.3f); ratio of medians %.3f\n",
			n, d, *unit, median(rs), k, slices.Min(rs), slices.Max(rs), median(a)/median(b))
	}
}

var cpuSuffix = regexp.MustCompile(`-\d+$`)

// parse reads "BenchmarkName-N  iterations  value unit  value unit ..."
// lines; it returns the values by benchmark and unit, in input order.
func parse(r io.Reader) (map[string]map[string][]float64, []string, error) {
	res := map[string]map[string][]float64{}
	var order []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue
		}
		name := cpuSuffix.ReplaceAllString(strings.TrimPrefix(f[0], "Benchmark"), "")
		if res[name] == nil {
			res[name] = map[string][]float64{}
			order = append(order, name)
		}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			res[name][f[i+1]] = append(res[name][f[i+1]], v)
		}
	}
	return res, order, sc.Err()
}

// rank puts the standard units first.
func rank(unit string) int {
	switch unit {
	case "ns/op":
		return 0
	case "B/op":
		return 1
	case "allocs/op":
		return 2
	}
	return 3
}

func median(vs []float64) float64 {
	s := slices.Clone(vs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func num(v float64) string {
	switch {
	case v >= 1e4:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case v >= 100:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}
