package main

import (
	"bytes"
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

func newEnforceCmd() *cobra.Command {
	var output, file, ipFile string
	var includeHosting bool
	var policies, fromScans, quarantineScans []string
	cmd := &cobra.Command{
		Use:   "enforce -o nftables|rpz|hosts|suricata|applocker|ios-restrictions|intune-ios-compliance|intune-android-restrictions",
		Short: "Write block rules for the restricted suppliers: nftables, DNS RPZ, hosts, Suricata, AppLocker, MDM app block lists",
		Long: `Enforce derives, from the catalogue and the chosen policies, what to block: the entities the
packs' instruments name and every entity they control, their domains, the address
prefixes of their networks (from the IP data, by ASN) and their code-signing publishers;
and writes them in one of the formats: ` + emitterNames() + `.

Without --policy every catalogued entity is blocked. --from-scan adds the code-signing
subjects a scan (embargo scan -o json) read off executables of the blocked suppliers,
with valid signatures: AppLocker denies a publisher only by its whole certificate
subject, which the catalogue rarely gives.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			em, err := enforce.Lookup(output)
			if err != nil {
				return err
			}
			cat, err := catalogInUse()
			if err != nil {
				return err
			}
			var instruments []string
			if len(policies) > 0 {
				packs, err := loadPacks(policies, cat)
				if err != nil {
					return err
				}
				for _, p := range packs {
					instruments = append(instruments, p.Instrument)
				}
			}
			t, err := enforce.Derive(cat, instruments)
			if err != nil {
				return err
			}
			t.Generated = time.Now().UTC()
			if len(policies) > 0 {
				t.Note = "entities named by the instruments of " + strings.Join(policies, ", ") + " and the entities they control"
			}
			if includeHosting {
				t.IncludeHosting()
				t.Note += "; their hosting networks included"
			} else if n := len(t.HostingASNs) + len(t.HostingDomains); n > 0 {
				t.Note += fmt.Sprintf("; %d hosting networks and names (cloud platforms that host others) not blocked: --include-hosting blocks them", n)
			}
			if err := addPrefixes(cat, t, ipFile); err != nil {
				return err
			}
			for _, f := range fromScans {
				data, err := readBounded(f)
				if err != nil {
					return err
				}
				if _, err := t.AddObserved(f, data); err != nil {
					return err
				}
			}
			for _, f := range quarantineScans {
				data, err := readBounded(f)
				if err != nil {
					return err
				}
				if _, err := t.AddQuarantine(f, data); err != nil {
					return err
				}
			}
			if len(quarantineScans) > 0 && output != "nftables" {
				return fmt.Errorf("--quarantine-from-scan isolates devices' addresses with nftables: use -o nftables")
			}
			if file == "" {
				return em.Emit(cmd.OutOrStdout(), t)
			}
			// The artefact is written whole or not at all: an emitter that
			// has nothing to write (no app of the chosen instruments) must
			// not leave an empty policy behind to be deployed.
			var buf bytes.Buffer
			if err := em.Emit(&buf, t); err != nil {
				return err
			}
			return os.WriteFile(file, buf.Bytes(), 0o644)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "artefact to write: "+emitterNames())
	cmd.Flags().StringVar(&file, "output-file", "", "write to this file instead of standard output")
	cmd.Flags().StringSliceVar(&policies, "policy", nil, "block what these packs' instruments name: built-in ids, pack files, or all")
	cmd.Flags().StringArrayVar(&quarantineScans, "quarantine-from-scan", nil, "with -o nftables: isolate the addresses of the equipment (cameras, recorders, network gear) this scan report (-o json) attributed to the blocked suppliers (repeatable)")
	cmd.Flags().StringArrayVar(&fromScans, "from-scan", nil, "add the signer subjects this scan report (-o json) saw on the blocked suppliers' executables (repeatable)")
	cmd.Flags().StringVar(&ipFile, "ipdata", "", "IP data to turn ASNs into prefixes instead of the embedded snapshot")
	cmd.Flags().BoolVar(&includeHosting, "include-hosting", false, "also block the networks the entities run for others (their cloud platforms), not only their own")
	catalogFlag(cmd.Flags())
	_ = cmd.MarkFlagRequired("output")
	return cmd
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
	entityOf := map[uint32]string{}
	for _, n := range t.ASNs {
		for _, id := range cat.Index().Exact(catalog.ASN, fmt.Sprintf("AS%d", n)) {
			if id.Entity != nil {
				entityOf[n] = id.Entity.ID
			} else if id.Product != nil {
				entityOf[n] = id.Product.Supplier
			}
		}
	}
	db.PrefixesOf(t.ASNs, func(p netip.Prefix, info ipdata.Info) bool {
		t.Prefixes = append(t.Prefixes, enforce.Prefix{Prefix: p, ASN: info.ASN, Entity: entityOf[info.ASN]})
		return true
	})
	if len(t.Prefixes) == 0 {
		return fmt.Errorf("the IP data holds no prefixes for the ASNs %v", t.ASNs)
	}
	return nil
}
