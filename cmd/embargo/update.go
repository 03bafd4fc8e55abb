package main

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/embargo-dev/embargo/feed"
)

// maxRootFile bounds --trust-root.
const maxRootFile = 512 << 10

type updateOptions struct {
	from      string
	trustRoot string
	dir       string
}

func newUpdateCmd() *cobra.Command {
	var o updateOptions
	cmd := &cobra.Command{
		Use:   "update --from URL|DIR|BUNDLE --trust-root ROOT.json",
		Short: "Fetch, verify and install the signed data feed (catalogue, packs)",
		Long: `Update fetches the data feed — over HTTPS, from a mirror directory, or from an offline bundle
carried by hand — and verifies it end to end with The Update Framework against the trusted
root: signatures and thresholds, expiry (a frozen feed is refused), rollback, lengths and
hashes, and that its catalogue loads. Only then does it replace the data in use, in one
rename; a failed or hostile update leaves the data in use as it was, and says why.

The project's root is embedded in the binary and trusted by default; --trust-root trusts
another (a department may pin its own root to mirror and re-sign). After the first update
the newest root verified is trusted, so a root rotation is followed and never undone.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			root, err := readRoot(o.trustRoot)
			if err != nil {
				return err
			}
			dir, err := feedDir(o.dir)
			if err != nil {
				return err
			}
			in, err := feed.Update(cmd.Context(), feed.Options{From: o.from, TrustRoot: root, Dir: dir})
			if _, none := feed.Status(dir); err != nil && o.trustRoot == "" && errors.Is(none, feed.ErrNone) {
				return fmt.Errorf("%w (verified with the project's root, embedded in this binary: a feed signed under another root needs --trust-root)", err)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "installed feed version %d from %s\n", in.Version, in.From)
			printTargets(cmd, in)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.from, "from", "", "the feed: an https:// URL, a mirror directory, or a bundle file")
	f.StringVar(&o.trustRoot, "trust-root", "", "the root metadata (root.json) to trust on the first update (default: the project's, embedded)")
	cmd.PersistentFlags().StringVar(&o.dir, "data-dir", "", "where the feed's data is kept (default $EMBARGO_DATA_DIR, else $XDG_DATA_HOME/embargo/feed)")
	cmd.MarkFlagRequired("from")
	cmd.AddCommand(newUpdateStatusCmd(&o))
	return cmd
}

func newUpdateStatusCmd(o *updateOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "Say which feed version is in use, from where, signed by which keys, and how old",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir, err := feedDir(o.dir)
			if err != nil {
				return err
			}
			in, err := feed.Status(dir)
			if errors.Is(err, feed.ErrNone) {
				fmt.Fprintln(cmd.OutOrStdout(), "no feed installed: the data built into this binary is in use")
				return nil
			}
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "feed version %d (root version %d), installed %s from %s\n", in.Version, in.Root, in.Updated.Format(time.RFC3339), in.From)
			fmt.Fprintf(w, "timestamp valid until %s", in.Timestamp.Format(time.RFC3339))
			if time.Now().After(in.Timestamp) {
				fmt.Fprint(w, " (EXPIRED: update)")
			}
			fmt.Fprintf(w, "\ntargets signed by %s\n", strings.Join(in.Signers, ", "))
			printTargets(cmd, in)
			return nil
		},
	}
}

func printTargets(cmd *cobra.Command, in feed.Installed) {
	for _, name := range slices.Sorted(maps.Keys(in.Targets)) {
		t := in.Targets[name]
		fmt.Fprintf(cmd.OutOrStdout(), "  %-12s %s %s, built %s, sha256 %s\n", name, t.Kind, t.Version, t.Built.Format(time.DateOnly), t.SHA256)
	}
}

func readRoot(path string) ([]byte, error) {
	if path == "" {
		return feed.ProjectRoot(), nil // unless the client trusts a newer one already
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("--trust-root: %w", err)
	}
	if st.Size() > maxRootFile {
		return nil, fmt.Errorf("--trust-root %s: %d bytes, not a root", path, st.Size())
	}
	return os.ReadFile(path)
}

// feedDir is where the feed's data is kept: the flag, else
// $XDG_DATA_HOME/embargo/feed, ~/.local/share/embargo/feed on other Unix
// systems, the user's configuration directory elsewhere.
func feedDir(flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	if d := os.Getenv("EMBARGO_DATA_DIR"); d != "" {
		return d, nil
	}
	if d := os.Getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "embargo", "feed"), nil
	}
	if runtime.GOOS != "windows" && runtime.GOOS != "darwin" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("finding the data directory: %w (give --data-dir)", err)
		}
		return filepath.Join(home, ".local", "share", "embargo", "feed"), nil
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("finding the data directory: %w (give --data-dir)", err)
	}
	return filepath.Join(d, "embargo", "feed"), nil
}
