package main

import (
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/embargo-dev/embargo/server"
	"github.com/embargo-dev/embargo/store"
)

type apiTokenOptions struct {
	db         fleetDB
	name       string
	role       string
	department string
	expires    time.Duration
}

func newAPITokenCmds() []*cobra.Command {
	var o apiTokenOptions
	create := &cobra.Command{
		Use:   "create-api-token --name N --role officer|auditor [--department D]",
		Short: "Make an API token for a program (a SIEM, a ticketing system)",
		Long: `Create-api-token prints a new API token (embt_...) to standard output, shown this once;
only its hash is stored. A program sends it as "Authorization: Bearer TOKEN" to the
/api/v1 routes: an officer's token reads one department and may request waivers, an
auditor's reads everything and changes nothing. No token is an admin's. It stops working
after --expires (at most 366 days) or once revoked (revoke-api-token, or DELETE
/api/v1/tokens/ID); making and revoking are audited.`,
		Example: `  embargo admin create-api-token --name splunk --role auditor --expires 2160h
  embargo admin create-api-token --name dwp-tickets --role officer --department DWP`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			token, rec := server.NewAPIToken(o.name, store.Role(o.role), o.department, o.expires, time.Now().UTC())
			st, err := o.db.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			t, err := st.CreateAPIToken(cmd.Context(), cliViewer(), rec)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), token)
			fmt.Fprintf(cmd.ErrOrStderr(), "embargo: API token %d %q (%s%s), valid until %s\n", t.ID, t.Name, t.Role, deptSuffix(t.Department),
				t.Expires.Format(time.RFC3339))
			return nil
		},
	}
	f := create.Flags()
	o.db.register(f)
	f.StringVar(&o.name, "name", "", "what the token is for (shown in the audit log as token:NAME)")
	f.StringVar(&o.role, "role", "auditor", "officer (one department, may request waivers) or auditor (reads all)")
	f.StringVar(&o.department, "department", "", "an officer's department")
	f.DurationVar(&o.expires, "expires", server.DefaultAPITokenLife, "how long it stays valid (at most 8784h)")
	create.MarkFlagRequired("name")

	var ro struct{ db fleetDB }
	revoke := &cobra.Command{
		Use:   "revoke-api-token ID",
		Short: "Revoke an API token at once (audited)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return fmt.Errorf("token id %q: want the number create-api-token printed", args[0])
			}
			st, err := ro.db.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			if err := st.RevokeAPIToken(cmd.Context(), cliViewer(), id, time.Now()); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "embargo: API token %d revoked\n", id)
			return nil
		},
	}
	ro.db.register(revoke.Flags())
	return []*cobra.Command{create, revoke}
}

func deptSuffix(d string) string {
	if d == "" {
		return ""
	}
	return ", " + d
}
