package agent

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"

	"github.com/embargo-dev/embargo/feed"
)

// maxFeedBundle bounds a feed bundle the agent reads (the server's own
// limit).
const maxFeedBundle = 256 << 20

// feedDir is where the agent installs the data feed.
func (c Config) feedDir() string {
	if c.FeedDir != "" {
		return c.FeedDir
	}
	return filepath.Join(c.StateDir, "feed")
}

// syncFeed takes the server's data feed when the agent has a trust root:
// the newest bundle, verified end to end with the agent's root before
// it is used, so that the server is a mirror the agent need not trust. A
// refused bundle leaves the data in use; it is not fetched again until
// the server has another.
func (a *agent) syncFeed(ctx context.Context) error {
	if len(a.cfg.FeedRoot) == 0 {
		return nil
	}
	cred, err := a.credential(ctx)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.endpoint("feed/bundle"), nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+cred.AgentID+"."+cred.Secret)
	req.Header.Set("User-Agent", "embargo-agent/"+a.cfg.Version)
	if a.feedETag != "" {
		req.Header.Set("If-None-Match", a.feedETag)
	}
	resp, err := a.cfg.HTTPClient.Do(req)
	if err != nil {
		return fmt.Errorf("fetching the data feed: %w", err)
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusNotModified, http.StatusNotFound: // unchanged, or no feed in the fleet
		return nil
	default:
		return fmt.Errorf("fetching the data feed: %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	etag := resp.Header.Get("ETag")
	tmp := filepath.Join(a.cfg.StateDir, "feed-incoming.tar")
	defer os.Remove(tmp)
	if err := saveBounded(tmp, resp.Body, maxFeedBundle); err != nil {
		return fmt.Errorf("fetching the data feed: %w", err)
	}
	in, err := feed.Update(ctx, feed.Options{From: tmp, TrustRoot: a.cfg.FeedRoot, Dir: a.cfg.feedDir(), Now: a.cfg.Now()})
	a.feedETag = etag
	if err != nil {
		return fmt.Errorf("the server's data feed was refused; the data in use stays: %w", err)
	}
	a.log.Info("installed the data feed", "feed_version", in.Version, "root", in.Root)
	return nil
}

// saveBounded writes at most max bytes of r to name.
func saveBounded(name string, r io.Reader, max int64) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	n, err := io.Copy(f, io.LimitReader(r, max+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && n > max {
		err = errors.New("the bundle is over the 256 MiB limit")
	}
	return err
}
