package main

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/embargo-dev/embargo/server"
	"github.com/embargo-dev/embargo/store"
)

type installFeedOptions struct {
	db        fleetDB
	trustRoot string
}

func newInstallFeedCmd() *cobra.Command {
	var o installFeedOptions
	cmd := &cobra.Command{
		Use:   "install-feed BUNDLE",
		Short: "Install a data feed bundle for the fleet, verified first",
		Long: `Install-feed verifies a bundle made by 'embargo feed bundle' with the trust root (TUF:
signatures, thresholds, expiry, and that its catalogue loads) and stores it for the fleet,
as POST /api/v1/feed does: the servers on the store install it within their poll, the
fleet is judged again by it, and agents take it and verify it with their own root. A
refused bundle changes nothing.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			root, err := readRoot(o.trustRoot)
			if err != nil {
				return err
			}
			fi, err := os.Stat(args[0])
			if err != nil {
				return err
			}
			if fi.Size() > store.MaxFeedBundle {
				return fmt.Errorf("%s: %d bytes, over the %d-byte limit of a bundle", args[0], fi.Size(), store.MaxFeedBundle)
			}
			data, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			st, err := o.db.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			scratch, err := os.MkdirTemp("", "embargo-feed-*")
			if err != nil {
				return err
			}
			defer os.RemoveAll(scratch)
			b, err := server.InstallFeed(cmd.Context(), st, cliViewer(), root, scratch, data, time.Now())
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "feed version %d installed for the fleet (data %s, policy version %d)\n", b.FeedVersion, b.DataDigest, b.PolicyVersion)
			return nil
		},
	}
	o.db.register(cmd.Flags())
	cmd.Flags().StringVar(&o.trustRoot, "trust-root", "", "the root metadata to verify with (default: the project's, embedded)")
	return cmd
}
