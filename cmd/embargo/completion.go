package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/embargo-dev/embargo/policy"
	"github.com/embargo-dev/embargo/scan"
)

// completionHelp documents `embargo completion`, which cobra provides.
const completionHelp = `Print the script that makes your shell complete embargo's commands, flags and values:
-o and --format (the formats the command reads or writes), --policy (built-in packs and
jurisdictions), --select (collectors and their tags), the catalogue ids of 'catalog show', the
packs of 'policy show', and the item and finding ids of 'explain'.

    bash:       embargo completion bash > /etc/bash_completion.d/embargo
                (or source <(embargo completion bash) in ~/.bashrc; needs bash-completion)
    zsh:        embargo completion zsh > "${fpath[1]}/_embargo"
    fish:       embargo completion fish > ~/.config/fish/completions/embargo.fish
    PowerShell: embargo completion powershell | Out-String | Invoke-Expression

See 'embargo completion SHELL --help' for each shell.`

// completions registers value completion on the commands of root: each
// flag whose help lists its values (-o, --format, --fail-on, --probes...)
// completes them, and --policy, --select, the YAML files flags read, and
// the ids 'catalog show', 'policy show' and 'explain' take complete from
// the data in use.
func completions(root *cobra.Command) {
	root.AddCommand(newCompletionCmd())
	walkCommands(root, func(c *cobra.Command) {
		// A flag is registered once, on the command that declares it.
		c.LocalFlags().VisitAll(func(f *pflag.Flag) {
			if fn := flagCompletion(f); fn != nil {
				// An error: the flag already has a completion of its
				// own, which is kept.
				_ = c.RegisterFlagCompletionFunc(f.Name, fn)
			}
		})
		if c.ValidArgsFunction != nil {
			return
		}
		switch commandPath(c) {
		case "catalog show":
			c.ValidArgsFunction = firstArg(completeCatalogIDs, cobra.ShellCompDirectiveNoFileComp)
		case "policy show":
			c.ValidArgsFunction = firstArg(completePackIDs, cobra.ShellCompDirectiveNoFileComp)
		case "explain":
			c.ValidArgsFunction = firstArg(completeExplainIDs, cobra.ShellCompDirectiveDefault) // then its inputs
		}
	})
}

// flagCompletion is the completion of f, nil when it has none.
func flagCompletion(f *pflag.Flag) cobra.CompletionFunc {
	switch {
	case f.Name == "policy":
		return listCompletion(f, completePolicies)
	case f.Name == "select":
		return listCompletion(f, completeSelect)
	case f.Name == "catalog" && f.Value.Type() == "stringArray", strings.Contains(f.Usage, "(YAML)"):
		return cobra.FixedCompletions([]cobra.Completion{"yaml", "yml"}, cobra.ShellCompDirectiveFilterFileExt)
	}
	if names := listedValues(f.Usage); len(names) > 0 {
		return listCompletion(f, func(*cobra.Command) []string { return names })
	}
	return nil
}

// listedPattern is a flag's help ending with its values: "output
// format: table|json|csv" or "...: nftables, rpz, hosts".
var listedPattern = regexp.MustCompile(`: ([a-z0-9][a-z0-9._-]*(?:(?:\||, )[a-z0-9][a-z0-9._-]*)+)$`)

// listedValues are the values f's help lists at its end, none when it
// lists none.
func listedValues(usage string) []string {
	m := listedPattern.FindStringSubmatch(usage)
	if m == nil {
		return nil
	}
	return strings.FieldsFunc(m[1], func(r rune) bool { return r == '|' || r == ',' || r == ' ' })
}

// listCompletion completes f's value from values (each "value" or
// "value\tdescription"), by the prefix typed; for a list flag, the last
// of the comma-separated values typed.
func listCompletion(f *pflag.Flag, values func(*cobra.Command) []string) cobra.CompletionFunc {
	_, list := f.Value.(pflag.SliceValue)
	return func(cmd *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		done, last := "", toComplete
		if i := strings.LastIndexByte(toComplete, ','); list && i >= 0 {
			done, last = toComplete[:i+1], toComplete[i+1:]
		}
		if strings.ContainsAny(last, `/\`) || strings.HasPrefix(last, ".") {
			return nil, cobra.ShellCompDirectiveDefault // a file (a pack file for --policy)
		}
		typed := strings.Split(done, ",")
		var out []cobra.Completion
		for _, v := range values(cmd) {
			name, _, _ := strings.Cut(v, "\t")
			if strings.HasPrefix(v, last) && !slices.Contains(typed, name) {
				out = append(out, done+v)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// firstArg completes a command's first argument with ids, and the
// arguments after it as then says.
func firstArg(ids func(*cobra.Command) []string, then cobra.ShellCompDirective) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, then
		}
		var out []cobra.Completion
		for _, id := range ids(cmd) {
			if strings.HasPrefix(id, toComplete) {
				out = append(out, id)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// completePolicies are the jurisdictions, "all" and the built-in packs
// in use.
func completePolicies(*cobra.Command) []string {
	var out []string
	for _, g := range policy.GroupNames() {
		out = append(out, cobra.CompletionWithDesc(g, "the packs of instruments of "+strings.Join(policy.Groups[g], ", ")))
	}
	out = append(out, cobra.CompletionWithDesc("all", "every built-in pack"))
	packs, _ := packsInUse()
	for _, p := range packs {
		out = append(out, cobra.CompletionWithDesc(p.ID, p.Title))
	}
	return out
}

// completeSelect are the collectors' names and their tags.
func completeSelect(*cobra.Command) []string {
	var out []string
	tags := map[string][]string{}
	for _, c := range scan.Collectors() {
		out = append(out, cobra.CompletionWithDesc(c.Name(), "collector; tags: "+strings.Join(c.Tags(), ", ")))
		for _, t := range c.Tags() {
			if !slices.Contains(tags[t], c.Name()) {
				tags[t] = append(tags[t], c.Name())
			}
		}
	}
	names := make([]string, 0, len(tags))
	for t := range tags {
		names = append(names, t)
	}
	sort.Strings(names)
	for _, t := range names {
		if !slices.ContainsFunc(out, func(s string) bool { return strings.HasPrefix(s, t+"\t") }) {
			out = append(out, cobra.CompletionWithDesc(t, "tag of "+strings.Join(tags[t], ", ")))
		}
	}
	return out
}

// completeCatalogIDs are the catalogue's entities and products.
func completeCatalogIDs(*cobra.Command) []string {
	cat, err := catalogInUse()
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range cat.Entities {
		out = append(out, cobra.CompletionWithDesc(e.ID, e.Name))
	}
	for _, p := range cat.Products {
		out = append(out, cobra.CompletionWithDesc(p.ID, p.Name))
	}
	return out
}

// completePackIDs are the binary's built-in packs ('policy show' reads
// those).
func completePackIDs(*cobra.Command) []string {
	packs, _ := policy.Packs()
	var out []string
	for _, p := range packs {
		out = append(out, cobra.CompletionWithDesc(p.ID, p.Title))
	}
	return out
}

// completeExplainIDs are the items and findings of --report when it is
// given, else the findings of the state file (--state or the default).
func completeExplainIDs(cmd *cobra.Command) []string {
	type found struct {
		ID       string `json:"id"`
		ItemName string `json:"item_name"`
		Host     string `json:"host"`
	}
	desc := func(f found) string {
		if f.Host == "" {
			return "finding: " + f.ItemName
		}
		return fmt.Sprintf("finding: %s on %s", f.ItemName, f.Host)
	}
	var out []string
	if file, _ := cmd.Flags().GetString("report"); file != "" {
		var rep struct {
			Items []struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"items"`
			Findings []found `json:"findings"`
		}
		if data, err := readBounded(file); err != nil || json.Unmarshal(data, &rep) != nil {
			return nil
		}
		for _, it := range rep.Items {
			out = append(out, cobra.CompletionWithDesc(it.ID, it.Name))
		}
		for _, f := range rep.Findings {
			out = append(out, cobra.CompletionWithDesc(f.ID, desc(f)))
		}
		return out
	}
	path, _ := cmd.Flags().GetString("state")
	if path == "" {
		var err error
		if path, err = defaultStatePath(); err != nil {
			return nil
		}
	}
	var st struct {
		Findings map[string]struct {
			Finding found `json:"finding"`
		} `json:"findings"`
	}
	if data, err := readBounded(path); err != nil || json.Unmarshal(data, &st) != nil {
		return nil
	}
	for id, r := range st.Findings {
		r.Finding.ID = id
		out = append(out, cobra.CompletionWithDesc(id, desc(r.Finding)))
	}
	sort.Strings(out)
	return out
}

// newCompletionCmd is cobra's completion command with embargo's help:
// cobra adds its own only when there is none.
func newCompletionCmd() *cobra.Command {
	var noDesc bool
	cmd := &cobra.Command{
		Use:       "completion bash|zsh|fish|powershell",
		Short:     "Print the shell completion script for bash, zsh, fish or PowerShell",
		Long:      completionHelp,
		Args:      cobra.ExactArgs(1),
		ValidArgs: []cobra.Completion{"bash", "zsh", "fish", "powershell"},
		RunE: func(cmd *cobra.Command, args []string) error {
			root, w := cmd.Root(), cmd.OutOrStdout()
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(w, !noDesc)
			case "zsh":
				if noDesc {
					return root.GenZshCompletionNoDesc(w)
				}
				return root.GenZshCompletion(w)
			case "fish":
				return root.GenFishCompletion(w, !noDesc)
			case "powershell":
				if noDesc {
					return root.GenPowerShellCompletion(w)
				}
				return root.GenPowerShellCompletionWithDesc(w)
			}
			return fmt.Errorf("no completion for the shell %q: give bash, zsh, fish or powershell", args[0])
		},
	}
	cmd.Flags().BoolVar(&noDesc, "no-descriptions", false, "complete values without their descriptions")
	return cmd
}
