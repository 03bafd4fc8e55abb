package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/mdm"
	"github.com/embargo-dev/embargo/report"
	"github.com/embargo-dev/embargo/scan"
	"github.com/embargo-dev/embargo/server"
)

// deviceIngester is what a pull's devices are handed to: the fleet
// server.
type deviceIngester interface {
	IngestDevices(ctx context.Context, department, connector string, rep *report.Report, now time.Time) (server.IngestSummary, error)
	IngestPartialDevices(ctx context.Context, department, connector string, rep *report.Report, now time.Time) (server.IngestSummary, error)
}

// startPulls runs each connector of cfg on its interval until ctx ends:
// a pull, then a scan of what it saved, handed to the server as the
// connector's department's devices. Pulls of different connectors run
// side by side; a connector's pulls never overlap.
func startPulls(ctx context.Context, cfg *mdm.Config, opts mdm.Options, cat *catalog.Catalog, to deviceIngester, log *slog.Logger) {
	for _, c := range cfg.Connectors {
		go mdm.RunEvery(ctx, c.Interval, func(ctx context.Context) {
			pullAndIngest(ctx, c, opts, cat, to, log)
		})
	}
}

// pullAndIngest pulls connector c once and hands its devices to the
// server. A pull that did not complete is ingested as partial (its
// devices kept and judged, no device counted as missed by it); one that
// saved nothing changes nothing: a failed pull never removes a device.
func pullAndIngest(ctx context.Context, c mdm.Connector, opts mdm.Options, cat *catalog.Catalog, to deviceIngester, log *slog.Logger) (server.IngestSummary, error) {
	log = log.With("connector", c.Name, "department", c.Department)
	// The Result is never nil; its error says why a pull failed, and
	// what it saved before is still read.
	res, _ := mdm.Pull(ctx, c, opts)
	if res.Err != nil {
		log.Warn("device manager pull failed", "err", res.Err, "partial", res.Dir, "current", res.Current)
	}
	if res.Dir == "" {
		return server.IngestSummary{}, res.Err
	}
	rep, err := scan.Run(ctx, attribute.New(cat), []string{res.Dir}, scan.Options{Version: version})
	if err != nil {
		log.Error("reading the pull", "dir", res.Dir, "err", err)
		return server.IngestSummary{}, err
	}
	ingest := to.IngestDevices
	if res.Status != mdm.StatusComplete {
		ingest = to.IngestPartialDevices
	}
	sum, err := ingest(ctx, c.Department, c.Name, rep, time.Now().UTC())
	if err != nil {
		log.Error("keeping the pull's devices", "err", err)
		return sum, err
	}
	log.Info("device manager pull kept", "complete", sum.Complete, "devices", sum.Devices, "new", sum.New, "judged", sum.Judged,
		"findings", sum.Findings, "without_apps", len(sum.WithoutApps), "not_seen", len(sum.NotSeen), "failed", len(sum.Failed))
	return sum, nil
}
