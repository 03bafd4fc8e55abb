package main

import (
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/embargo-dev/embargo/egress/collect"
	"github.com/embargo-dev/embargo/flows"
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
	// notes are set up for the report.
	notes []string
	// judge is set when --policy gives packs to judge the traffic by.
	judge   *judge.Judge
	encoder report.Encoder

	output, file, format, ipdata string
	policies                     []string
	classification, systems      string
	tags                         []string
	waivers, failOn              string
	quiet                        bool
	data                         dataFlags
}

func (o *flowsOptions) register(f *pflag.FlagSet) {
	f.StringVarP(&o.output, "output", "o", "table", "output format: "+strings.Join(report.Names(report.TrafficEncoders()), "|"))
	f.StringVar(&o.file, "output-file", "", "write the report to this file instead of standard output")
	f.StringVar(&o.format, "format", "", "read inputs as this format instead of detecting it: "+flows.ReaderNames())
	f.StringVar(&o.ipdata, "ipdata", "", "IP data to use instead of the embedded snapshot: a snapshot from 'embargo data update' or a MaxMind/IPinfo .mmdb")
	o.data.register(f)
	wideFlag(f)
	f.StringSliceVar(&o.policies, "policy", nil, `judge traffic by the flow rules of these packs: built-in ids, a jurisdiction's packs (uk, us-federal, eu, de, au, ca), pack files, or "all"`)
	f.StringVar(&o.classification, "classification", "", "describe the sources: their classification, when no --systems register is given")
	f.StringSliceVar(&o.tags, "tag", nil, "describe the sources: tags (repeatable)")
	f.StringVar(&o.systems, "systems", "", "systems register (YAML): sources are matched by its address ranges")
	f.StringVar(&o.waivers, "waivers", "", "waivers file (YAML)")
	f.StringVar(&o.failOn, "fail-on", string(policy.Prohibit), "exit 1 when an unwaived finding has this effect or a stronger one: prohibit|remove-by|warn")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "no progress line or summaries on standard error")
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
			opts, err := o.setup(cmd)
			if err != nil {
				return err
			}
			opts.Progress = flowsProgressLine(cmd.ErrOrStderr(), o.quiet)
			rep, err := flows.Run(cmd.Context(), args, opts)
			if opts.Progress != nil {
				fmt.Fprint(cmd.ErrOrStderr(), "\r\033[K")
			}
			if err != nil {
				return err
			}
			return o.finish(cmd, rep)
		},
	}
	o.register(cmd.PersistentFlags())
	cmd.AddCommand(newFlowsListenCmd(&o))
	return cmd
}

// setup checks the flags and loads everything before any input is read.
func (o *flowsOptions) setup(cmd *cobra.Command) (flows.Options, error) {
	var opts flows.Options
	enc, err := report.LookupTraffic(o.output)
	if err != nil {
		return opts, err
	}
	// Refused before anything is read or listened to: a large log, or a
	// listener stopped after hours, would otherwise be read for nothing.
	if enc.Name() == "sarif" && len(o.policies) == 0 {
		return opts, errors.New("-o sarif lists findings, and traffic has findings only when judged: give --policy " +
			"(uk-ncsc-2017-russia-egress judges traffic; 'embargo policy list' shows the packs), or use -o table, json or csv")
	}
	o.encoder = enc
	// The IP data first: the embedded snapshot is decoded on another
	// goroutine, which then overlaps the catalogue's loading too.
	ip, describeIP, err := openIPData(o.ipdata)
	if err != nil {
		return opts, err
	}
	cat, err := catalogInUse()
	if err != nil {
		return opts, err
	}
	opts = flows.Options{Options: collect.Options{Catalog: cat, Lookup: ip}, Format: o.format, Stdin: cmd.InOrStdin(),
		IPData: describeIP, Version: version, Now: time.Now().UTC()}
	if len(o.policies) == 0 && cmd.Flags().Changed("fail-on") {
		return opts, errors.New("--fail-on judges traffic by policy: give --policy too")
	}
	ps, err := loadPolicy(cat, policyFlags{policies: o.policies, systems: o.systems, classify: o.classification,
		tags: o.tags, waivers: o.waivers, failOn: o.failOn, what: "sources"})
	if err != nil {
		return opts, err
	}
	sysName := systems.OneOffID
	if ps.Register != nil {
		opts.Sources, sysName = collect.RegisterSources{Register: ps.Register}, o.systems
	} else {
		opts.Sources = collect.OneOffSources(ps.OneOff)
	}
	if ps.Engine == nil {
		return opts, nil
	}
	if !ps.Engine.FlowRules() {
		o.notes = append(o.notes, "none of the chosen packs has rules about traffic (rules that read flow); 'embargo policy list' shows uk-ncsc-2017-russia-egress")
	}
	o.judge = &judge.Judge{Engine: ps.Engine, SystemsName: sysName, Waivers: ps.Waivers, WaiversName: o.waivers, FailOn: ps.FailOn, Now: opts.Now}
	return opts, nil
}

// finish judges the report of what was read, writes it and maps the
// outcome to the exit code.
func (o *flowsOptions) finish(cmd *cobra.Command, rep *report.Report) error {
	rep.Notes = append(rep.Notes, o.notes...)
	if o.judge != nil {
		rep.SetVerdict(o.judge.Traffic(rep.Traffic.Aggregates, (*collect.Aggregate).SourceSystem))
	}
	return writeReport(cmd, o.encoder, rep, o.file, o.data)
}
