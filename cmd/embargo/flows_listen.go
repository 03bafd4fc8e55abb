package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/embargo-dev/embargo/egress"
	"github.com/embargo-dev/embargo/egress/collect"
	"github.com/embargo-dev/embargo/egress/netflow"
	"github.com/embargo-dev/embargo/flows"
)

func newFlowsListenCmd(o *flowsOptions) *cobra.Command {
	var addr string
	var interval, duration time.Duration
	cmd := &cobra.Command{
		Use:   "listen --netflow ADDR",
		Short: "Receive NetFlow v5/v9 and IPFIX over UDP, with periodic summaries; Ctrl-C or SIGTERM judges and reports the total",
		Long: `Listen receives NetFlow v5, v9 and IPFIX export datagrams on a UDP address and adds the
flows up as 'embargo flows' does. Every --interval a summary line goes to standard error
(datagrams, flows, bad records, templates missing, datagrams dropped by the kernel or the
queue). On Ctrl-C or SIGTERM (as systemd stops a service), or after --duration, the traffic
is judged and the report written (to --output-file, or standard output).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if addr == "" {
				return errors.New("give --netflow ADDR (e.g. 127.0.0.1:2055)")
			}
			opts, err := o.setup(cmd)
			if err != nil {
				return err
			}
			a := collect.NewAggregator(opts.Options)
			l, err := netflow.Listen(addr, netflow.Limits{})
			if err != nil {
				return err
			}
			inputs := []collect.Input{{Source: "udp://" + l.Addr().String(), Reader: "netflow"}}
			// SIGTERM (how systemd, Docker and kill stop a service) ends
			// the listening as Ctrl-C does: the traffic is judged and
			// the report written.
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			if duration > 0 {
				ctx, stop = context.WithTimeout(ctx, duration)
				defer stop()
			}
			sink := &lockedSink{s: a.Sink()}
			if !o.quiet {
				fmt.Fprintf(cmd.ErrOrStderr(), "listening for NetFlow/IPFIX on %s\n", l.Addr())
				go summaries(ctx, cmd, l, interval)
			}
			runErr := l.Run(ctx, sink)
			c := l.Counters()
			inputs[0].Records, inputs[0].Bad = c.Flows, c.Bad
			o.notes = append(o.notes, fmt.Sprintf("NetFlow listener: %d datagrams, %d flows, %d bad, %d without their template, %d dropped",
				c.Packets, c.Flows, c.Bad, c.NoTemplate, c.Dropped))
			if runErr != nil && !errors.Is(runErr, context.Canceled) && !errors.Is(runErr, context.DeadlineExceeded) {
				return runErr
			}
			rep, err := flows.Finish(a, inputs, opts)
			if err != nil {
				return err
			}
			return o.finish(cmd, rep)
		},
	}
	cmd.Flags().StringVar(&addr, "netflow", "", "UDP address to receive NetFlow/IPFIX on, e.g. 127.0.0.1:2055")
	cmd.Flags().DurationVar(&interval, "interval", time.Minute, "how often to print a summary")
	cmd.Flags().DurationVar(&duration, "duration", 0, "stop after this long (default: until Ctrl-C)")
	return cmd
}

// lockedSink serialises the listener's writes into the collector, which
// is not safe for concurrent use, whatever the listener's goroutines.
type lockedSink struct {
	mu sync.Mutex
	s  egress.Sink
}

func (l *lockedSink) Flow(f *egress.Flow) { l.mu.Lock(); l.s.Flow(f); l.mu.Unlock() }

func (l *lockedSink) Conn(c *egress.Conn) { l.mu.Lock(); l.s.Conn(c); l.mu.Unlock() }

func (l *lockedSink) DNS(a *egress.DNSAnswer) { l.mu.Lock(); l.s.DNS(a); l.mu.Unlock() }

func (l *lockedSink) Bad(b egress.Bad) { l.mu.Lock(); l.s.Bad(b); l.mu.Unlock() }

// summaries prints the listener's counters every interval.
func summaries(ctx context.Context, cmd *cobra.Command, l *netflow.Listener, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	var last netflow.Counters
	start := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			c := l.Counters()
			rate := float64(c.Flows-last.Flows) / interval.Seconds()
			fmt.Fprintf(cmd.ErrOrStderr(), "%s  %d datagrams, %d flows (%.0f/s), %d bad, %d without template, %d dropped\n",
				now.Sub(start).Truncate(time.Second), c.Packets, c.Flows, rate, c.Bad, c.NoTemplate, c.Dropped)
			last = c
		}
	}
}
