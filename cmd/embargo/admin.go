package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/embargo-dev/embargo/server"
	"github.com/embargo-dev/embargo/store"
)

func newAdminCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "admin",
		Short: "Manage the fleet server's accounts and enrolment tokens, on its store directly",
	}
	cmd.AddCommand(newCreateUserCmd(), newCreateTokenCmd(), newInstallFeedCmd())
	cmd.AddCommand(newRevokeCmds()...)
	cmd.AddCommand(newAPITokenCmds()...)
	return cmd
}

type createUserOptions struct {
	db                   fleetDB
	username, role, dept string
	passwordStdin        bool
}

func newCreateUserCmd() *cobra.Command {
	var o createUserOptions
	cmd := &cobra.Command{
		Use:   "create-user",
		Short: "Create a local account (admin, officer of a department, or auditor)",
		Long: `Create-user adds a local account to the store. The password is read from the terminal
(twice), or with --password-stdin as the first line of standard input; it is hashed with
argon2id and never stored. Officers see and act on their --department's systems only;
auditors read everything and change nothing; admins do all.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runCreateUser(cmd, o) },
	}
	f := cmd.Flags()
	o.db.register(f)
	f.StringVar(&o.username, "username", "", "account name")
	f.StringVar(&o.role, "role", "", "admin, officer or auditor")
	f.StringVar(&o.dept, "department", "", "the officer's department")
	f.BoolVar(&o.passwordStdin, "password-stdin", false, "read the password from the first line of standard input")
	cmd.MarkFlagRequired("username")
	cmd.MarkFlagRequired("role")
	return cmd
}

func runCreateUser(cmd *cobra.Command, o createUserOptions) error {
	pw, err := readPassword(cmd, o.passwordStdin)
	if err != nil {
		return err
	}
	u, err := server.NewUser(o.username, pw, store.Role(o.role), o.dept)
	if err != nil {
		return err
	}
	st, err := o.db.open(cmd.Context())
	if err != nil {
		return err
	}
	defer st.Close()
	u.Created = time.Now().UTC()
	u, err = st.CreateUser(cmd.Context(), cliViewer(), u)
	if err != nil {
		return fmt.Errorf("creating user %q: %w", o.username, err)
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "embargo: created %s %q (id %d)\n", u.Role, u.Username, u.ID)
	return nil
}

// readPassword reads the new password: the first line of standard input,
// or twice from the terminal without echo.
func readPassword(cmd *cobra.Command, fromStdin bool) (string, error) {
	if fromStdin {
		line, err := bufio.NewReaderSize(io.LimitReader(cmd.InOrStdin(), server.MaxPasswordLen+2), server.MaxPasswordLen+2).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", fmt.Errorf("reading the password: %w", err)
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	fd := int(os.Stdin.Fd())
	if !term.IsTerminal(fd) {
		return "", errors.New("standard input is not a terminal: give --password-stdin and the password on standard input")
	}
	w := cmd.ErrOrStderr()
	fmt.Fprint(w, "Password: ")
	a, err := term.ReadPassword(fd)
	fmt.Fprintln(w)
	if err != nil {
		return "", err
	}
	fmt.Fprint(w, "Again: ")
	b, err := term.ReadPassword(fd)
	fmt.Fprintln(w)
	if err != nil {
		return "", err
	}
	if string(a) != string(b) {
		return "", errors.New("the passwords differ")
	}
	return string(a), nil
}

type createTokenOptions struct {
	db      fleetDB
	dept    string
	uses    int
	expires time.Duration
}

func newCreateTokenCmd() *cobra.Command {
	var o createTokenOptions
	cmd := &cobra.Command{
		Use:   "create-enrollment-token",
		Short: "Make a token that lets agents of a department enrol",
		Long: `Create-enrollment-token prints a new token to standard output. Each agent enrolling with
it spends one of its --uses; it stops working after --expires. Only its hash is stored:
the token is shown this once.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runCreateToken(cmd, o) },
	}
	f := cmd.Flags()
	o.db.register(f)
	f.StringVar(&o.dept, "department", "", "the department the enrolled agents' hosts belong to")
	f.IntVar(&o.uses, "uses", 1, "how many agents may enrol with it")
	f.DurationVar(&o.expires, "expires", server.DefaultTokenLifetime, "how long it stays valid")
	cmd.MarkFlagRequired("department")
	return cmd
}

func runCreateToken(cmd *cobra.Command, o createTokenOptions) error {
	v := cliViewer()
	if o.uses <= 0 {
		return fmt.Errorf("--uses %d: want at least 1", o.uses)
	}
	token, rec, err := server.NewEnrollmentToken(o.dept, o.uses, o.expires, v.Username, time.Now().UTC())
	if err != nil {
		return err
	}
	st, err := o.db.open(cmd.Context())
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.CreateEnrollmentToken(cmd.Context(), v, rec); err != nil {
		return fmt.Errorf("creating an enrolment token for %q: %w", o.dept, err)
	}
	fmt.Fprintln(cmd.OutOrStdout(), token)
	fmt.Fprintf(cmd.ErrOrStderr(), "embargo: token for %s, %d use(s), valid until %s\n", rec.Department, rec.Uses, rec.Expires.Format(time.RFC3339))
	return nil
}
