package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/report"
	"github.com/embargo-dev/embargo/scan"
)

type scanOptions struct {
	output  string
	file    string
	reader  string
	quiet   bool
	sel     []string
	exclude []string
	crossFS bool
	// sourceRoot is what SARIF names files relative to.
	sourceRoot string
	judge      judgeOptions
	data       dataFlags
}

func newScanCmd() *cobra.Command {
	var o scanOptions
	cmd := &cobra.Command{
		Use:   "scan INPUT...",
		Short: "Attribute every item of SBOMs or inventories to its controlling supplier",
		Long: `Scan reads CycloneDX (JSON, XML), SPDX (JSON, tag-value), osquery result logs and dpkg
databases, attributes every item, and writes the report to standard output ("-" reads
standard input). A directory (the live root "/", a mounted disk, an unpacked image) is
walked once and every file offered to the host collectors; symbolic links are never
followed out of it, and a walk of "/" skips /proc, /sys, /dev and other file systems.
A container image tarball (docker save output or an OCI image layout) is unpacked layer by
layer, whiteouts applied, and walked the same way. A lone file that no format reader
recognises (a program such as setup.exe, a registry hive such as SOFTWARE, a JAR) is read by
the host collectors as the one file of a tree.

With --policy, every item is judged by the chosen packs on the system its host belongs to
(--systems, or the one target --classification and --tag describe): the report lists the
findings, each tied to an instrument's clause, with its deadline and any waiver, and the
exit code is 1 only when an unwaived finding at or above --fail-on remains.

Formats: ` + formatNames(),
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runScan(cmd, args, o) },
	}
	f := cmd.Flags()
	f.StringVarP(&o.output, "output", "o", "table", "output format: "+formatNames())
	f.StringVar(&o.file, "output-file", "", "write the report to this file instead of standard output")
	f.StringVar(&o.reader, "format", "", "read inputs as this format instead of detecting it: "+scan.ReaderNames()+", image")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "no progress on standard error")
	f.StringSliceVar(&o.sel, "select", nil, "directory, image and lone-file targets: run only these collectors, by name or tag (e.g. windows,signer)")
	f.StringArrayVar(&o.exclude, "exclude-path", nil, "directory and image targets: leave out this folder or file, as embargo prints it, relative to the working directory or the target, or absolute (repeatable)")
	f.StringVar(&o.sourceRoot, "source-root", "", "SARIF: name files relative to this directory, the repository's root for GitHub code scanning (default: the scanned directory, or the working directory)")
	f.BoolVar(&o.crossFS, "cross-filesystems", false, "scanning /: also walk other mounted file systems")
	wideFlag(f)
	o.judge.register(f)
	o.data.register(f)
	return cmd
}

func formatNames() string {
	var names []string
	for _, e := range report.Encoders() {
		names = append(names, e.Name())
	}
	return strings.Join(names, "|")
}

func runScan(cmd *cobra.Command, args []string, o scanOptions) error {
	enc, err := report.Lookup(o.output)
	if err != nil {
		return err
	}
	enc, err = report.Configure(enc, report.Options{SourceRoot: o.sourceRoot, Warn: func(s string) { fmt.Fprintf(cmd.ErrOrStderr(), "embargo: warning: %s\n", s) }})
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
	opts := scan.Options{Reader: o.reader, Version: version, Select: o.sel, Exclude: o.exclude, CrossFS: o.crossFS}
	if !o.quiet && term.IsTerminal(int(os.Stderr.Fd())) {
		opts.Progress = progressLine(cmd.ErrOrStderr())
	}
	rep, scanErr := scan.Run(cmd.Context(), attribute.New(cat), args, opts)
	if opts.Progress != nil {
		fmt.Fprint(cmd.ErrOrStderr(), "\r\033[K")
	}
	if scanErr != nil {
		return scanErr
	}
	if j != nil {
		j.Now = rep.Generated
		j.Devices = rep.DeviceHosts()
		rep.SetVerdict(j.Items(rep.Entries()))
		if j.State != nil {
			if err := j.State.Save(rep.Generated); err != nil {
				fmt.Fprintf(cmd.ErrOrStderr(), "embargo: %v; first sightings of this scan are not kept\n", err)
			}
		}
	}
	return writeReport(cmd, enc, rep, o.file, o.data)
}

// writeReport writes rep with enc to file (standard output when empty),
// naming the data it was judged by, says on standard error which inputs
// could not be read and whether the data is stale, and maps the report to
// the exit code: what `embargo scan` and `embargo flows` share.
func writeReport(cmd *cobra.Command, enc report.Encoder, rep *report.Report, file string, df dataFlags) error {
	enc = fitTable(cmd, enc, file)
	ref, err := dataRef(df.maxAge, time.Now())
	if err != nil {
		return err
	}
	rep.Data = ref
	reg, err := ouiInUse()
	if err != nil {
		return err
	}
	rep.OUI = reg.Registry
	if ref.Stale != "" {
		fmt.Fprintf(cmd.ErrOrStderr(), "embargo: warning: %s\n", ref.Stale)
	}
	out := cmd.OutOrStdout()
	if file != "" {
		fh, err := os.Create(file)
		if err != nil {
			return err
		}
		defer fh.Close()
		out = fh
	}
	if err := enc.Encode(out, rep); err != nil {
		return fmt.Errorf("writing %s output: %w", enc.Name(), err)
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
	case df.failOnStale && ref.Stale != "":
		return errStale
	}
	return nil
}

// progressLine rewrites one line of the terminal as the scan goes.
func progressLine(w io.Writer) func(scan.Event) {
	return func(e scan.Event) {
		switch e.Stage {
		case "walk":
			fmt.Fprintf(w, "\r\033[Kwalking %s: %d files, %d items found", e.Source, e.Items, e.Found)
			if e.Collector != "" {
				fmt.Fprintf(w, " (%s)", e.Collector)
			}
		case "read":
			fmt.Fprintf(w, "\r\033[Kreading %s", e.Source)
		default:
			fmt.Fprintf(w, "\r\033[K%s %s: %d items", e.Stage, e.Source, e.Items)
		}
	}
}

// wideFlag registers --wide on a command that writes a report with
// writeReport.
func wideFlag(f *pflag.FlagSet) {
	f.Bool("wide", false, "table output: cut no cell, however long the lines (by default lines are fitted to the terminal's width, or $COLUMNS)")
}

// fitTable fits a table to where it is written: the width of the
// terminal when standard output is one and file is not given, else
// $COLUMNS when set, else report.DefaultWidth; --wide cuts nothing.
// Other encoders are returned as they are.
func fitTable(cmd *cobra.Command, enc report.Encoder, file string) report.Encoder {
	t, ok := enc.(report.Table)
	if !ok {
		return enc
	}
	if wide, err := cmd.Flags().GetBool("wide"); err == nil && wide {
		t.Wide = true
		return t
	}
	t.Width = report.DefaultWidth
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		t.Width = n
	}
	if f, ok := cmd.OutOrStdout().(*os.File); ok && file == "" && term.IsTerminal(int(f.Fd())) {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
			t.Width = w
		}
	}
	return t
}
