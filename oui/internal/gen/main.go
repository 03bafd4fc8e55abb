// Command gen rebuilds the registry embedded in package oui from the
// IEEE listings of the installed ieee-data package, and rewrites
// data/NOTICE and the listing excerpts in testdata/ (the records of the
// prefixes in excerpt.go, byte for byte, under each file's header). Run
// it from oui with `go generate` (it needs `apt-get install ieee-data`):
//
//	go run ./internal/gen -dir /usr/share/ieee-data -out data/oui.bin -notice data/NOTICE -excerpt testdata
//
// The output depends only on the listings, the package version and the
// Go version's gzip.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/embargo-dev/embargo/oui"
)

func main() {
	dir := flag.String("dir", oui.DebianDir, "the ieee-data directory")
	out := flag.String("out", "data/oui.bin", "registry file to write")
	notice := flag.String("notice", "data/NOTICE", "notice to write")
	excerpt := flag.String("excerpt", "", "directory to write the test excerpts to (empty: none)")
	flag.Parse()
	if err := run(*dir, *out, *notice, *excerpt); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(dir, out, notice, excerptDir string) error {
	reg, err := oui.FromFiles(context.Background(), dir)
	if err != nil {
		return err
	}
	src := reg.Source()
	if src.Name != oui.DebianPackage || src.Version == "" {
		return fmt.Errorf("%s: not the installed ieee-data package's listings (%s %q)", dir, src.Name, src.Version)
	}
	var b bytes.Buffer
	if err := reg.Write(&b); err != nil {
		return err
	}
	if err := os.WriteFile(out, b.Bytes(), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(notice, []byte(noticeText(reg, src)), 0o644); err != nil {
		return err
	}
	if excerptDir == "" {
		return nil
	}
	return writeExcerpts(dir, excerptDir)
}

func noticeText(reg *oui.Registry, src oui.Source) string {
	var s strings.Builder
	fmt.Fprintf(&s, `oui.bin: the IEEE Registration Authority's public listings of MAC address
block assignments (MA-L, MA-M, MA-S, IAB), the registry embedded in package
oui (Embargo), in its compact form (see the package documentation).

Source:  Debian package %s %s
Date:    %s (the listings' .lastupdate)
Digest:  %s
Records: %d (MA-L %d, MA-M %d, MA-S %d, IAB %d)

`, src.Name, src.Version, src.Date.Format(time.RFC3339), reg.Digest(), reg.Len(),
		reg.Count(oui.MAL), reg.Count(oui.MAM), reg.Count(oui.MAS), reg.Count(oui.IAB))
	s.WriteString("Files:\n")
	for _, f := range src.Files {
		fmt.Fprintf(&s, "  %s  sha256:%s  %d records\n", f.Name, f.SHA256, f.Records)
	}
	s.WriteString(`
The listings are published by the IEEE Registration Authority (Debian's
copyright file for ieee-data names https://standards.ieee.org/develop/regauth/general.html
as their source, and states them as Public Domain: "Copyright: 2014, IEEE;
License: other, Public Domain"). Changes made: white space in organisation
names folded, C1 control characters made U+FFFD, addresses left out;
converted to Embargo's compact form.
`)
	return s.String()
}
