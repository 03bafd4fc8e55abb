// Command gen rebuilds the embedded IP snapshot of package ipdata from
// the ip-location-db packages on npm, and rewrites data/NOTICE and the
// CSV excerpts the tests check the snapshot against. Run it from
// ipdata with `go generate` (it needs npm and the npm registry):
//
//	go run ./internal/gen -out data/embargo-ipdata.snap -notice data/NOTICE -excerpt testdata
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/embargo-dev/embargo/ipdata"
)

// pkg is one npm package the snapshot is built from, and the CSVs used.
type pkg struct {
	name, format string
	files        []string // inside the tarball's package/ folder
	license      string
	attribution  string
}

// The country data comes first: Build gives earlier inputs precedence.
var pkgs = []pkg{
	{
		name: "@ip-location-db/asn-country", format: ipdata.FormatIPLDBCountry,
		files:       []string{"asn-country-ipv4.csv", "asn-country-ipv6.csv"},
		license:     "CC-BY-4.0",
		attribution: "Country of registration from the RIRs' delegated statistics, (c) Number Resource Organization (https://www.nro.net/), CC BY 4.0; packaged by ip-location-db (https://github.com/sapics/ip-location-db)",
	},
	{
		name: "@ip-location-db/asn", format: ipdata.FormatIPLDBASN,
		files:       []string{"asn-ipv4.csv", "asn-ipv6.csv"},
		license:     "CC-BY-4.0",
		attribution: "IP to ASN from RouteViews (https://www.routeviews.org/), the NRO's RIR statistics (https://www.nro.net/) and IP Geolocation by DB-IP (https://db-ip.com/) IP to ASN Lite, CC BY 4.0; packaged by ip-location-db (https://github.com/sapics/ip-location-db)",
	},
}

func main() {
	version := flag.String("version", "2.3.2026061719", "version of the @ip-location-db packages")
	out := flag.String("out", "data/embargo-ipdata.snap", "snapshot to write")
	notice := flag.String("notice", "data/NOTICE", "attribution notice to write")
	excerpt := flag.String("excerpt", "", "directory to write the test excerpts to (empty: none)")
	built := flag.String("built", "", "build time, RFC 3339 (default: now)")
	flag.Parse()
	if err := run(*version, *out, *notice, *excerpt, *built); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(version, out, notice, excerptDir, builtFlag string) error {
	built := time.Now().UTC().Truncate(time.Second)
	if builtFlag != "" {
		t, err := time.Parse(time.RFC3339, builtFlag)
		if err != nil {
			return err
		}
		built = t.UTC()
	}
	tmp, err := os.MkdirTemp("", "ipdata-gen-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	var inputs []ipdata.Input
	var sources []ipdata.Source
	csvs := map[string][]byte{}
	for _, p := range pkgs {
		files, integrity, err := fetch(tmp, p.name+"@"+version, p.files)
		if err != nil {
			return err
		}
		for _, f := range p.files {
			csvs[f] = files[f]
			inputs = append(inputs, ipdata.Input{Name: p.name + "/" + f, Format: p.format, R: bytes.NewReader(files[f])})
		}
		sources = append(sources, ipdata.Source{
			Name: p.name, Version: version + " (" + integrity + ")", License: p.license,
			Attribution: p.attribution, URL: "https://github.com/sapics/ip-location-db",
		})
	}
	s, err := ipdata.Build(inputs, ipdata.Meta{Name: ipdata.EmbeddedName, Built: built, Sources: sources})
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := s.Write(&buf); err != nil {
		return err
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(notice, []byte(noticeText(s.Meta(), s.Notes())), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "gen: wrote %s (%d bytes, %s), %d notes\n", out, buf.Len(), s.Meta().Digest, len(s.Notes()))
	for _, n := range s.Notes() {
		fmt.Fprintln(os.Stderr, "gen: note:", n)
	}
	if excerptDir == "" {
		return nil
	}
	return writeExcerpts(excerptDir, version, csvs)
}

// fetch runs `npm pack` into dir and returns the wanted files of the
// tarball's package/ folder and the tarball's integrity string.
func fetch(dir, spec string, want []string) (map[string][]byte, string, error) {
	cmd := exec.Command("npm", "pack", spec, "--pack-destination", dir, "--json")
	cmd.Stderr = os.Stderr
	js, err := cmd.Output()
	if err != nil {
		return nil, "", fmt.Errorf("npm pack %s: %w", spec, err)
	}
	var packed []struct{ Filename, Integrity string }
	if err := json.Unmarshal(js, &packed); err != nil || len(packed) != 1 {
		return nil, "", fmt.Errorf("npm pack %s: unexpected output: %v", spec, err)
	}
	f, err := os.Open(filepath.Join(dir, packed[0].Filename))
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", packed[0].Filename, err)
	}
	files := map[string][]byte{}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, "", fmt.Errorf("%s: %w", packed[0].Filename, err)
		}
		name := strings.TrimPrefix(h.Name, "package/")
		for _, w := range want {
			if name == w {
				if files[w], err = io.ReadAll(io.LimitReader(tr, ipdata.MaxFileSize)); err != nil {
					return nil, "", err
				}
			}
		}
	}
	for _, w := range want {
		if files[w] == nil {
			return nil, "", fmt.Errorf("%s: no package/%s", packed[0].Filename, w)
		}
	}
	return files, packed[0].Integrity, nil
}

func noticeText(m ipdata.Meta, notes []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `embargo-ipdata.snap: IP address to country of registration, ASN and AS
organisation, the snapshot embedded in package ipdata (Embargo).

Name:   %s
Built:  %s
Digest: %s

It is an adapted database under the Creative Commons Attribution 4.0
International licence (CC BY 4.0, https://creativecommons.org/licenses/by/4.0/,
legal code https://creativecommons.org/licenses/by/4.0/legalcode). Changes
made: the CSVs below were merged (country and ASN per address range; where
records of one file overlap, the narrower range wins) and converted to
Embargo's snapshot format. No warranty; the upstream notice says these npm
copies contain known data bugs and are no longer updated.

Sources:
`, m.Name, m.Built.Format(time.RFC3339), m.Digest)
	for _, s := range m.Sources {
		fmt.Fprintf(&b, "\n- %s %s\n  licence: %s\n  attribution: %s\n  %s\n", s.Name, s.Version, s.License, s.Attribution, s.URL)
	}
	fmt.Fprintf(&b, `
Required attribution (shown wherever Embargo reports use this data):
  IP data: RouteViews (routeviews.org), NRO RIR statistics (nro.net) and
  IP Geolocation by DB-IP (https://db-ip.com), via ip-location-db, CC BY 4.0.
`)
	if len(notes) > 0 {
		fmt.Fprintf(&b, "\nResolved while building (%d):\n", len(notes))
		for _, n := range notes {
			fmt.Fprintf(&b, "  %s\n", n)
		}
	}
	return b.String()
}
