package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/embargo-dev/embargo/policy"
	"github.com/embargo-dev/embargo/policy/systems"
)

func newPolicyCmd() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Inspect and test policy packs: rules tied to the clauses of real instruments",
	}
	cmd.PersistentFlags().StringVarP(&output, "output", "o", "table", "output format: table|json")
	catalogFlag(cmd.PersistentFlags())
	list := &cobra.Command{
		Use:   "list",
		Short: "List the built-in policy packs",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			packs, err := packsInUse()
			if err != nil {
				return err
			}
			if output == "json" {
				return writeJSON(cmd.OutOrStdout(), packs)
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "PACK\tINSTRUMENT\tRULES\tEXAMPLES\tTITLE")
			for _, p := range packs {
				fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\n", p.ID, p.Instrument, len(p.Rules), len(p.Examples), p.Title)
			}
			return tw.Flush()
		},
	}
	show := &cobra.Command{
		Use:   "show PACK",
		Short: "Show a pack's rules: clause, effect, severity, deadline and the CEL condition",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := policy.BuiltinPack(args[0])
			if err != nil {
				return err
			}
			if output == "json" {
				return writeJSON(cmd.OutOrStdout(), p)
			}
			return showPack(cmd.OutOrStdout(), p)
		},
	}
	test := &cobra.Command{
		Use:   "test [PACK-FILE...]",
		Short: "Run the examples of the built-in packs, or of the given pack files",
		RunE: func(cmd *cobra.Command, args []string) error {
			packs, err := packsToTest(args)
			if err != nil {
				return err
			}
			return testPacks(cmd.OutOrStdout(), packs)
		},
	}
	cmd.AddCommand(list, show, test)
	return cmd
}

func packsToTest(files []string) ([]*policy.Pack, error) {
	if len(files) == 0 {
		return packsInUse()
	}
	var out []*policy.Pack
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		p, err := policy.LoadPack(f, data)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func showPack(w io.Writer, p *policy.Pack) error {
	fmt.Fprintf(w, "%s: %s\n  instrument %s", p.ID, p.Title, p.Instrument)
	if !p.Effective.IsZero() {
		fmt.Fprintf(w, ", effective %s", p.Effective.Format("2006-01-02"))
	}
	fmt.Fprintln(w)
	for _, r := range p.Rules {
		when := strings.ReplaceAll(strings.TrimSpace(r.When), "\n", "\n              ")
		fmt.Fprintf(w, "\n  rule %s (%s, %s)\n    clause:   %s\n", r.ID, r.Effect, r.Severity, r.Clause)
		if d := deadlineRule(p, r.Deadline); d != "" {
			fmt.Fprintf(w, "    deadline: %s\n", d)
		}
		fmt.Fprintf(w, "    when:     %s\n", when)
	}
	_, err := fmt.Fprintf(w, "\n  %d examples (embargo policy test)\n", len(p.Examples))
	return err
}

// deadlineRule says when a rule's findings are due, in words.
func deadlineRule(p *policy.Pack, d *policy.Deadline) string {
	switch {
	case d == nil:
		return ""
	case !d.Date.IsZero():
		return d.Date.Format(policy.DateLayout)
	case d.From == policy.FromEffective && !p.Effective.IsZero():
		return fmt.Sprintf("%s (%d days after the effective date)", p.Effective.AddDate(0, 0, d.DaysAfter).Format(policy.DateLayout), d.DaysAfter)
	}
	return fmt.Sprintf("%d days after the finding is first seen", d.DaysAfter)
}

// testPacks runs every example; a failing example is an error, so the
// exit code says whether the packs hold.
func testPacks(w io.Writer, packs []*policy.Pack) error {
	cat, err := catalogInUse()
	if err != nil {
		return err
	}
	e, err := policy.NewEngine(cat, systems.UKScale(), packs...)
	if err != nil {
		return err
	}
	failed, total := 0, 0
	for _, p := range packs {
		for _, r := range e.RunExamples(p) {
			total++
			verdict := "ok  "
			if r.Failed() {
				failed++
				verdict = "FAIL"
			}
			fmt.Fprintf(w, "%s %s: %s (%s)", verdict, p.ID, r.Example.Name, r.Example.Expect)
			if r.Failed() {
				fmt.Fprintf(w, ": %s", r.Problem)
			}
			fmt.Fprintln(w)
		}
	}
	fmt.Fprintf(w, "%d passed, %d failed\n", total-failed, failed)
	if failed > 0 {
		return fmt.Errorf("%d of %d examples failed", failed, total)
	}
	return nil
}
