package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/discover"
	"github.com/embargo-dev/embargo/inventory/discovery"
	"github.com/embargo-dev/embargo/report"
	"github.com/embargo-dev/embargo/scan"
)

type discoverOptions struct {
	targets    []string
	maxTargets int
	probes     []string
	snmp       discover.SNMPConfig
	rate       float64
	timeout    time.Duration
	workers    int
	dryRun     bool
	save       string
	logFile    string
	output     string
	file       string
	judge      judgeOptions
	data       dataFlags
}

func newDiscoverCmd() *cobra.Command {
	var o discoverOptions
	cmd := &cobra.Command{
		Use:   "discover --targets CIDR...",
		Short: "Probe the given address ranges for equipment and say who made it",
		Long: `Discover asks every address of the ranges given with --targets (there is no default
range: probe only networks you are authorised to) who it is: SNMP sysObjectID and sysDescr
(v2c communities and v3 users from --snmp-community-file or --snmp-community; without
them, SNMP is not tried), HTTP(S) Server header, page title and certificate subject, ONVIF WS-Discovery and
GetDeviceInformation, an SSDP M-SEARCH and the UPnP description it points to, and mDNS
service types, every probe unicast to a target address. The MAC address the kernel
resolved for a target on the local link is added. Probes start at most --rate per second
across the run; each is logged before it is sent (standard error, or --log as JSON lines).
--dry-run lists the probes and sends nothing.

The answers are saved as a discovery document (--save), which 'embargo scan' reads, and
attributed and judged as 'embargo scan' would: a device whose label says one brand while
its MAC's IEEE assignment, SNMP enterprise number or certificate says a catalogued
manufacturer is reported as made by that manufacturer, "sold as" the label. To attribute an
Nmap run instead of probing, scan its XML: 'embargo scan nmap.xml'.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runDiscover(cmd, o) },
	}
	f := cmd.Flags()
	f.StringSliceVar(&o.targets, "targets", nil, "addresses and prefixes to probe (required; comma-separated or repeated)")
	f.IntVar(&o.maxTargets, "max-targets", discover.MaxTargets, "refuse a run of more addresses than this")
	f.StringSliceVar(&o.probes, "probes", nil, "run only these probers: "+discover.ProberNames())
	f.StringVar(&o.snmp.CredentialsFile, "snmp-community-file", "", `SNMP credentials to try in order, one per line: a v2c community, or "v3 user=NAME [auth=SHA-256 authpass-file=F] [priv=AES privpass-file=F]"; without credentials SNMP is not tried`)
	f.StringSliceVar(&o.snmp.Communities, "snmp-community", nil, "SNMP v2c communities to try after the file's (visible to other users in the process list: prefer the file)")
	f.Float64Var(&o.rate, "rate", discover.DefaultRate, "most probes started per second")
	f.DurationVar(&o.timeout, "timeout", discover.DefaultTimeout, "how long to wait for each answer")
	f.IntVar(&o.workers, "workers", discover.DefaultWorkers, "addresses probed at once")
	f.BoolVar(&o.dryRun, "dry-run", false, "list the probes that would be sent, send nothing")
	f.StringVar(&o.save, "save", "", `write the discovery document here (default "discovery-<UTC time>.json")`)
	f.StringVar(&o.logFile, "log", "", "write the probe log to this file as JSON lines instead of standard error")
	f.StringVarP(&o.output, "output", "o", "table", "output format: "+formatNames())
	f.StringVar(&o.file, "output-file", "", "write the report to this file instead of standard output")
	o.judge.register(f)
	o.data.register(f)
	wideFlag(f)
	return cmd
}

func runDiscover(cmd *cobra.Command, o discoverOptions) error {
	targets, err := discover.ParseTargets(o.targets)
	if err != nil {
		return err
	}
	o.snmp.Warn = func(w string) { fmt.Fprintf(cmd.ErrOrStderr(), "embargo: warning: %s\n", w) }
	probers, err := discover.Probers(o.probes, o.snmp)
	if err != nil {
		return err
	}
	enc, err := report.Lookup(o.output)
	if err != nil {
		return err
	}
	cat, err := catalogInUse()
	if err != nil {
		return err
	}
	j, err := o.judge.build(cmd.Flags(), cat)
	if err != nil {
		return err
	}
	logw, closeLog, err := probeLog(cmd, o)
	if err != nil {
		return err
	}
	defer closeLog()
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	doc, err := discover.Run(ctx, discover.Options{
		Targets: targets, MaxTargets: o.maxTargets, Probers: probers, Rate: o.rate,
		Timeout: o.timeout, Workers: o.workers, DryRun: o.dryRun, Log: logw,
	})
	if err != nil {
		return err
	}
	if o.dryRun {
		fmt.Fprintf(cmd.ErrOrStderr(), "embargo: dry run: nothing was sent to %s\n", plural(doc.Addresses, "address", "addresses"))
		return nil
	}
	path, err := saveDiscovery(doc, o.save)
	if err != nil {
		return err
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "embargo: %s probed with %s, %d answered; saved %s\n",
		plural(doc.Addresses, "address", "addresses"), plural(doc.Probes, "probe", "probes"), len(doc.Hosts), path)
	rep, err := scan.Run(cmd.Context(), attribute.New(cat), []string{path}, scan.Options{Reader: discovery.Reader{}.Name(), Version: version})
	if err != nil {
		return err
	}
	if j != nil {
		j.Now = rep.Generated
		rep.SetVerdict(j.Items(rep.Entries()))
	}
	return writeReport(cmd, enc, rep, o.file, o.data)
}

// probeLog returns where probe records go: text lines on standard error,
// or JSON lines in --log.
func probeLog(cmd *cobra.Command, o discoverOptions) (func(discover.Record), func(), error) {
	if o.dryRun && o.logFile == "" {
		w := cmd.OutOrStdout()
		return func(r discover.Record) { fmt.Fprintln(w, "would send", r.Probe) }, func() {}, nil
	}
	if o.logFile == "" {
		w := cmd.ErrOrStderr()
		return func(r discover.Record) { fmt.Fprintln(w, textRecord(r)) }, func() {}, nil
	}
	fh, err := os.OpenFile(o.logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o640)
	if err != nil {
		return nil, nil, err
	}
	enc := json.NewEncoder(fh)
	return func(r discover.Record) { enc.Encode(r) }, func() { fh.Close() }, nil
}

func textRecord(r discover.Record) string {
	state := "sent"
	switch {
	case r.Refused != "":
		state = "refused (" + r.Refused + ")"
	case !r.Sent:
		state = "not sent (dry run)"
	}
	return fmt.Sprintf("%s %s %s", r.Time.Format(time.RFC3339Nano), state, r.Probe)
}

// saveDiscovery writes the document; an existing file is not replaced.
func saveDiscovery(doc *discovery.Document, path string) (string, error) {
	if path == "" {
		path = "discovery-" + doc.Started.Format("20060102T150405Z") + ".json"
	}
	fh, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return "", fmt.Errorf("%s exists: choose another --save file", path)
		}
		return "", err
	}
	enc := json.NewEncoder(fh)
	enc.SetIndent("", " ")
	if err := enc.Encode(doc); err != nil {
		fh.Close()
		return "", fmt.Errorf("writing %s: %w", path, err)
	}
	return path, fh.Close()
}

// plural is n with the noun's form for it.
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
