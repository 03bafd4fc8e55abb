package main

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/enforce"
	"github.com/embargo-dev/embargo/ipdata"
)

// enforceOptions are the flags of `embargo enforce`.
type enforceOptions struct {
	output, file, ipFile       string
	includeHosting, allowEmpty bool
	policies, tags             []string
	classification             string
	fromScans, quarantineScans []string
}

func newEnforceCmd() *cobra.Command {
	var o enforceOptions
	cmd := &cobra.Command{
		Use:   "enforce -o nftables|rpz|hosts|suricata|applocker|ios-restrictions|intune-ios-compliance|intune-android-restrictions",
		Short: "Write block rules for the restricted suppliers: nftables, DNS RPZ, hosts, Suricata, AppLocker, MDM app block lists",
		Long: `Enforce derives, from the catalogue and the chosen policies, what to block — domains,
the address prefixes of networks (from the IP data, by ASN), code-signing publishers and
mobile apps — and writes it in one of the formats: ` + emitterNames() + `.

With --policy, it blocks exactly what the packs flag: every product and entity that
'embargo scan --policy' would flag an item of, whatever the effect (prohibit, remove-by
or warn), on a system described by the same --classification and --tag; and, for domains
and networks, also those 'embargo flows --policy' would flag traffic to. Without --policy
every catalogued entity is blocked, and standard error says what such a broad block
catches.

Networks the entities run for others (their cloud platforms) are set aside unless
--include-hosting. An artefact that would block nothing (an AppLocker policy of allow
rules only, an empty block list) is not written, and the command fails, unless
--allow-empty. --from-scan adds the code-signing subjects a scan (embargo scan -o json)
read off executables of the blocked suppliers, with valid signatures: AppLocker denies a
publisher only by its whole certificate subject, which the catalogue rarely gives.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runEnforce(cmd, o) },
	}
	f := cmd.Flags()
	f.StringVarP(&o.output, "output", "o", "", "artefact to write: "+emitterNames())
	f.StringVar(&o.file, "output-file", "", "write to this file instead of standard output")
	f.StringSliceVar(&o.policies, "policy", nil, `block what these packs flag: built-in ids, a jurisdiction's packs (uk, us-federal, eu, de, au, ca), pack files, or "all"`)
	f.StringVar(&o.classification, "classification", "", "with --policy: the classification of the systems the artefact protects, as for scan (e.g. OFFICIAL, SECRET)")
	f.StringSliceVar(&o.tags, "tag", nil, "with --policy: tags of the systems the artefact protects, as for scan (repeatable)")
	f.StringArrayVar(&o.quarantineScans, "quarantine-from-scan", nil, "with -o nftables: isolate the addresses of the equipment (cameras, recorders, network gear) this scan report (-o json) attributed to the blocked suppliers (repeatable)")
	f.StringArrayVar(&o.fromScans, "from-scan", nil, "add the signer subjects this scan report (-o json) saw on the blocked suppliers' executables (repeatable)")
	f.StringVar(&o.ipFile, "ipdata", "", "IP data to turn ASNs into prefixes instead of the embedded snapshot")
	f.BoolVar(&o.includeHosting, "include-hosting", false, "also block the networks the entities run for others (their cloud platforms), not only their own")
	f.BoolVar(&o.allowEmpty, "allow-empty", false, "write the artefact even when it blocks nothing (a warning is still printed)")
	catalogFlag(f)
	_ = cmd.MarkFlagRequired("output")
	return cmd
}

func runEnforce(cmd *cobra.Command, o enforceOptions) error {
	em, err := enforce.Lookup(o.output)
	if err != nil {
		return err
	}
	if len(o.quarantineScans) > 0 && o.output != "nftables" {
		return errors.New("--quarantine-from-scan isolates devices' addresses with nftables: use -o nftables")
	}
	if len(o.policies) == 0 && (o.classification != "" || len(o.tags) > 0) {
		return errors.New("--classification and --tag describe the systems the packs judge: give --policy too")
	}
	cat, err := catalogInUse()
	if err != nil {
		return err
	}
	chooser, err := enforceChooser(cat, o.policies, o.classification, o.tags)
	if err != nil {
		return err
	}
	t, err := enforce.Derive(cat, chooser)
	if err != nil {
		return err
	}
	t.Generated = time.Now().UTC()
	if o.includeHosting {
		t.IncludeHosting()
		t.Note += "; their hosting networks included"
	} else if n := len(t.HostingASNs) + len(t.HostingDomains); n > 0 {
		t.Note += fmt.Sprintf("; %d hosting networks and names (cloud platforms that host others) not blocked: --include-hosting blocks them", n)
	}
	if err := addPrefixes(cat, t, o.ipFile); err != nil {
		return err
	}
	for _, f := range o.fromScans {
		data, err := readBounded(f)
		if err != nil {
			return err
		}
		if _, err := t.AddObserved(f, data); err != nil {
			return err
		}
	}
	for _, f := range o.quarantineScans {
		data, err := readBounded(f)
		if err != nil {
			return err
		}
		if _, err := t.AddQuarantine(f, data); err != nil {
			return err
		}
	}
	stderr := cmd.ErrOrStderr()
	if len(o.policies) == 0 || o.includeHosting {
		for _, l := range breadthLines(cat, t, em.Name(), len(o.policies) == 0) {
			fmt.Fprintln(stderr, l)
		}
	}
	if why := em.Empty(t); why != "" {
		if !o.allowEmpty {
			return fmt.Errorf("the %s artefact would block nothing: %s. Nothing was written; %s", em.Name(), why, emptyHint(em.Name(), o, t))
		}
		fmt.Fprintf(stderr, "embargo: warning: the %s artefact blocks nothing (--allow-empty): %s\n", em.Name(), why)
		t.AllowEmpty = true
	}
	if o.file == "" {
		return em.Emit(cmd.OutOrStdout(), t)
	}
	// The artefact is written whole or not at all.
	var buf bytes.Buffer
	if err := em.Emit(&buf, t); err != nil {
		return err
	}
	return os.WriteFile(o.file, buf.Bytes(), 0o644)
}

// emptyHint says what to do about an artefact that would block nothing.
func emptyHint(format string, o enforceOptions, t *enforce.Targets) string {
	var hints []string
	switch {
	case format == "applocker" && len(o.fromScans) == 0:
		hints = append(hints, "--from-scan REPORT.json adds the certificate subjects a scan read off the suppliers' executables")
	case len(o.policies) > 0:
		hints = append(hints, "check what the packs flag with 'embargo scan --policy' on the same --classification and --tag")
	}
	if len(t.HostingASNs)+len(t.HostingDomains) > 0 && (format == "nftables" || format == "suricata" || format == "rpz" || format == "hosts") {
		hints = append(hints, "--include-hosting adds the networks the entities run for others")
	}
	hints = append(hints, "--allow-empty writes the artefact anyway")
	return strings.Join(hints, "; ")
}

func emitterNames() string {
	var names []string
	for _, e := range enforce.Emitters() {
		names = append(names, e.Name())
	}
	return strings.Join(names, ", ")
}

// addPrefixes turns the targets' ASNs into address prefixes, each
// credited to the entity whose catalogue identifier names the ASN.
func addPrefixes(cat *catalog.Catalog, t *enforce.Targets, file string) error {
	if len(t.ASNs) == 0 {
		return nil
	}
	db, err := ipDB(file)
	if err != nil {
		return err
	}
	entityOf := asnEntities(cat)
	db.PrefixesOf(t.ASNs, func(p netip.Prefix, info ipdata.Info) bool {
		t.Prefixes = append(t.Prefixes, enforce.Prefix{Prefix: p, ASN: info.ASN, Entity: entityOf[info.ASN]})
		return true
	})
	if len(t.Prefixes) == 0 {
		return fmt.Errorf("the IP data holds no prefixes for the ASNs %v", t.ASNs)
	}
	return nil
}

// asnEntities maps each catalogued ASN to the entity its identifier
// belongs to (a product's supplier for a product's).
func asnEntities(cat *catalog.Catalog) map[uint32]string {
	out := map[uint32]string{}
	add := func(e string, ids []catalog.Identifier) {
		for _, id := range ids {
			if id.Kind != catalog.ASN {
				continue
			}
			var n uint32
			if _, err := fmt.Sscanf(strings.ToUpper(strings.TrimSpace(id.Value)), "AS%d", &n); err == nil {
				out[n] = e
			}
		}
	}
	for _, e := range cat.Entities {
		add(e.ID, e.Identifiers)
	}
	for _, p := range cat.Products {
		add(p.Supplier, p.Identifiers)
	}
	return out
}
