package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"time"

	"github.com/embargo-dev/embargo/feed"
	"github.com/embargo-dev/embargo/store"
)

// mirror fetches the feed of FeedConfig.From every Poll until ctx ends.
func (s *Server) mirror(ctx context.Context) {
	poll := s.cfg.Feed.Poll
	if poll <= 0 {
		poll = DefaultFeedPoll
	}
	for {
		if err := s.mirrorOnce(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("mirroring the data feed", "from", s.cfg.Feed.From, "error", err.Error())
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(poll):
		}
	}
}

// mirrorOnce fetches the feed, verified, as a bundle; one other than the
// fleet's newest is installed for the fleet (a new version, or a fresh
// timestamp that keeps agents from taking the feed for frozen).
func (s *Server) mirrorOnce(ctx context.Context) error {
	scratch, err := os.MkdirTemp(s.cfg.Feed.Dir, ".mirror-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(scratch)
	out := filepath.Join(scratch, "bundle.tar")
	if _, err := feed.Mirror(ctx, feed.Options{From: s.cfg.Feed.From, TrustRoot: s.cfg.Feed.Root, Dir: filepath.Join(scratch, "tuf"), Now: s.now()}, out); err != nil {
		return err
	}
	data, err := os.ReadFile(out)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(data)
	if cur, err := s.st.Feed(ctx); err == nil && cur.SHA256 == hex.EncodeToString(sum[:]) {
		return nil
	}
	s.feedMu.Lock()
	defer s.feedMu.Unlock()
	d, in, err := s.installBundle(ctx, data)
	if err != nil {
		return err
	}
	b, err := storeBundle(ctx, s.st, store.System, d, in, data, s.now())
	if err != nil {
		return err
	}
	s.setData(d)
	s.log.Info("mirrored the data feed", "from", s.cfg.Feed.From, "feed_version", in.Version, "data", d.digest, "policy_version", b.PolicyVersion)
	return nil
}
