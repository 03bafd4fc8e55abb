package feed

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/theupdateframework/go-tuf/v2/metadata"
	"github.com/theupdateframework/go-tuf/v2/metadata/fetcher"
)

// Mirror fetches the feed at o.From and verifies it as Update does, in
// o.Dir (a scratch directory of the caller's: every file must be fetched
// afresh), then writes what it fetched as one bundle to out — the root
// rotations from o.TrustRoot on, the timestamp, snapshot and targets
// metadata and the targets — which a server stores and serves to its
// replicas and agents. They verify it again with their own root.
func Mirror(ctx context.Context, o Options, out string) (Installed, error) {
	rec := &recorder{files: map[string][]byte{}}
	o.record = rec
	in, err := Update(ctx, o)
	if err != nil {
		return in, err
	}
	if root, err := metadata.Root().FromBytes(o.TrustRoot); err == nil {
		rec.put(fmt.Sprintf("%s/%d.root.json", metadataDir, root.Signed.Version), o.TrustRoot)
	}
	return in, rec.bundle(out)
}

// recorder keeps every file a fetcher served, by its name in a
// repository (metadata/..., targets/...).
type recorder struct {
	mu    sync.Mutex
	files map[string][]byte
}

func (r *recorder) put(name string, data []byte) {
	r.mu.Lock()
	r.files[name] = data
	r.mu.Unlock()
}

// bundle writes the files as a bundle.
func (r *recorder) bundle(out string) error { return writeBundle(out, r.files) }

// recordingFetcher passes downloads through and records them.
type recordingFetcher struct {
	inner               fetcher.Fetcher
	metaURL, targetsURL string
	rec                 *recorder
}

func (r recordingFetcher) DownloadFile(u string, maxLength int64, timeout time.Duration) ([]byte, error) {
	data, err := r.inner.DownloadFile(u, maxLength, timeout)
	if err != nil {
		return nil, err
	}
	switch {
	case strings.HasPrefix(u, r.metaURL+"/"):
		r.rec.put(metadataDir+"/"+filepath.Base(u), data)
	case strings.HasPrefix(u, r.targetsURL+"/"):
		r.rec.put(targetsDir+"/"+filepath.Base(u), data)
	}
	return data, nil
}
