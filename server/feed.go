package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/feed"
	"github.com/embargo-dev/embargo/policy"
	"github.com/embargo-dev/embargo/store"
)

// FeedConfig is how a server takes the signed data feed.
type FeedConfig struct {
	// Dir is where the server installs the feed's data, verified; empty:
	// the server takes no feed and judges by Config.Catalog and Packs.
	Dir string
	// Root is the TUF root metadata bundles are verified with before the
	// server uses or stores them: the one agents trust too.
	Root []byte
	// From, when set, is a feed (URL, mirror directory or bundle) the
	// server mirrors every Poll (0: DefaultFeedPoll): a new version is
	// installed for the fleet as an admin's upload is.
	From string
	Poll time.Duration
}

// DefaultFeedPoll is how often a server mirroring a feed fetches it.
const DefaultFeedPoll = time.Hour

// dataSet is what the server judges by: a catalogue with its
// attributor, the built-in packs the packs in force are named from, and
// the digest naming both.
type dataSet struct {
	cat    *catalog.Catalog
	attr   *attribute.Attributor
	packs  []*policy.Pack
	digest string
	// feedDigest names the data as the feed (or the binary) has it,
	// before the server's local catalogue files: what a feed bundle
	// records. It is digest when there are none.
	feedDigest string
	// bundle is the SHA-256 of the feed bundle it came from ("" for the
	// server's own data).
	bundle string
}

// newDataSet is the data of cat and packs, named by digest (the
// catalogue's own when empty), with the local catalogue files added.
func newDataSet(cat *catalog.Catalog, packs []*policy.Pack, digest, bundle string, local []catalog.LocalFile) (*dataSet, error) {
	if digest == "" {
		digest = cat.Digest()
	}
	d, err := feed.Data{Catalog: cat, Packs: packs, Digest: digest}.WithLocal(local)
	if err != nil {
		return nil, err
	}
	return &dataSet{cat: d.Catalog, attr: attribute.New(d.Catalog), packs: packs, digest: d.Digest, feedDigest: digest, bundle: bundle}, nil
}

func (s *Server) dataNow() *dataSet { return s.data.Load() }

// setData makes d what the server judges by; the policy state built
// from the data before is dropped.
func (s *Server) setData(d *dataSet) {
	s.data.Store(d)
	s.forget()
}

// installBundle verifies a bundle with the server's trust root and makes
// it the server's data: on any failure the data in use stays.
func (s *Server) installBundle(ctx context.Context, data []byte) (*dataSet, feed.Installed, error) {
	return verifyBundle(ctx, s.cfg.Feed.Dir, s.cfg.Feed.Root, data, s.now(), s.cfg.Local)
}

// verifyBundle verifies a bundle with root, installing it in dir, and
// adds the local catalogue files to its data.
func verifyBundle(ctx context.Context, dir string, root, data []byte, now time.Time, local []catalog.LocalFile) (*dataSet, feed.Installed, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, feed.Installed{}, err
	}
	tmp, err := os.CreateTemp(dir, ".incoming-*.tar")
	if err != nil {
		return nil, feed.Installed{}, err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return nil, feed.Installed{}, err
	}
	if err := tmp.Close(); err != nil {
		return nil, feed.Installed{}, err
	}
	in, err := feed.Update(ctx, feed.Options{From: tmp.Name(), TrustRoot: root, Dir: dir, Now: now})
	if err != nil {
		return nil, in, err
	}
	d, err := feed.InUse(dir)
	if err != nil {
		return nil, in, err
	}
	sum := sha256.Sum256(data)
	in.From = "bundle sha256:" + hex.EncodeToString(sum[:])
	ds, err := newDataSet(d.Catalog, d.Packs, d.Digest, hex.EncodeToString(sum[:]), local)
	return ds, in, err
}

// InstallFeed verifies a feed bundle with root (installing it in dir, a
// scratch directory of the caller's) and stores it for the fleet, as
// POST /api/v1/feed does: the servers on the store install it within
// their poll, and the fleet is judged again by it.
func InstallFeed(ctx context.Context, st store.Store, v store.Viewer, root []byte, dir string, data []byte, now time.Time) (store.FeedBundle, error) {
	d, in, err := verifyBundle(ctx, dir, root, data, now, nil)
	if err != nil {
		return store.FeedBundle{}, fmt.Errorf("the bundle was refused: %w", err)
	}
	return storeBundle(ctx, st, v, d, in, data, now)
}

func storeBundle(ctx context.Context, st store.Store, v store.Viewer, d *dataSet, in feed.Installed, data []byte, now time.Time) (store.FeedBundle, error) {
	status, err := json.Marshal(in)
	if err != nil {
		return store.FeedBundle{}, err
	}
	return st.PutFeed(ctx, v, store.FeedBundle{FeedVersion: in.Version, SHA256: d.bundle, DataDigest: d.feedDigest, Status: status}, data, now)
}

// syncFeed installs the fleet's newest feed bundle when this server's
// data is not from it: at start, and when another replica installed one.
func (s *Server) syncFeed(ctx context.Context) error {
	if s.cfg.Feed.Dir == "" {
		return nil
	}
	b, err := s.st.Feed(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if b.SHA256 == s.dataNow().bundle {
		return nil
	}
	s.feedMu.Lock()
	defer s.feedMu.Unlock()
	if b.SHA256 == s.dataNow().bundle {
		return nil
	}
	data, err := s.st.FeedData(ctx, b.ID)
	if err != nil {
		return err
	}
	d, _, err := s.installBundle(ctx, data)
	if err != nil {
		return fmt.Errorf("the fleet's feed version %d: %w", b.FeedVersion, err)
	}
	if d.feedDigest != b.DataDigest {
		return fmt.Errorf("the fleet's feed version %d holds data %s, not the %s recorded", b.FeedVersion, d.feedDigest, b.DataDigest)
	}
	s.setData(d)
	s.log.Info("installed the fleet's data feed", "feed_version", b.FeedVersion, "data", d.digest)
	return s.noteData(ctx, d)
}

// noteData records the data the server judges by now for the fleet:
// with local catalogue files it is not the feed's alone, and the fleet
// is judged again by it (a version after the feed's).
func (s *Server) noteData(ctx context.Context, d *dataSet) error {
	if d.digest == d.feedDigest {
		return nil
	}
	bumped, err := s.st.NoteCatalogue(ctx, d.digest, s.now())
	if err != nil {
		return fmt.Errorf("noting the data with the local catalogue: %w", err)
	}
	if bumped {
		s.log.Info("new data with the local catalogue: the fleet will be judged again", "data", d.digest)
	}
	return nil
}

// postFeed installs a feed bundle an admin uploaded: verified with the
// server's root, stored for the other replicas and the agents, judged
// by from now on (the fleet is re-judged).
func (s *Server) postFeed(w http.ResponseWriter, r *http.Request) error {
	if s.cfg.Feed.Dir == "" {
		return errorf(http.StatusNotImplemented, "this server takes no data feed (start it with a data directory and a trust root)")
	}
	data, err := readBody(r, store.MaxFeedBundle)
	if err != nil {
		return err
	}
	s.feedMu.Lock()
	defer s.feedMu.Unlock()
	d, in, err := s.installBundle(r.Context(), data)
	if err != nil {
		return errorf(http.StatusBadRequest, "the bundle was refused; the data in use stays: %v", err)
	}
	b, err := storeBundle(r.Context(), s.st, viewer(r), d, in, data, s.now())
	if err != nil {
		return err
	}
	s.setData(d)
	s.log.Info("installed a data feed", "feed_version", in.Version, "data", d.digest, "policy_version", b.PolicyVersion)
	if err := s.noteData(r.Context(), d); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, b)
}

// feedStatus is GET /api/v1/feed.
type feedStatus struct {
	// Server is the data this server judges by.
	Server struct {
		Data   string `json:"data"`
		Bundle string `json:"bundle,omitempty"`
	} `json:"server"`
	// Feeds are the bundles installed in the fleet, newest first.
	Feeds []store.FeedBundle `json:"feeds"`
}

func (s *Server) getFeed(w http.ResponseWriter, r *http.Request) error {
	var out feedStatus
	d := s.dataNow()
	out.Server.Data, out.Server.Bundle = d.digest, d.bundle
	fs, err := s.st.Feeds(r.Context(), viewer(r))
	if err != nil {
		return err
	}
	out.Feeds = nonNil(fs)
	return writeJSON(w, http.StatusOK, out)
}

// feedBundle serves the newest bundle to agents, which verify it with
// their own root: the server is a mirror they need not trust.
func (s *Server) feedBundle(w http.ResponseWriter, r *http.Request) error {
	b, err := s.st.Feed(r.Context())
	if err != nil {
		return err
	}
	etag := `"` + b.SHA256 + `"`
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	data, err := s.st.FeedData(r.Context(), b.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/x-tar")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Header().Set("X-Embargo-Feed-Version", strconv.FormatInt(b.FeedVersion, 10))
	_, err = bytes.NewReader(data).WriteTo(w)
	return err
}

// feedChanges is what changed with feed version N: the findings its
// re-judging opened, reopened, ended or moved.
type feedChanges struct {
	Feed    store.FeedBundle      `json:"feed"`
	Changes []store.FindingChange `json:"changes"`
}

func (s *Server) getFeedChanges(w http.ResponseWriter, r *http.Request) error {
	n, err := strconv.ParseInt(r.PathValue("version"), 10, 64)
	if err != nil {
		return errorf(http.StatusNotFound, "not found")
	}
	out, err := s.changesOf(r.Context(), viewer(r), n)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

// changesOf finds feed version n among the feeds installed and reads
// what its re-judging changed.
func (s *Server) changesOf(ctx context.Context, v store.Viewer, n int64) (feedChanges, error) {
	fs, err := s.st.Feeds(ctx, v)
	if err != nil {
		return feedChanges{}, err
	}
	for _, b := range fs {
		if b.FeedVersion == n {
			cs, err := s.st.Changes(ctx, v, b.PolicyVersion, 0)
			return feedChanges{Feed: b, Changes: nonNil(cs)}, err
		}
	}
	return feedChanges{}, fmt.Errorf("feed version %d: %w", n, store.ErrNotFound)
}
