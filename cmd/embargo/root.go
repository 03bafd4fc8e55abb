package main

import (
	"github.com/spf13/cobra"
)

func newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:   "embargo",
		Short: "Find software from restricted suppliers and who controls it",
		Long: `Embargo finds software from restricted suppliers (Kaspersky, Huawei, ByteDance, ...) in
SBOMs and inventories, attributes each item to the entity that controls it and that
entity's jurisdiction, and writes the evidence.

Exit codes: 0 nothing restricted found; 1 restricted software found; 2 could not scan;
3 nothing restricted found but something could not be read (unknown is never compliant).`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       currentBuild().Version,
	}
	root.AddCommand(newScanCmd(), newCatalogCmd(), newExplainCmd(), newPolicyCmd(), newFlowsCmd(), newEnforceCmd(), newDataCmd(), newAgentCmd(),
		newServeCmd(), newAdminCmd(), newAuditCmd(), newReportCmd(), newFeedCmd(), newUpdateCmd(), newMdmCmd(), newDiscoverCmd())
	// The wiring of version.go, config.go, completion.go and man.go: after
	// every command is added, since they walk the tree.
	root.AddCommand(newVersionCmd(), newManCmd())
	cobra.AddTemplateFunc("embargoVersion", versionTemplate(root))
	root.SetVersionTemplate("{{embargoVersion}}")
	configure(root)
	completions(root)
	return root
}
