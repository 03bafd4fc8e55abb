package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
)

// hostMarker is the version of the package that makes each simulated
// host's report its own: upload replaces it, keeping its length, with the
// host's number.
const hostMarker = "0000000000"

// restricted are packages the embedded catalogue attributes to
// restricted suppliers, so that uploads carry findings.
var restricted = []struct{ name, version, maintainer string }{
	{"kesl", "12.1.0.1297", "AO Kaspersky Lab <support@kaspersky.com>"},
	{"klnagent64", "15.1.0.20748", "AO Kaspersky Lab <support@kaspersky.com>"},
	{"tiktok-desktop", "1.0.0", "ByteDance Ltd."},
}

// status writes a dpkg status file of -items packages.
func status(args []string) error {
	fs := flag.NewFlagSet("status", flag.ContinueOnError)
	items := fs.Int("items", 2000, "packages")
	if err := fs.Parse(args); err != nil {
		return err
	}
	w := bufio.NewWriter(os.Stdout)
	pkg := func(name, version, maintainer string) {
		fmt.Fprintf(w, "Package: %s\nStatus: install ok installed\nPriority: optional\nSection: misc\n"+
			"Installed-Size: 1024\nMaintainer: %s\nArchitecture: amd64\nVersion: %s\n"+
			"Description: %s for the fleet benchmark\n\n", name, maintainer, version, name)
	}
	pkg("embargo-bench-host", hostMarker, "Embargo benchmarks <bench@example.org>")
	for _, r := range restricted {
		pkg(r.name, r.version, r.maintainer)
	}
	for i := len(restricted) + 1; i < *items; i++ {
		pkg(fmt.Sprintf("libbench%04d", i), fmt.Sprintf("1.%d.%d-1", i%17, i%5), "Debian Developers <debian-devel@lists.debian.org>")
	}
	return w.Flush()
}
