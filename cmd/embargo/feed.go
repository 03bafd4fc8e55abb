package main

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/embargo-dev/embargo/feed"
	"github.com/embargo-dev/embargo/ipdata"
)

// newFeedCmd is what maintainers sign the feed with; users run `embargo
// update`.
func newFeedCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "feed",
		Short: "Build and sign the data feed (maintainers): keys, repository, publication, bundles",
		Long: `Feed builds the signed feed of Embargo's data — the catalogue, the policy packs — as a
repository of The Update Framework (TUF): root, targets, snapshot and timestamp roles, each
with its own Ed25519 keys and threshold. Keep the root and targets keys offline; the
timestamp key signs more often (every week at most: clients refuse a frozen feed).

  embargo feed keygen --out root-1.key                    # one per key holder
  embargo feed init --repo ./feed --root-key root-1.key --root-key root-2.key --root-threshold 2 \
      --targets-key t-1.key --targets-key t-2.key --targets-threshold 2 \
      --snapshot-key s.key --timestamp-key ts.key
  embargo feed publish --repo ./feed --version 2026.12.7 --catalog catalog/data --packs policy/packs \
      --targets-key t-1.key --targets-key t-2.key --snapshot-key s.key --timestamp-key ts.key
  embargo feed timestamp --repo ./feed --timestamp-key ts.key        # weekly
  embargo feed bundle --repo ./feed --out embargo-feed.bundle         # for air-gapped estates
  embargo feed rotate-root --repo ./feed --old-root-key root-1.key --old-root-key root-2.key \
      --root-key new-1.key --root-key new-2.key --root-key new-3.key --root-threshold 2 ...

Serve the repository directory over HTTPS as it is (metadata/ and targets/).`,
	}
	cmd.AddCommand(newFeedKeygenCmd(), newFeedInitCmd(), newFeedPublishCmd(), newFeedTimestampCmd(), newFeedBundleCmd(), newFeedRotateCmd())
	return cmd
}

func newFeedKeygenCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "keygen --out FILE",
		Short: "Make an Ed25519 signing key (mode 0600; never overwritten); prints its key id",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			k, err := feed.GenerateKey(out)
			if err != nil {
				return err
			}
			id, err := k.ID()
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), id)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "the key file to write")
	cmd.MarkFlagRequired("out")
	return cmd
}

// roleFlags are one role's key files and threshold.
type roleFlags struct {
	keys      []string
	threshold int
}

func (r *roleFlags) register(cmd *cobra.Command, role string, withThreshold bool) {
	cmd.Flags().StringArrayVar(&r.keys, role+"-key", nil, "a key file of the "+role+" role (repeatable)")
	if withThreshold {
		cmd.Flags().IntVar(&r.threshold, role+"-threshold", 1, "how many of the "+role+" role's keys must sign")
	}
}

func (r roleFlags) load(role string) (feed.Role, error) {
	if len(r.keys) == 0 {
		return feed.Role{}, fmt.Errorf("no --%s-key", role)
	}
	var out feed.Role
	for _, p := range r.keys {
		k, err := feed.LoadKey(p)
		if err != nil {
			return feed.Role{}, err
		}
		out.Keys = append(out.Keys, k)
	}
	out.Threshold = r.threshold
	return out, nil
}

type rolesFlags struct{ root, targets, snapshot, timestamp roleFlags }

func (f *rolesFlags) register(cmd *cobra.Command) {
	f.root.register(cmd, "root", true)
	f.targets.register(cmd, "targets", true)
	f.snapshot.register(cmd, "snapshot", true)
	f.timestamp.register(cmd, "timestamp", true)
}

func (f rolesFlags) load() (feed.Roles, error) {
	var rs feed.Roles
	var err error
	for _, x := range []struct {
		name string
		in   roleFlags
		out  *feed.Role
	}{{"root", f.root, &rs.Root}, {"targets", f.targets, &rs.Targets}, {"snapshot", f.snapshot, &rs.Snapshot}, {"timestamp", f.timestamp, &rs.Timestamp}} {
		if *x.out, err = x.in.load(x.name); err != nil {
			return rs, err
		}
	}
	return rs, nil
}

func newFeedInitCmd() *cobra.Command {
	var repo string
	var roles rolesFlags
	cmd := &cobra.Command{
		Use:   "init --repo DIR --root-key FILE... --targets-key FILE... --snapshot-key FILE... --timestamp-key FILE...",
		Short: "Make a new feed repository: its first root, signed by the root role's threshold",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			rs, err := roles.load()
			if err != nil {
				return err
			}
			if err := feed.Init(repo, rs, feed.DefaultLifetimes, time.Now()); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "embargo: feed repository in %s; its root, to trust: %s/metadata/1.root.json\n", repo, repo)
			return nil
		},
	}
	cmd.Flags().StringVar(&repo, "repo", "", "the repository directory")
	cmd.MarkFlagRequired("repo")
	roles.register(cmd)
	return cmd
}

// signerFlags are the keys a publication is signed with.
type signerFlags struct{ targets, snapshot, timestamp roleFlags }

func (s *signerFlags) register(cmd *cobra.Command) {
	s.targets.register(cmd, "targets", false)
	s.snapshot.register(cmd, "snapshot", false)
	s.timestamp.register(cmd, "timestamp", false)
}

func loadKeys(paths []string) ([]*feed.Key, error) {
	var ks []*feed.Key
	for _, p := range paths {
		k, err := feed.LoadKey(p)
		if err != nil {
			return nil, err
		}
		ks = append(ks, k)
	}
	return ks, nil
}

func newFeedPublishCmd() *cobra.Command {
	var repo, version, catalogDir, packsDir, ipdataFile string
	var sig signerFlags
	cmd := &cobra.Command{
		Use:   "publish --repo DIR --version V --catalog DIR --packs DIR [--ipdata FILE] --targets-key FILE... --snapshot-key FILE... --timestamp-key FILE...",
		Short: "Sign the catalogue, packs (and IP data) as the feed's next version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			now := time.Now().UTC()
			var targets []feed.Target
			for _, t := range []struct{ name, kind, dir string }{{feed.CatalogTarget, "catalogue", catalogDir}, {feed.PacksTarget, "packs", packsDir}} {
				data, err := feed.PackDir(t.dir)
				if err != nil {
					return err
				}
				targets = append(targets, feed.Target{Name: t.name, Data: data, Custom: feed.TargetInfo{Kind: t.kind, Version: version, Built: now}})
			}
			if ipdataFile != "" {
				if _, err := ipdata.Open(ipdataFile); err != nil {
					return fmt.Errorf("--ipdata %s: %w", ipdataFile, err)
				}
				data, err := os.ReadFile(ipdataFile)
				if err != nil {
					return err
				}
				targets = append(targets, feed.Target{Name: feed.IPDataTarget, Data: data, Custom: feed.TargetInfo{Kind: "ipdata", Version: version, Built: now}})
			}
			var ks feed.Signers
			var err error
			if ks.Targets, err = loadKeys(sig.targets.keys); err != nil {
				return err
			}
			if ks.Snapshot, err = loadKeys(sig.snapshot.keys); err != nil {
				return err
			}
			if ks.Timestamp, err = loadKeys(sig.timestamp.keys); err != nil {
				return err
			}
			v, err := feed.Publish(repo, targets, ks, feed.DefaultLifetimes, now)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "embargo: published version %d (%s) in %s\n", v, version, repo)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&repo, "repo", "", "the repository directory")
	f.StringVar(&version, "version", "", "the data's version, as people name it (e.g. 2026.12.7)")
	f.StringVar(&catalogDir, "catalog", "catalog/data", "the catalogue's YAML files")
	f.StringVar(&packsDir, "packs", "policy/packs", "the policy packs' YAML files")
	f.StringVar(&ipdataFile, "ipdata", "", "an IP data snapshot ('embargo data update' builds one; the embedded one is ipdata/data/embargo-ipdata.snap)")
	cmd.MarkFlagRequired("repo")
	cmd.MarkFlagRequired("version")
	sig.register(cmd)
	return cmd
}

func newFeedTimestampCmd() *cobra.Command {
	var repo string
	var ts roleFlags
	cmd := &cobra.Command{
		Use:   "timestamp --repo DIR --timestamp-key FILE...",
		Short: "Sign a fresh timestamp of the newest version (clients refuse a feed whose timestamp expired)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ks, err := loadKeys(ts.keys)
			if err != nil {
				return err
			}
			return feed.Timestamp(repo, ks, feed.DefaultLifetimes, time.Now())
		},
	}
	cmd.Flags().StringVar(&repo, "repo", "", "the repository directory")
	cmd.MarkFlagRequired("repo")
	ts.register(cmd, "timestamp", false)
	return cmd
}

func newFeedBundleCmd() *cobra.Command {
	var repo, out string
	cmd := &cobra.Command{
		Use:   "bundle --repo DIR --out FILE",
		Short: "Write the feed as one file for an estate without a network to it (embargo update --from FILE)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, err := os.Stat(out); err == nil {
				return fmt.Errorf("%s exists", out)
			}
			return feed.Bundle(repo, out)
		},
	}
	cmd.Flags().StringVar(&repo, "repo", "", "the repository directory")
	cmd.Flags().StringVar(&out, "out", "", "the bundle to write")
	cmd.MarkFlagRequired("repo")
	cmd.MarkFlagRequired("out")
	return cmd
}

func newFeedRotateCmd() *cobra.Command {
	var repo string
	var old []string
	var roles rolesFlags
	cmd := &cobra.Command{
		Use:   "rotate-root --repo DIR --old-root-key FILE... (new roles' keys as for init)",
		Short: "Write the next root, signed by the old root's threshold and every new root key",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			rs, err := roles.load()
			if err != nil {
				return err
			}
			oldKeys, err := loadKeys(old)
			if err != nil {
				return err
			}
			v, err := feed.RotateRoot(repo, rs, oldKeys, feed.DefaultLifetimes, time.Now())
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "embargo: root version %d written; publish next with the new keys\n", v)
			return nil
		},
	}
	cmd.Flags().StringVar(&repo, "repo", "", "the repository directory")
	cmd.Flags().StringArrayVar(&old, "old-root-key", nil, "a key of the current root (repeatable; its threshold must sign)")
	cmd.MarkFlagRequired("repo")
	roles.register(cmd)
	return cmd
}
