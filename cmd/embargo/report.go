package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/embargo-dev/embargo/server/deptreport"
	"github.com/embargo-dev/embargo/store"
)

// reportOptions are the flags of `embargo report`.
type reportOptions struct {
	db         fleetDB
	department string
	output     string
	paper      string
	browser    string
	save       bool
}

func newReportCmd() *cobra.Command {
	var o reportOptions
	cmd := &cobra.Command{
		Use:   "report --department D [-o html|json|pdf]",
		Short: "Write a department's compliance report from the fleet server's store",
		Long: `Report writes the department report a head of department reads in a minute: where the
department stands, the deadlines ahead and overdue with their owners, hosts not scanned in
30 days, waivers expiring soon, and what changed since the last report that was sent. The
HTML prints on one A4 or US Letter page; -o pdf prints it to a PDF with headless chromium
(the Debian package chromium) on --paper a4 or letter.

It reads the store directly (--data folder or --db DSN), as the server's system user.
Writing a report changes nothing; --save records it as sent, so that the next report
counts its changes from this one (as "Mark as sent" does in the dashboard).`,
		Example: `  embargo report --department DWP -o html > dwp.html
  embargo report --department DWP -o pdf --paper letter > dwp.pdf
  embargo report --department DWP -o json --db postgres://embargo@127.0.0.1/embargo --save`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runReport(cmd, o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.department, "department", "", "department to report on (required)")
	f.StringVarP(&o.output, "output", "o", "html", "output format: html|json|pdf")
	f.StringVar(&o.paper, "paper", "a4", "paper of -o pdf: a4|letter")
	f.StringVar(&o.browser, "browser", "", "the headless browser -o pdf prints with (default: chromium on the PATH)")
	f.BoolVar(&o.save, "save", false, "record the report as sent: the next report counts changes from it")
	o.db.register(f)
	catalogFlag(f)
	cmd.MarkFlagRequired("department")
	return cmd
}

func runReport(cmd *cobra.Command, o reportOptions) error {
	if o.output != "html" && o.output != "json" && o.output != "pdf" {
		return fmt.Errorf("unknown output format %q (html, json or pdf)", o.output)
	}
	if _, ok := deptreport.Papers[strings.ToLower(o.paper)]; !ok {
		return fmt.Errorf("--paper %q: want a4 or letter", o.paper)
	}
	if err := o.db.mustExist(); err != nil {
		return err
	}
	ctx := cmd.Context()
	st, err := o.db.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	cat, err := catalogInUse()
	if err != nil {
		return err
	}
	r, err := deptreport.Build(ctx, st, store.System, o.department, time.Now(), deptreport.CatalogNames(cat))
	if err != nil {
		return err
	}
	if o.output == "pdf" {
		pdf, err := deptreport.PDF(ctx, r, o.paper, o.browser)
		if err != nil {
			return err
		}
		if _, err := cmd.OutOrStdout().Write(pdf); err != nil {
			return err
		}
	} else if err := deptreport.Render(cmd.OutOrStdout(), r, o.output); err != nil {
		return err
	}
	if o.save {
		return deptreport.Save(ctx, st, store.System, r)
	}
	return nil
}
