package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/embargo-dev/embargo/agent"
)

// agentServiceName is the Windows service `embargo agent --service` runs as.
const agentServiceName = "embargo-agent"

type agentOptions struct {
	server, token, stateDir, fingerprint, ca, host string
	trustRoot                                      string
	interval                                       time.Duration
	rotateEvery                                    time.Duration
	jitter                                         float64
	once, service                                  bool
	flows                                          []string
}

func newAgentCmd() *cobra.Command {
	var o agentOptions
	cmd := &cobra.Command{
		Use:   "agent --server URL --token TOKEN [TARGET...]",
		Short: "Scan this host on an interval and upload what changed to 'embargo serve'",
		Long: `Agent enrols this host with 'embargo serve' once (the one-time --token is exchanged for
a credential kept in the state directory), then scans the TARGETs ("/" when none are
given) every --interval, moved by up to ±10% so that a fleet does not scan together,
and uploads the report when its content changed. With --flows, Zeek or Suricata EVE logs
are judged and uploaded too.

Every upload is written to a spool in the state directory first and removed only once
the server acknowledged it: while the server cannot be reached, uploads wait there
(across restarts and reboots; at most 64 files or 512 MiB, the oldest dropped first)
and are sent oldest first when it comes back, with exponential backoff. Uploads the
server refuses are moved to rejected/ in the state directory.

--server, --token and --fingerprint default to $EMBARGO_SERVER, $EMBARGO_TOKEN and
$EMBARGO_FINGERPRINT, so that the token need not appear in the process list.
deploy/systemd/embargo-agent.service runs it under systemd; on Windows, install it as a
service that runs 'embargo agent --service ...'.`,
		RunE: func(cmd *cobra.Command, args []string) error { return runAgent(cmd, args, o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.server, "server", os.Getenv("EMBARGO_SERVER"), "URL of 'embargo serve' (plain http only on loopback)")
	f.StringVar(&o.token, "token", os.Getenv("EMBARGO_TOKEN"), "one-time enrolment token (needed until the host is enrolled)")
	f.DurationVar(&o.interval, "interval", 0, "time between scans (default: the server's, else 6h)")
	f.Float64Var(&o.jitter, "jitter", agent.DefaultJitter, "move each interval by up to this fraction of it, either way")
	f.DurationVar(&o.rotateEvery, "rotate-every", 30*24*time.Hour, "replace the agent's secret with a new one this often (0: never)")
	f.BoolVar(&o.once, "once", false, "scan and upload once (and send what the spool holds), then exit; exit 2 if it did not get through")
	f.StringVar(&o.stateDir, "state-dir", "", "where the credential and the spool are kept (default $XDG_STATE_HOME/embargo/agent, or /var/lib/embargo-agent as root)")
	f.StringVar(&o.fingerprint, "fingerprint", os.Getenv("EMBARGO_FINGERPRINT"), "trust only the server certificate with this SHA-256 fingerprint (printed by 'embargo serve')")
	f.StringVar(&o.ca, "ca", "", "PEM file of certificate authorities to trust for the server")
	f.StringArrayVar(&o.flows, "flows", nil, "Zeek or Suricata EVE log to judge and upload as flows (repeatable)")
	f.StringVar(&o.host, "host", "", "name of this host for the server (default: the host name)")
	f.StringVar(&o.trustRoot, "trust-root", "", "the data feed's root metadata: the server's feed is installed only when it verifies with it (default: the project's, embedded)")
	f.BoolVar(&o.service, "service", false, "run under the Windows service manager as "+agentServiceName)
	return cmd
}

func runAgent(cmd *cobra.Command, args []string, o agentOptions) error {
	if o.server == "" {
		return errors.New("agent: give --server (or set EMBARGO_SERVER)")
	}
	server, err := url.Parse(o.server)
	if err != nil {
		return fmt.Errorf("agent: --server: %w", err)
	}
	if o.stateDir == "" {
		if o.stateDir, err = defaultAgentStateDir(); err != nil {
			return err
		}
	}
	var h slog.Handler = slog.NewJSONHandler(cmd.ErrOrStderr(), nil)
	if fh, ok := cmd.ErrOrStderr().(*os.File); ok && term.IsTerminal(int(fh.Fd())) {
		h = slog.NewTextHandler(fh, nil)
	}
	cfg := agent.Config{
		Server: server, Token: o.token, Host: o.host, StateDir: o.stateDir,
		Interval: o.interval, RotateEvery: o.rotateEvery, Jitter: o.jitter, Targets: args, Flows: o.flows, Once: o.once,
		CAFile: o.ca, Fingerprint: o.fingerprint, Version: version, Logger: slog.New(h),
	}
	if cfg.FeedRoot, err = readRoot(o.trustRoot); err != nil {
		return err
	}
	if o.service {
		return agent.RunService(agentServiceName, cfg)
	}
	// systemd and the Windows console stop a service with SIGTERM; the
	// agent finishes the file it is writing and exits 0.
	ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGTERM)
	defer stop()
	return agent.Run(ctx, cfg)
}

// defaultAgentStateDir is /var/lib/embargo-agent for root (the systemd
// unit's StateDirectory), %ProgramData%\embargo\agent on Windows, and
// $XDG_STATE_HOME/embargo/agent (~/.local/state/...) for other users.
func defaultAgentStateDir() (string, error) {
	switch {
	case runtime.GOOS == "windows" && os.Getenv("ProgramData") != "":
		return filepath.Join(os.Getenv("ProgramData"), "embargo", "agent"), nil
	case runtime.GOOS != "windows" && os.Geteuid() == 0:
		return "/var/lib/embargo-agent", nil
	}
	if d := os.Getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "embargo", "agent"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("agent: no --state-dir and no home directory: %w", err)
	}
	return filepath.Join(home, ".local", "state", "embargo", "agent"), nil
}
