package agent

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// collect scans (and judges the flow logs, when given) and spools what
// changed since the last upload.
func (a *agent) collect(ctx context.Context) error {
	var errs []error
	if err := a.syncFeed(ctx); err != nil {
		a.log.Warn("data feed", "error", err.Error())
	}
	body, err := a.cfg.Scan(ctx)
	if err == nil {
		err = a.enqueue(KindInventory, body)
	}
	if err != nil {
		errs = append(errs, fmt.Errorf("inventory: %w", err))
	}
	if len(a.cfg.Flows) > 0 {
		body, err := a.cfg.ScanFlows(ctx, a.cfg.Flows)
		if err == nil {
			err = a.enqueue(KindFlows, body)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("flows: %w", err))
		}
	}
	return errors.Join(errs...)
}

// enqueue spools body unless its content equals what the server last
// acknowledged, or what is already waiting in the spool, for its kind.
func (a *agent) enqueue(kind string, body []byte) error {
	content, err := ContentDigest(body)
	if err != nil {
		return err
	}
	last := a.st.Acked[kind]
	if u, ok := a.spool.newest(kind); ok {
		last = u.Content
	}
	if content == last {
		a.log.Info("report unchanged; not uploaded", "kind", kind, "content", content)
		return nil
	}
	if len(body) > MaxUploadDecompressed {
		return fmt.Errorf("report of %d bytes is larger than the server takes (%d)", len(body), MaxUploadDecompressed)
	}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(body)
	if err := zw.Close(); err != nil {
		return fmt.Errorf("compressing the report: %w", err)
	}
	if gz.Len() > MaxUploadCompressed {
		return fmt.Errorf("report compresses to %d bytes, more than the server takes (%d)", gz.Len(), MaxUploadCompressed)
	}
	sum := sha256.Sum256(body)
	u := Upload{Kind: kind, Digest: hex.EncodeToString(sum[:]), Content: content, Created: a.cfg.Now().UTC(), Gzip: gz.Bytes()}
	dropped, err := a.spool.add(u)
	if dropped > 0 {
		a.st.Dropped += dropped
		a.log.Warn("spool full; oldest uploads dropped", "dropped", dropped)
		if err := saveState(a.statePath, a.st); err != nil {
			a.log.Error("saving state", "error", err)
		}
	}
	if err != nil {
		return fmt.Errorf("spooling the report: %w", err)
	}
	a.log.Info("report spooled", "kind", kind, "digest", u.Digest, "bytes", len(body), "gzip_bytes", gz.Len())
	return nil
}

// drain sends the spooled uploads oldest first. It stops at the first
// one that may go through later (a retryError) and sets aside the ones
// the server refused.
func (a *agent) drain(ctx context.Context) error {
	files, err := a.spool.list()
	if err != nil || len(files) == 0 {
		return err
	}
	if a.cred == nil {
		c, err := a.credential(ctx)
		if err != nil {
			return err
		}
		a.cred = &c
	}
	if err := a.maybeRotate(ctx); err != nil {
		return err
	}
	for _, f := range files {
		u, err := ReadSpoolFile(f.path)
		if err != nil {
			a.setAside(f.path, err)
			continue
		}
		resp, err := a.send(ctx, u)
		if err != nil {
			return &retryError{err: fmt.Errorf("sending %s upload: %w", u.Kind, err)}
		}
		switch {
		case resp.status >= 200 && resp.status < 300:
			if err := a.acknowledged(f.path, u, resp); err != nil {
				return err
			}
		case resp.status == http.StatusUnauthorized || resp.status == http.StatusForbidden:
			return fmt.Errorf("%w: the server refused this agent's credential (%s); remove %q and enrol again with a new token",
				errPermanent, resp.describe(), credentialPath(a.cfg.StateDir))
		case resp.transient():
			return &retryError{err: fmt.Errorf("sending %s upload: %s", u.Kind, resp.describe()), after: resp.retryAfter}
		default:
			a.setAside(f.path, fmt.Errorf("server refused the %s upload: %s", u.Kind, resp.describe()))
		}
	}
	return nil
}

// acknowledged removes an upload the server took, and remembers its
// content as the last acknowledged.
func (a *agent) acknowledged(path string, u Upload, resp response) error {
	var ack struct {
		Digest    string `json:"digest"`
		Duplicate bool   `json:"duplicate"`
		Findings  int    `json:"findings"`
	}
	json.Unmarshal(resp.body, &ack) // the status decides; the body is for the log
	if err := a.spool.remove(path); err != nil {
		return err
	}
	dropped := a.st.Dropped
	a.st.Acked[u.Kind], a.st.Dropped = u.Content, 0
	if err := saveState(a.statePath, a.st); err != nil {
		a.log.Error("saving state", "error", err)
	}
	attrs := []any{"kind", u.Kind, "digest", u.Digest, "status", resp.status, "duplicate", ack.Duplicate,
		"findings", ack.Findings, "queued_for", a.cfg.Now().Sub(u.Created).Round(time.Second).String()}
	if dropped > 0 {
		attrs = append(attrs, "dropped", dropped,
			"note", fmt.Sprintf("%d older upload(s) were dropped from the full spool before this one", dropped))
	}
	a.log.Info("upload acknowledged", attrs...)
	return nil
}

// setAside moves a spool file that can never be sent to rejected/.
func (a *agent) setAside(path string, why error) {
	a.rejected++
	dst, err := a.spool.reject(path)
	if err != nil {
		a.log.Error("upload rejected; could not set it aside", "file", path, "reason", why, "error", err)
		return
	}
	a.log.Error("upload rejected; set aside", "file", dst, "reason", why)
}

// send posts one upload.
func (a *agent) send(ctx context.Context, u Upload) (response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.endpoint("uploads/"+u.Kind), bytes.NewReader(u.Gzip))
	if err != nil {
		return response{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Content-Encoding", "gzip")
	req.Header.Set("Embargo-Digest", "sha256="+u.Digest)
	req.Header.Set("Authorization", "Bearer "+a.cred.AgentID+"."+a.cred.Secret)
	return a.do(req)
}

// Bounds on the interval a server may ask for.
const (
	minServerInterval = time.Minute
	maxServerInterval = 30 * 24 * time.Hour
)

// interval is Config.Interval, else the server's, else DefaultInterval.
func (a *agent) interval(ctx context.Context) time.Duration {
	if a.cfg.Interval > 0 {
		return a.cfg.Interval
	}
	if a.cred == nil { // enrolled by an earlier run, nothing sent yet by this one
		if c, err := ReadCredential(credentialPath(a.cfg.StateDir)); err == nil {
			a.cred = &c
		}
	}
	if a.serverInterval > 0 || a.cred == nil {
		return cmp.Or(a.serverInterval, DefaultInterval)
	}
	a.serverInterval = DefaultInterval // asked once per Run
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.endpoint("agent/config"), nil)
	if err != nil {
		return DefaultInterval
	}
	req.Header.Set("Authorization", "Bearer "+a.cred.AgentID+"."+a.cred.Secret)
	resp, err := a.do(req)
	var c struct {
		IntervalSeconds int64 `json:"interval_seconds"`
	}
	if err != nil || resp.status != http.StatusOK || json.Unmarshal(resp.body, &c) != nil || c.IntervalSeconds <= 0 {
		a.log.Warn("could not read the server's interval; using the default", "interval", DefaultInterval.String())
		return DefaultInterval
	}
	a.serverInterval = min(max(time.Duration(min(c.IntervalSeconds, int64(maxServerInterval/time.Second)))*time.Second, minServerInterval), maxServerInterval)
	return a.serverInterval
}
