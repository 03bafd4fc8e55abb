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
		Version:       version,
	}
	root.AddCommand(newScanCmd(), newCatalogCmd(), newExplainCmd(), newPolicyCmd(), newFlowsCmd(), newEnforceCmd(), newDataCmd(), newAgentCmd(),
		newServeCmd(), newAdminCmd(), newAuditCmd(), newReportCmd(), newFeedCmd(), newUpdateCmd(), newMdmCmd(), newDiscoverCmd())
	return root
}
