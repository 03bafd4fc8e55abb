package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/embargo-dev/embargo/feed"
	"github.com/embargo-dev/embargo/mdm"
	"github.com/embargo-dev/embargo/policy"
	"github.com/embargo-dev/embargo/server"
	"github.com/embargo-dev/embargo/store"
	"github.com/embargo-dev/embargo/store/checkpoint"
	"github.com/embargo-dev/embargo/store/sqlstore"
)

// fleetDB are the flags that say where the fleet's store is: a data
// folder holding the SQLite file, or a database DSN.
type fleetDB struct {
	data, dsn string
}

// defaultDataDir is the data folder when --data is not given.
const defaultDataDir = "./embargo-data"

func (d *fleetDB) register(f *pflag.FlagSet) {
	f.StringVar(&d.data, "data", defaultDataDir, "data folder: the SQLite store (embargo.db) and a generated TLS certificate")
	f.StringVar(&d.dsn, "db", "", "database instead of the data folder's SQLite file: sqlite:PATH or postgres://...")
}

// mustExist fails when the store is the data folder's SQLite file and
// there is none: a command that only reads must not create an empty
// store and report on it.
func (d *fleetDB) mustExist() error {
	if d.dsn != "" {
		return nil
	}
	name := filepath.Join(d.data, "embargo.db")
	if _, err := os.Stat(name); err != nil {
		return fmt.Errorf("no store at %s (give --data or --db): %w", name, err)
	}
	return nil
}

// open opens the store, creating the data folder for SQLite.
func (d *fleetDB) open(ctx context.Context) (store.Store, error) {
	dsn := d.dsn
	if dsn == "" {
		if err := os.MkdirAll(d.data, 0o700); err != nil {
			return nil, fmt.Errorf("creating the data folder: %w", err)
		}
		dsn = "sqlite:" + filepath.Join(d.data, "embargo.db")
	}
	st, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	return st, nil
}

type serveOptions struct {
	db              fleetDB
	listen          string
	tlsCert, tlsKey string
	trustRoot       string
	feedFrom        string
	feedPoll        time.Duration
	rejudgeBatch    int
	rejudgeWorkers  int
	rejudgeLease    time.Duration
	agentRate       int
	enrollRate      int
	metricsListen   string
	metricsToken    string
	auditKey        string
	checkpoints     string
	checkpointEvery time.Duration
	policies        []string
	mdmConfig       string
	mdmOut          string
}

func newServeCmd() *cobra.Command {
	var o serveOptions
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the fleet server: the API agents upload to, and the dashboard",
		Long: `Serve runs the fleet server: agents enrol and upload their scans and flows, which are
judged by the systems register and the policy packs in force; people log in to the
dashboard and the API. State is kept in the data folder's SQLite file, or in the database
--db names (postgres://...).

Plain HTTP is served only on a loopback address. On any other address the server uses
--tls-cert and --tls-key, or a self-signed certificate it generates once into the data
folder; its SHA-256 fingerprint is printed for agents to pin.

Create the first admin with 'embargo admin create-user' before logging in.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runServe(cmd, o) },
	}
	f := cmd.Flags()
	o.db.register(f)
	f.StringVar(&o.listen, "listen", "127.0.0.1:8080", "address to listen on (host:port); beyond loopback, TLS is required")
	f.StringVar(&o.tlsCert, "tls-cert", "", "TLS certificate (PEM)")
	f.StringVar(&o.tlsKey, "tls-key", "", "TLS private key (PEM)")
	f.IntVar(&o.agentRate, "agent-rate", server.DefaultAgentRate, "uploads per minute allowed per agent")
	f.IntVar(&o.enrollRate, "enroll-rate", server.DefaultEnrollRate, "agent enrolments per minute allowed per client address")
	f.StringVar(&o.metricsListen, "metrics-listen", "127.0.0.1:9464", `address of the Prometheus /metrics listener, plain HTTP on loopback ("" for none)`)
	f.StringVar(&o.metricsToken, "metrics-token", "", "also serve /metrics on the main listener to requests bearing this token (or set EMBARGO_METRICS_TOKEN)")
	f.StringVar(&o.auditKey, "audit-key", "", "private key ('embargo audit keygen') that signs checkpoints of the audit log")
	f.StringVar(&o.checkpoints, "audit-checkpoints", "", "file the signed checkpoints are appended to (with --audit-key)")
	f.DurationVar(&o.checkpointEvery, "audit-checkpoint-every", time.Minute, "how often the audit log's head is signed while it moves")
	f.IntVar(&o.rejudgeBatch, "rejudge-batch", server.DefaultRejudgeBatch, "hosts a server claims at a time when the estate is judged again (replicas share the work by batches)")
	f.IntVar(&o.rejudgeWorkers, "rejudge-workers", server.DefaultRejudgeWorkers, "batches a server works on at once when the estate is judged again")
	f.DurationVar(&o.rejudgeLease, "rejudge-lease", server.DefaultRejudgeLease, "how long a claimed batch is held: a server that dies leaves its hosts to others after it")
	catalogFlag(f) // added to every feed the server installs too
	f.StringVar(&o.feedFrom, "feed-from", "", "mirror the data feed from this URL, mirror directory or bundle, verified, for the fleet and its agents")
	f.DurationVar(&o.feedPoll, "feed-poll", server.DefaultFeedPoll, "how often --feed-from is fetched")
	f.StringVar(&o.trustRoot, "trust-root", "", "the feed's root metadata bundles uploaded to POST /api/v1/feed are verified with (default: the project's, embedded)")
	f.StringVar(&o.mdmConfig, "mdm-config", "", "pull devices from the device managers this file lists (as 'embargo mdm pull'), each on its interval, into their departments")
	f.StringVar(&o.mdmOut, "mdm-out", "", "where pulls are saved (default: the data folder's mdm folder)")
	f.StringSliceVar(&o.policies, "policy", nil, `the packs in force while none were set through the API: built-in ids, a jurisdiction's packs (uk, us-federal, eu, de, au, ca), or "all" (the default)`)
	return cmd
}

func runServe(cmd *cobra.Command, o serveOptions) error {
	// systemd stops services with SIGTERM; both signals shut down
	// gracefully, finishing uploads in flight.
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, err := o.db.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if o.metricsToken == "" {
		o.metricsToken = os.Getenv("EMBARGO_METRICS_TOKEN")
	}
	if o.metricsListen != "" {
		if lo, err := server.IsLoopback(o.metricsListen); err != nil || !lo {
			return fmt.Errorf("--metrics-listen %q: metrics are served on loopback only; beyond it, use --metrics-token on the main listener", o.metricsListen)
		}
	}
	cps, err := o.checkpointConfig()
	if err != nil {
		return err
	}
	if err := defaultPolicies(ctx, cmd.ErrOrStderr(), st, o.policies); err != nil {
		return err
	}
	root, err := readRoot(o.trustRoot)
	if err != nil {
		return err
	}
	// The server installs the feeds it takes where `embargo update`
	// does, so that both are the data in use on its next start.
	feedDirectory, err := feedDir("")
	if err != nil {
		return err
	}
	// The data in use, and the local catalogue files the server adds to
	// it and to every feed it installs later.
	data, err := feed.InUse(feedDirectory)
	if err != nil {
		return err
	}
	local, err := localFiles(feedDirectory)
	if err != nil {
		return err
	}
	if data.Feed != nil {
		fmt.Fprintf(cmd.ErrOrStderr(), "embargo: judging by data feed version %d (installed %s)\n", data.Feed.Version, data.Feed.Updated.Format(time.RFC3339))
	}
	srv, err := server.New(server.Config{Store: st, Listen: o.listen, DataDir: o.db.data, TLSCert: o.tlsCert, TLSKey: o.tlsKey,
		AgentRate: o.agentRate, EnrollRate: o.enrollRate, MetricsToken: o.metricsToken, Checkpoints: cps,
		Catalog: data.Catalog, Packs: data.Packs, DataDigest: data.Digest, Local: local, Feed: server.FeedConfig{Dir: feedDirectory, Root: root, From: o.feedFrom, Poll: o.feedPoll},
		RejudgeBatch: o.rejudgeBatch, RejudgeLease: o.rejudgeLease, RejudgeWorkers: o.rejudgeWorkers,
		Logger: slog.New(slog.NewJSONHandler(cmd.ErrOrStderr(), nil))})
	if err != nil {
		return err
	}
	if o.metricsListen != "" {
		mln, err := net.Listen("tcp", o.metricsListen)
		switch {
		case err != nil && cmd.Flags().Changed("metrics-listen"):
			return fmt.Errorf("--metrics-listen: %w", err)
		case err != nil:
			// The default address is taken (another server on this
			// machine): serve without, and say so.
			fmt.Fprintf(cmd.ErrOrStderr(), "embargo: no metrics listener: %v (give --metrics-listen)\n", err)
		default:
			ms := &http.Server{Handler: srv.MetricsHandler(), ReadHeaderTimeout: 10 * time.Second}
			go ms.Serve(mln)
			defer ms.Close()
			fmt.Fprintf(cmd.ErrOrStderr(), "embargo: metrics on http://%s/metrics\n", mln.Addr())
		}
	}
	if o.mdmConfig != "" {
		cfg, err := mdm.LoadFile(o.mdmConfig)
		if err != nil {
			return err
		}
		out := o.mdmOut
		if out == "" {
			out = filepath.Join(o.db.data, "mdm")
		}
		log := slog.New(slog.NewJSONHandler(cmd.ErrOrStderr(), nil))
		startPulls(ctx, cfg, mdm.Options{Out: out, Logger: log}, data.Catalog, srv, log)
	}
	ln, ep, err := srv.Listen()
	if err != nil {
		return err
	}
	w := cmd.ErrOrStderr()
	fmt.Fprintf(w, "embargo: serving on %s\n", ep.URL)
	if ep.Fingerprint != "" {
		how := "given"
		if ep.Generated {
			how = "self-signed, kept in " + filepath.Join(o.db.data, server.GeneratedCertFile)
		}
		fmt.Fprintf(w, "embargo: TLS certificate (%s) SHA-256 fingerprint:\n  %s\n", how, ep.Fingerprint)
	}
	if err := srv.Serve(ctx, ln); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// cliViewer is who a change made from the command line is recorded as in
// the audit log: an admin named after the operating-system user.
func cliViewer() store.Viewer {
	name := os.Getenv("USER")
	if name == "" {
		name = os.Getenv("USERNAME")
	}
	name = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return -1
		}
		return r
	}, name)
	if name == "" {
		name = "unknown"
	}
	return store.Viewer{Username: "cli:" + name, Role: store.Admin}
}

// checkpointConfig reads --audit-key for --audit-checkpoints.
func (o serveOptions) checkpointConfig() (server.Checkpoints, error) {
	if (o.auditKey == "") != (o.checkpoints == "") {
		return server.Checkpoints{}, errors.New("--audit-key and --audit-checkpoints go together")
	}
	if o.auditKey == "" {
		return server.Checkpoints{}, nil
	}
	key, err := readBounded(o.auditKey)
	if err != nil {
		return server.Checkpoints{}, err
	}
	signer, err := checkpoint.NewSigner(key)
	if err != nil {
		return server.Checkpoints{}, fmt.Errorf("--audit-key %s: %w", o.auditKey, err)
	}
	return server.Checkpoints{Signer: signer, File: o.checkpoints, Every: o.checkpointEvery}, nil
}

// defaultPolicies stores --policy as the packs in force when none were
// set (through the API, or by an earlier start), so that every replica of
// one store judges by the same packs; packs set before are kept, and the
// flag's difference said.
func defaultPolicies(ctx context.Context, w io.Writer, st store.Store, names []string) error {
	if len(names) == 0 {
		return nil
	}
	cat, err := catalogInUse()
	if err != nil {
		return err
	}
	builtin, err := packsInUse()
	if err != nil {
		return err
	}
	if _, err := policy.ResolveIn(builtin, names, nil, cat); err != nil {
		return fmt.Errorf("--policy: %w", err)
	}
	have, err := st.Policies(ctx)
	if err != nil {
		return err
	}
	if len(have) == 0 {
		if err := st.PutPolicies(ctx, store.System, names); err != nil {
			return err
		}
		fmt.Fprintf(w, "embargo: packs in force: %s\n", strings.Join(names, ", "))
		return nil
	}
	if !slices.Equal(have, names) {
		fmt.Fprintf(w, "embargo: packs in force are %s, set before; --policy %s is not applied (change them with PUT /api/v1/policies)\n",
			strings.Join(have, ", "), strings.Join(names, ", "))
	}
	return nil
}
