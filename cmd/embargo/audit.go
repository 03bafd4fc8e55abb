package main

import (
	"crypto/rand"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"golang.org/x/mod/sumdb/note"

	"github.com/embargo-dev/embargo/store/checkpoint"
)

func newAuditCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Check the fleet server's audit log",
	}
	var db fleetDB
	var checkpoints, key string
	verify := &cobra.Command{
		Use:   "verify",
		Short: "Recompute the audit log's hash chain, and check it against signed checkpoints",
		Long: `Verify recomputes the hash chain of the audit log: each entry's hash covers the one
before it, so an entry changed, removed or inserted after the fact breaks the chain from
there on. The chain alone cannot tell a log cut short and its head moved back, or a log
rewritten with every later hash recomputed, from an honest one: with --checkpoints (the
file 'embargo serve --audit-checkpoints' appends to) and --key (the public key 'embargo
audit keygen' printed), each signed checkpoint must still name an entry of the log, with
the hash it signed. Exit 0 when everything verifies; exit 1 naming the first that does not.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := db.mustExist(); err != nil {
				return err
			}
			st, err := db.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			if (checkpoints == "") != (key == "") {
				return errors.New("--checkpoints and --key go together")
			}
			fail := func(err error) error {
				// Exit 1 is "found what was looked for"; main prints
				// nothing for it, so the entry is named here.
				fmt.Fprintf(cmd.ErrOrStderr(), "embargo: audit log does not verify: %v\n", err)
				return fmt.Errorf("audit log does not verify: %w", errRestricted)
			}
			n, err := st.VerifyAudit(cmd.Context())
			if err != nil {
				return fail(err)
			}
			if checkpoints == "" {
				fmt.Fprintf(cmd.OutOrStdout(), "%d entries verified\n", n)
				return nil
			}
			signed, verifier, err := readCheckpoints(checkpoints, key)
			if err != nil {
				return err
			}
			k, upTo, err := checkpoint.Verify(cmd.Context(), st, signed, verifier)
			if err != nil {
				return fail(err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%d entries verified; %d checkpoints signed by %s vouch for entries 1 to %d\n", n, k, verifier.Name(), upTo)
			return nil
		},
	}
	db.register(verify.Flags())
	verify.Flags().StringVar(&checkpoints, "checkpoints", "", "checkpoint file the server appended to (serve --audit-checkpoints)")
	verify.Flags().StringVar(&key, "key", "", "the checkpoints' public key: the verifier key 'embargo audit keygen' printed, or a file holding it")
	cmd.AddCommand(verify, newAuditKeygenCmd())
	return cmd
}

// readCheckpoints reads a checkpoint file and the verifier key (given
// as itself or as a file holding it).
func readCheckpoints(file, key string) ([][]byte, note.Verifier, error) {
	data := []byte(key)
	if b, err := readBounded(key); err == nil {
		data = b
	}
	verifier, err := checkpoint.NewVerifier(data)
	if err != nil {
		return nil, nil, fmt.Errorf("--key: %w", err)
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	signed, err := checkpoint.Read(f, file)
	if err != nil {
		return nil, nil, err
	}
	if len(signed) == 0 {
		return nil, nil, fmt.Errorf("%s holds no checkpoint", file)
	}
	return signed, verifier, nil
}

func newAuditKeygenCmd() *cobra.Command {
	var name, out string
	cmd := &cobra.Command{
		Use:   "keygen --out FILE",
		Short: "Make the key that signs the audit log's checkpoints",
		Long: `Keygen makes an Ed25519 key for 'embargo serve --audit-key': the private key goes to
--out (mode 0600: keep it apart from the database and its backups, out of reach of
whoever can write the database), the public verifier key to standard output and to
--out.pub, for 'embargo audit verify --key'.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return errors.New("give --out FILE for the private key")
			}
			skey, vkey, err := checkpoint.GenerateKey(rand.Reader, name)
			if err != nil {
				return err
			}
			f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
			if err != nil {
				return err
			}
			if _, err := fmt.Fprintln(f, skey); err != nil {
				f.Close()
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
			if err := os.WriteFile(out+".pub", []byte(vkey+"\n"), 0o644); err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), vkey)
			return nil
		},
	}
	cmd.Flags().StringVar(&name, "name", "embargo-audit", "the key's name, which every checkpoint carries")
	cmd.Flags().StringVar(&out, "out", "", "file to write the private key to (it must not exist)")
	return cmd
}
