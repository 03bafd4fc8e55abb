package main

import (
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/spf13/cobra"

	"github.com/embargo-dev/embargo/mdm"
)

func newMdmCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mdm",
		Short: "Pull phone and tablet inventories from device managers (Intune, Jamf Pro, Workspace ONE)",
		Long: `Mdm pulls the device and app inventories of Microsoft Intune (Graph), Jamf Pro and
Workspace ONE UEM and saves each response page as it came, for embargo scan to read:

  embargo mdm pull --config mdm.yaml --out /var/lib/embargo/mdm
  embargo scan /var/lib/embargo/mdm/intune-prod/current

The configuration lists connectors (name, kind, department, URLs, client id) and names
where each secret is kept (client_secret_file or client_secret_env); a secret is never
written in the configuration nor given on the command line. A pull writes a fresh run and
replaces OUT/NAME/current only when it completed; a failed pull leaves current as it was
and keeps what it fetched under OUT/NAME/partial.`,
	}
	cmd.AddCommand(newMdmPullCmd())
	return cmd
}

func newMdmPullCmd() *cobra.Command {
	var config, out string
	var names []string
	var verbose bool
	cmd := &cobra.Command{
		Use:   "pull --config FILE --out DIR [--connector NAME]...",
		Short: "Pull each connector's inventory once and say what was fetched",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := mdm.LoadFile(config)
			if err != nil {
				return err
			}
			level := slog.LevelWarn
			if verbose {
				level = slog.LevelInfo
			}
			log := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: level}))
			results, err := mdm.PullAll(cmd.Context(), cfg, names, mdm.Options{Out: out, Logger: log})
			if err != nil {
				return err
			}
			failed := 0
			for _, r := range results {
				printPull(cmd.OutOrStdout(), r)
				if r.Err != nil {
					failed++
				}
			}
			if failed > 0 {
				return fmt.Errorf("%d of %d pulls failed", failed, len(results))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&config, "config", "", "the MDM configuration (YAML)")
	f.StringVar(&out, "out", "", "the directory holding each connector's pulls")
	f.StringArrayVar(&names, "connector", nil, "pull only this connector (repeatable; default: all)")
	f.BoolVarP(&verbose, "verbose", "v", false, "log each retry and token renewal to stderr")
	cmd.MarkFlagRequired("config")
	cmd.MarkFlagRequired("out")
	return cmd
}

// printPull is the summary of one pull: its counts and where its files
// are, or why it failed, where its partial run is and what stays current.
func printPull(w io.Writer, r *mdm.Result) {
	fmt.Fprintf(w, "%s (%s, department %s): ", r.Connector, r.Kind, r.Department)
	counts := fmt.Sprintf("%d devices, %d pages, %d requests, %d retries, %d token renewals",
		r.Devices, r.Pages, r.Requests, r.Retries, r.Renewals)
	if r.Err == nil {
		fmt.Fprintf(w, "complete: %s\n  files: %s (run %s)\n", counts, r.Dir, r.Run)
	} else {
		fmt.Fprintf(w, "FAILED: %v\n", r.Err)
		if r.Dir != "" {
			fmt.Fprintf(w, "  partial run kept at %s (%s)\n", r.Dir, counts)
		}
		if r.Current != "" {
			fmt.Fprintf(w, "  still current: %s (run %s)\n", r.Current, r.CurrentRun)
		} else {
			fmt.Fprintln(w, "  no complete pull yet")
		}
	}
	if len(r.Gone) > 0 {
		fmt.Fprintf(w, "  gone before their request (404): %s\n", strings.Join(r.Gone, ", "))
	}
	if len(r.NoContent) > 0 {
		fmt.Fprintf(w, "  nothing to list (204): %s\n", strings.Join(r.NoContent, ", "))
	}
}
