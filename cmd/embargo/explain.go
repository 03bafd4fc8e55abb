package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/report"
	"github.com/embargo-dev/embargo/scan"
)

func newExplainCmd() *cobra.Command {
	var reportFile, output, state string
	cmd := &cobra.Command{
		Use:   "explain (ITEM-ID (INPUT... | --report REPORT.json) | FINDING-ID [--report REPORT.json])",
		Short: "Print the evidence chain for one item or finding: evidence → product → entity → parents → country → rule",
		Long: `Explain shows why an item was attributed: each field that matched which catalogue
identifier, with its source and confidence, then the product, the supplier, the control
chain with the fact behind each link, and the controlling country.

For a finding (F-...), the chain goes on: the system and its classification, the rule,
the instrument's clause and URL, the deadline, and the waiver if any. Findings are
read from the state file the last scan with --policy kept, or from a JSON report.

For an item, give the inputs again (item ids are stable across runs), or a JSON report
from 'embargo scan -o json'. An id prefix is enough when it is unique.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id := args[0]
			if strings.HasPrefix(id, "F-") {
				if len(args) > 1 {
					return fmt.Errorf("a finding is explained from the state file or --report, not by scanning again")
				}
				return explainFinding(cmd, id, reportFile, state, output)
			}
			if reportFile != "" {
				if len(args) > 1 {
					return fmt.Errorf("give either inputs or --report, not both")
				}
				return explainFromReport(cmd, id, reportFile)
			}
			if len(args) < 2 {
				return fmt.Errorf("give the inputs the item came from, or --report REPORT.json")
			}
			cat, err := catalogInUse()
			if err != nil {
				return err
			}
			rep, err := scan.Run(cmd.Context(), attribute.New(cat), args[1:], scan.Options{Version: version})
			if err != nil {
				return err
			}
			e, err := findEntry(rep.Items, id)
			if err != nil {
				return err
			}
			if output == "json" {
				return writeJSON(cmd.OutOrStdout(), e)
			}
			if err := report.Explain(cmd.OutOrStdout(), e); err != nil {
				return err
			}
			return dataLine(cmd, nil)
		},
	}
	cmd.Flags().StringVar(&reportFile, "report", "", "read the item or finding from this JSON report")
	cmd.Flags().StringVar(&state, "state", "", "read findings from this state file (default: the one embargo scan keeps)")
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text|json")
	catalogFlag(cmd.Flags())
	return cmd
}

func findEntry(items []report.Entry, id string) (report.Entry, error) {
	var found []report.Entry
	for _, e := range items {
		if e.ID == id {
			return e, nil
		}
		if strings.HasPrefix(e.ID, id) {
			found = append(found, e)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return report.Entry{}, fmt.Errorf("no item %q in the inputs", id)
	}
	return report.Entry{}, fmt.Errorf("%q matches %d items; give more of the id", id, len(found))
}

// explainFromReport prints the stored entry of a JSON report as it was
// written; the report carries the whole evidence chain.
func explainFromReport(cmd *cobra.Command, id, file string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var rep struct {
		Items []json.RawMessage `json:"items"`
		Data  *report.Data      `json:"data"`
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		return fmt.Errorf("%s: not an embargo JSON report: %w", file, err)
	}
	var matches []json.RawMessage
	for _, raw := range rep.Items {
		var head struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(raw, &head) == nil && strings.HasPrefix(head.ID, id) {
			if head.ID == id {
				matches = []json.RawMessage{raw}
				break
			}
			matches = append(matches, raw)
		}
	}
	if len(matches) != 1 {
		return fmt.Errorf("%s: %d items match %q", file, len(matches), id)
	}
	if err := report.ExplainJSON(cmd.OutOrStdout(), matches[0]); err != nil {
		return err
	}
	return reportDataLine(cmd, rep.Data)
}

// dataLine ends an explanation with the data it was judged by: ref, or
// — when the explanation is of a judgement made now — the data in use.
func dataLine(cmd *cobra.Command, ref *report.Data) error {
	if ref == nil {
		var err error
		if ref, err = dataRef(0, time.Now()); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintf(cmd.OutOrStdout(), "\n%s\n", ref.Text())
	return err
}

// reportDataLine ends an explanation read from a report with the data
// the report names, or says the report names none (written before
// reports named their data).
func reportDataLine(cmd *cobra.Command, ref *report.Data) error {
	if ref == nil {
		_, err := fmt.Fprintln(cmd.OutOrStdout(), "\nThe report does not name the data it was judged by.")
		return err
	}
	return dataLine(cmd, ref)
}
