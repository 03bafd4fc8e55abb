package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/egress"
	"github.com/embargo-dev/embargo/egress/readers"
	"github.com/embargo-dev/embargo/judge"
	"github.com/embargo-dev/embargo/policy"
	"github.com/embargo-dev/embargo/policy/systems"
	"github.com/embargo-dev/embargo/report"
)

// flowsGCPercent is the garbage collector's GOGC while flows are read
// and judged.
const flowsGCPercent = 400

// flowsOptions are the flags of `embargo flows`.
type flowsOptions struct {
	describeIP func() (*report.IPData, error)
	// judge is set when --policy gives packs to judge the traffic by.
	judge   *judge.Judge
	encoder report.Encoder

	output, file, format, ipdata string
	policies                     []string
	classification, systems      string
	tags                         []string
	waivers, failOn              string
	quiet                        bool
}

func (o *flowsOptions) register(f *pflag.FlagSet) {
	f.StringVarP(&o.output, "output", "o", "table", "output format: "+strings.Join(report.Names(report.TrafficEncoders()), "|"))
	f.StringVar(&o.file, "output-file", "", "write the report to this file instead of standard output")
	f.StringVar(&o.format, "format", "", "read inputs as this format instead of detecting it: "+readerNames())
	f.StringVar(&o.ipdata, "ipdata", "", "IP data to use instead of the embedded snapshot: a snapshot from 'embargo data update' or a MaxMind/IPinfo .mmdb")
	f.StringSliceVar(&o.policies, "policy", nil, `judge traffic by the flow rules of these packs: built-in ids, pack files, or "all"`)
	f.StringVar(&o.classification, "classification", "", "describe the sources: their classification, when no --systems register is given")
	f.StringSliceVar(&o.tags, "tag", nil, "describe the sources: tags (repeatable)")
	f.StringVar(&o.systems, "systems", "", "systems register (YAML): sources are matched by its address ranges")
	f.StringVar(&o.waivers, "waivers", "", "waivers file (YAML)")
	f.StringVar(&o.failOn, "fail-on", string(policy.Prohibit), "exit 1 when an unwaived finding has this effect or a stronger one: prohibit|remove-by|warn")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "no summaries on standard error")
}

func readerNames() string {
	var names []string
	for _, r := range readers.All() {
		names = append(names, r.Name())
	}
	return strings.Join(names, ", ")
}

func newFlowsCmd() *cobra.Command {
	var o flowsOptions
	cmd := &cobra.Command{
		Use:   "flows INPUT...",
		Short: "Attribute network flows to the entity controlling each destination, and judge them",
		Long: `Flows reads Zeek logs (conn, dns, ssl, http; TSV or JSON), Suricata EVE JSON, pcap and
pcapng captures, and AWS VPC Flow Logs, in any mix ("-" reads standard input; .gz is
decompressed). Each destination is attributed by the names its traffic carried or
resolved (TLS SNI, HTTP Host, the DNS answers its client received), by its network owner
(ASN and AS organisation) and by the country its address is registered in; all three are
reported, with the one that decided. Traffic is added up per source system (from the
--systems register's address ranges, or one system described by --classification and
--tag) and destination, and judged by the flow rules of the --policy packs.

'embargo flows listen' receives NetFlow v5/v9 and IPFIX instead.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			// What is read is mostly kept (the collector's tables, bounded by
			// its caps) rather than garbage: collecting less often, unless
			// GOGC says otherwise, saves the marking of a growing table
			// again and again (about a tenth of the time of a large log).
			if os.Getenv("GOGC") == "" {
				defer debug.SetGCPercent(debug.SetGCPercent(flowsGCPercent))
			}
			j, rep, err := o.setup(cmd)
			if err != nil {
				return err
			}
			inputs, err := j.ReadInputs(cmd.Context(), readers.All(), args, o.format, cmd.InOrStdin())
			if err != nil {
				return err
			}
			return o.finish(cmd, j, rep, inputs)
		},
	}
	o.register(cmd.PersistentFlags())
	cmd.AddCommand(newFlowsListenCmd(&o))
	return cmd
}

// setup checks the flags and loads everything before any input is read.
func (o *flowsOptions) setup(cmd *cobra.Command) (*egress.Aggregator, *report.Report, error) {
	enc, err := report.LookupTraffic(o.output)
	if err != nil {
		return nil, nil, err
	}
	o.encoder = enc
	// The IP data first: the embedded snapshot is decoded on another
	// goroutine, which then overlaps the catalogue's loading too.
	ip, describeIP, err := openIPData(o.ipdata)
	if err != nil {
		return nil, nil, err
	}
	cat, err := catalog.Embedded()
	if err != nil {
		return nil, nil, fmt.Errorf("embedded catalogue: %w", err)
	}
	o.describeIP = describeIP
	now := time.Now().UTC()
	opts := egress.Options{Catalog: cat, Lookup: ip}
	rep := &report.Report{Tool: report.Tool{Name: "embargo", Version: version}, Generated: now,
		Catalog: report.CatalogOf(cat), Cat: cat}
	if len(o.policies) == 0 && cmd.Flags().Changed("fail-on") {
		return nil, nil, errors.New("--fail-on judges traffic by policy: give --policy too")
	}
	ps, err := loadPolicy(cat, policyFlags{policies: o.policies, systems: o.systems, classify: o.classification,
		tags: o.tags, waivers: o.waivers, failOn: o.failOn, what: "sources"})
	if err != nil {
		return nil, nil, err
	}
	sysName := systems.OneOffID
	if ps.Register != nil {
		opts.Sources, sysName = egress.RegisterSources{Register: ps.Register}, o.systems
	} else {
		opts.Sources = egress.OneOffSources(ps.OneOff)
	}
	if ps.Engine == nil {
		return egress.NewAggregator(opts), rep, nil
	}
	if !ps.Engine.FlowRules() {
		rep.Notes = append(rep.Notes, "none of the chosen packs has rules about traffic (rules that read flow); 'embargo policy list' shows uk-ncsc-2017-russia-egress")
	}
	o.judge = &judge.Judge{Engine: ps.Engine, SystemsName: sysName, Waivers: ps.Waivers, WaiversName: o.waivers, FailOn: ps.FailOn, Now: now}
	return egress.NewAggregator(opts), rep, nil
}

// finish aggregates and judges what was read, writes the report and maps
// the outcome to the exit code.
func (o *flowsOptions) finish(cmd *cobra.Command, a *egress.Aggregator, rep *report.Report, inputs []egress.Input) error {
	res, err := a.Complete(inputs)
	if err != nil {
		if errors.Is(err, egress.ErrNothingRead) {
			for _, in := range inputs {
				fmt.Fprintf(cmd.ErrOrStderr(), "embargo: %s\n", in.Error)
			}
		}
		return err
	}
	ip, err := o.describeIP()
	if err != nil {
		return fmt.Errorf("IP data: %w", err)
	}
	rep.SetTraffic(inputs, res, ip)
	if o.judge != nil {
		rep.SetVerdict(o.judge.Traffic(res.Aggregates, (*egress.Aggregate).SourceSystem))
	}
	var out io.Writer = cmd.OutOrStdout()
	if o.file != "" {
		fh, err := os.Create(o.file)
		if err != nil {
			return err
		}
		defer fh.Close()
		out = fh
	}
	if err := o.encoder.Encode(out, rep); err != nil {
		return fmt.Errorf("writing %s output: %w", o.output, err)
	}
	for _, in := range rep.Inputs {
		if in.Error != "" {
			fmt.Fprintf(cmd.ErrOrStderr(), "embargo: %s\n", in.Error)
		}
	}
	switch {
	case rep.Restricted():
		return errRestricted
	case rep.Incomplete():
		return errIncomplete
	}
	return nil
}
