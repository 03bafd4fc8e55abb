package main

import (
	"bufio"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/embargo-dev/embargo/server"
	"github.com/embargo-dev/embargo/store"
)

// newRevokeCmds are the admin commands that take back access, each
// audited: an agent's credential, an enrolment token, a user account.
func newRevokeCmds() []*cobra.Command {
	var db1, db2, db3 fleetDB
	var agentID, username string
	agentCmd := &cobra.Command{
		Use:   "revoke-agent --id AGENT-ID",
		Short: "Revoke an agent's credential: its next upload gets 401, its host shows it revoked",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return onStore(cmd, db1, func(st store.Store) error {
				return st.RevokeAgent(cmd.Context(), cliViewer(), agentID, time.Now().UTC())
			}, "agent "+agentID+" revoked")
		},
	}
	db1.register(agentCmd.Flags())
	agentCmd.Flags().StringVar(&agentID, "id", "", "the agent's id (the host page and /api/v1/hosts name it)")
	agentCmd.MarkFlagRequired("id")

	tokenCmd := &cobra.Command{
		Use:   "revoke-enrollment-token",
		Short: "Revoke an enrolment token, read from standard input: no agent can enrol with it any more",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			token, err := bufio.NewReader(cmd.InOrStdin()).ReadString('\n')
			if token = strings.TrimSpace(token); token == "" {
				return errors.Join(errors.New("give the token on standard input"), err)
			}
			return onStore(cmd, db2, func(st store.Store) error {
				return st.RevokeEnrollmentToken(cmd.Context(), cliViewer(), server.TokenHash(token))
			}, "enrolment token revoked")
		},
	}
	db2.register(tokenCmd.Flags())

	userCmd := &cobra.Command{
		Use:   "disable-user --username NAME",
		Short: "Disable an account and end its sessions",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return onStore(cmd, db3, func(st store.Store) error {
				return st.DisableUser(cmd.Context(), cliViewer(), username, time.Now().UTC())
			}, "user "+username+" disabled, sessions ended")
		},
	}
	db3.register(userCmd.Flags())
	userCmd.Flags().StringVar(&username, "username", "", "the account to disable")
	userCmd.MarkFlagRequired("username")
	return []*cobra.Command{agentCmd, tokenCmd, userCmd}
}

// onStore opens the store, does change and says done on standard error.
func onStore(cmd *cobra.Command, db fleetDB, change func(store.Store) error, done string) error {
	if err := db.mustExist(); err != nil {
		return err
	}
	st, err := db.open(cmd.Context())
	if err != nil {
		return err
	}
	defer st.Close()
	if err := change(st); err != nil {
		return err
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "embargo: %s\n", done)
	return nil
}
