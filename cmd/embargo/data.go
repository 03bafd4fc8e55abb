package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/embargo-dev/embargo/attribute/destination"
	"github.com/embargo-dev/embargo/ipdata"
	"github.com/embargo-dev/embargo/oui"
	"github.com/embargo-dev/embargo/report"
)

// ipDataFile is where 'embargo data update' keeps a refreshed snapshot;
// flows and enforce prefer it to the embedded one.
func ipDataFile() (string, error) {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "embargo", "ipdata.snapshot"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".local", "share", "embargo", "ipdata.snapshot"), nil
}

// ipDB opens the IP data: file when given, else a snapshot refreshed by
// 'embargo data update', else the embedded one. A snapshot's decoded
// tables come from the table cache (ipdata.CacheDir) when it holds
// them, which spares each run the decoding.
func ipDB(file string) (ipdata.DB, error) {
	cache := ipdata.CacheDir()
	if file != "" {
		return ipdata.OpenCachedFile(file, cache)
	}
	// The installed feed's IP data, signed, before what 'embargo data
	// update' built from unsigned files.
	if d, err := dataInUse(); err == nil && d.IPData != "" {
		db, err := ipdata.OpenCachedFile(d.IPData, cache)
		if err != nil {
			return nil, fmt.Errorf("the installed feed's IP data: %w", err)
		}
		return db, nil
	}
	if p, err := ipDataFile(); err == nil {
		if _, err := os.Stat(p); err == nil {
			db, err := ipdata.OpenCachedFile(p, cache)
			if err != nil {
				return nil, fmt.Errorf("the IP data refreshed by 'embargo data update': %w", err)
			}
			return db, nil
		}
	}
	return ipdata.EmbeddedCached(cache)
}

// openIPData is ipDB as the lookup egress uses, and a function that
// describes the data (or says why it could not be loaded). A file named
// by --ipdata is loaded at once, so that a bad one fails before any input
// is read; otherwise the data is loaded on another goroutine (about
// 70 ms to decode, 4 ms from the table cache), overlapping the reading
// of the inputs, since destinations are looked up when they are judged.
func openIPData(file string) (destination.AddrLookup, func() (*report.IPData, error), error) {
	load := sync.OnceValues(func() (ipdata.DB, error) { return ipDB(file) })
	if file != "" {
		if _, err := load(); err != nil {
			return nil, nil, err
		}
	} else {
		go load()
	}
	lookup := func(a netip.Addr) destination.AddrInfo {
		db, err := load()
		if err != nil {
			return destination.AddrInfo{}
		}
		return db.Lookup(a)
	}
	describe := func() (*report.IPData, error) {
		db, err := load()
		if err != nil {
			return nil, err
		}
		return report.IPDataOf(db.Meta()), nil
	}
	return lookup, describe, nil
}

func newDataCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "data",
		Short: "Manage the IP data (address → registered country, ASN, AS organisation) and the IEEE MAC address registry",
		Long: `Manage the IP data (address → registered country, ASN, AS organisation) that 'embargo flows'
and 'embargo enforce' use: the snapshot built into embargo, or one refreshed by 'embargo data update'.
And the IEEE Registration Authority's MAC address assignments (MA-L, MA-M, MA-S, IAB) that name
who made equipment seen by its MAC address: the registry built into embargo (from Debian's
ieee-data), or one rebuilt from newer listings by 'embargo data update'.

The first run on a snapshot keeps its decoded tables in a cache, so that later runs start in a
few milliseconds instead of decoding it again: in $` + ipdata.CacheDirEnv + ` if set ("` + ipdata.CacheOff + `" turns the
cache off), else in embargo/ipdata under the user's cache directory (` + cacheDirHint() + `).
A damaged or stale cache file is ignored and rewritten; deleting the directory is always safe.`,
	}
	var from []string
	var format, out string
	update := &cobra.Command{
		Use:   "update --from FILE|DIR|URL...",
		Short: "Rebuild the IP data snapshot from upstream files: RIR delegated-extended, ip2asn, ip-location-db CSV, MMDB; or the MAC address registry from the IEEE listings",
		Long: `Update reads upstream IP data (the regional registries' delegated-extended statistics,
iptoasn's ip2asn TSV, the ip-location-db CSVs, or a MaxMind/IPinfo MMDB), from files or
http(s) URLs, builds a snapshot and keeps it where 'embargo flows' and 'embargo enforce'
find it (` + dataFileHint() + `), or writes it to --output.
Give at least one source of countries and one of ASNs.

It also reads the IEEE Registration Authority's CSV listings of MAC address assignments
(oui.csv, mam.csv, oui36.csv, iab.csv; told apart by their header), or a directory holding
them (/usr/share/ieee-data of Debian's ieee-data package, /var/lib/ieee-data after
update-ieee-data), and keeps the registry beside the IP data (oui.registry), named by the
listings' date (ieee-data's .lastupdate) and the package version. Give the IP data and the
listings in one run or in two; --output then takes only one kind.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(from) == 0 {
				return errors.New("give --from FILE or URL (repeatable)")
			}
			var inputs []ipdata.Input
			var listings []ouiInput
			for _, f := range from {
				if st, err := os.Stat(f); err == nil && st.IsDir() && isLocal(f) {
					listings = append(listings, ouiInput{name: f, path: f})
					continue
				}
				data, err := fetch(cmd.Context(), f)
				if err != nil {
					return err
				}
				if len(data) == 0 {
					return fmt.Errorf("%s is empty (0 bytes): there is nothing in it to update from", f)
				}
				if oui.IsCSV(data) {
					in := ouiInput{name: f, data: data}
					if isLocal(f) {
						in.path = f
					}
					listings = append(listings, in)
					continue
				}
				inputs = append(inputs, ipdata.Input{Name: f, Format: format, R: bytes.NewReader(data)})
			}
			if len(listings) > 0 && len(inputs) > 0 && out != "" {
				return errors.New("--output takes one kind of data: give the IP data and the IEEE listings in two runs")
			}
			if len(listings) > 0 {
				line, err := updateOUI(cmd.Context(), listings, out)
				if err != nil {
					return err
				}
				fmt.Fprintln(cmd.OutOrStdout(), line)
			}
			if len(inputs) == 0 {
				return nil
			}
			snap, err := ipdata.Build(inputs, ipdata.Meta{Name: "embargo-ipdata (updated)", Built: time.Now().UTC()})
			if err != nil {
				return formatUntold(err, inputs)
			}
			path := out
			if path == "" {
				if path, err = ipDataFile(); err != nil {
					return err
				}
			}
			if err := writeAtomic(path, snap.Write); err != nil {
				return err
			}
			m := snap.Meta()
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s (%s, built %s)\n", path, m.Digest, m.Built.Format(time.RFC3339))
			return nil
		},
	}
	update.Flags().StringArrayVar(&from, "from", nil, "an upstream file or http(s) URL, or a directory of IEEE listings (repeatable)")
	update.Flags().StringVar(&format, "format", "", "the inputs' format instead of detecting it: "+strings.Join(ipDataFormats, ", "))
	update.Flags().StringVar(&out, "output", "", "write the IP snapshot, or the MAC address registry, here instead of the default place")
	show := &cobra.Command{
		Use:   "show [IP-ADDRESS|ASN|MAC-ADDRESS...]",
		Short: "Say which IP data and MAC address registry are in use, and look addresses (and AS numbers) up in them",
		Long: `Show names the IP data and the IEEE MAC address registry in use, and looks up each argument:
an IP address (91.103.64.10) for its registered country, AS number and AS organisation; an AS
number (AS45090, or 45090) for its organisation, countries and the prefixes the IP data gives it;
a MAC address (44:19:b6:12:34:56) for the IEEE assignment of its block.

Names and domains are the catalogue's: embargo catalog search kaspersky.com.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, a := range args {
				if _, err := parseShowArg(a); err != nil {
					return err
				}
			}
			db, err := ipDB("")
			if err != nil {
				return err
			}
			reg, err := ouiInUse()
			if err != nil {
				return err
			}
			m := db.Meta()
			fmt.Fprintf(cmd.OutOrStdout(), "%s, built %s, %s\n", m.Name, m.Built.Format("2006-01-02"), m.Digest)
			for _, s := range m.Sources {
				fmt.Fprintf(cmd.OutOrStdout(), "  %s %s (%s): %s\n", s.Name, s.Version, s.License, s.Attribution)
			}
			fmt.Fprintln(cmd.OutOrStdout(), reg.describe())
			for _, a := range args {
				q, _ := parseShowArg(a)
				switch {
				case q.mac != nil:
					fmt.Fprintln(cmd.OutOrStdout(), reg.lookup(*q.mac))
				case q.ip.IsValid():
					i := db.Lookup(q.ip)
					fmt.Fprintf(cmd.OutOrStdout(), "%s\t%s\tAS%d\t%s\n", q.ip, orDash(i.Country), i.ASN, i.ASOrg)
				default:
					fmt.Fprintln(cmd.OutOrStdout(), asnLine(db, q.asn))
				}
			}
			return nil
		},
	}
	cmd.AddCommand(update, show)
	return cmd
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func cacheDirHint() string {
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "embargo", "ipdata")
	}
	return "$XDG_CACHE_HOME/embargo/ipdata on Linux"
}

func dataFileHint() string {
	return "$XDG_DATA_HOME/embargo/ipdata.snapshot or ~/.local/share/embargo/ipdata.snapshot"
}

// fetch reads a file, or downloads an http(s) URL, bounded.
func fetch(ctx context.Context, src string) ([]byte, error) {
	if !strings.HasPrefix(src, "http://") && !strings.HasPrefix(src, "https://") {
		return readBoundedN(src, ipdata.MaxFileSize)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: %s", src, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, ipdata.MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", src, err)
	}
	if len(data) > ipdata.MaxFileSize {
		return nil, fmt.Errorf("%s: more than %d bytes", src, ipdata.MaxFileSize)
	}
	return data, nil
}

func readBoundedN(name string, max int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s: more than %d bytes", name, max)
	}
	return data, nil
}

// writeAtomic writes path through a temporary file renamed over it.
func writeAtomic(path string, write func(io.Writer) error) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".ipdata-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return nil
}
