package feed

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/theupdateframework/go-tuf/v2/metadata"
	"github.com/theupdateframework/go-tuf/v2/metadata/config"
	"github.com/theupdateframework/go-tuf/v2/metadata/fetcher"
	"github.com/theupdateframework/go-tuf/v2/metadata/updater"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/internal/atomicfile"
	"github.com/embargo-dev/embargo/ipdata"
)

// Options say where an update comes from and where its data goes.
type Options struct {
	// From is the feed: an http(s) URL of a repository, a repository
	// directory, or a bundle file.
	From string
	// TrustRoot is the root metadata trusted before any update (the
	// embedded root, or a department's own): a client that has updated
	// before trusts the newest root it verified instead.
	TrustRoot []byte
	// Dir keeps the verified metadata (so that no later update can roll
	// it back) and the data in use.
	Dir string
	// Now is the time expiry is judged at (zero: the clock).
	Now time.Time
	// HTTPClient fetches from a URL (nil: one with a 2-minute timeout).
	HTTPClient *http.Client

	// record, when set, keeps every file fetched (Mirror).
	record *recorder
}

// Installed is the data in use: from which feed version, when, and what
// each target is.
type Installed struct {
	// Version is the version of the targets metadata the data came
	// with; Root the root version that verified it.
	Version int64 `json:"version"`
	Root    int64 `json:"root"`
	// Timestamp is when the feed's timestamp expires (a frozen feed is
	// refused); Updated when this client installed it.
	Timestamp time.Time `json:"timestamp_expires"`
	Updated   time.Time `json:"updated"`
	From      string    `json:"from"`
	// Signers are the ids of the keys that signed the targets.
	Signers []string           `json:"signers"`
	Targets map[string]Current `json:"targets"`
	// Path is where the data lies (a directory under Dir).
	Path string `json:"path"`
}

// Current is one target in use.
type Current struct {
	TargetInfo
	SHA256 string `json:"sha256"`
	Length int64  `json:"length"`
}

// Required targets: an update without them is refused.
var required = []string{CatalogTarget, PacksTarget}

// Update fetches the feed, verifies it end to end with TUF, checks that
// its catalogue loads, and only then makes it the data in use (one
// rename). On any failure the data in use stays as it was and the error
// says why.
func Update(ctx context.Context, o Options) (Installed, error) {
	if o.Dir == "" {
		return Installed{}, errors.New("feed: no data directory")
	}
	meta := filepath.Join(o.Dir, "tuf")
	if err := os.MkdirAll(meta, 0o700); err != nil {
		return Installed{}, err
	}
	root := o.TrustRoot
	if _, err := Status(o.Dir); errors.Is(err, ErrNone) {
		// Nothing installed yet: what an update refused left behind (the
		// updater keeps the root it was given) is no trust to keep, and
		// a first update tried with the wrong root must not pin it.
		if err := clearDir(meta); err != nil {
			return Installed{}, err
		}
	} else if b, err := os.ReadFile(filepath.Join(meta, "root.json")); err == nil {
		root = b // the newest root this client verified: never back to an older one
	}
	if len(root) == 0 {
		return Installed{}, errors.New("feed: no trusted root")
	}
	cfg, closeFetcher, err := fetcherConfig(o, root)
	if err != nil {
		return Installed{}, err
	}
	defer closeFetcher()
	if o.record != nil {
		cfg.Fetcher = recordingFetcher{inner: cfg.Fetcher, metaURL: cfg.RemoteMetadataURL, targetsURL: cfg.RemoteTargetsURL, rec: o.record}
	}
	cfg.LocalMetadataDir = meta
	cfg.LocalTargetsDir = filepath.Join(o.Dir, "download")
	cfg.DisableLocalCache = false
	if err := os.MkdirAll(cfg.LocalTargetsDir, 0o700); err != nil {
		return Installed{}, err
	}
	up, err := updater.New(cfg)
	if err != nil {
		return Installed{}, fmt.Errorf("feed %s: %w", o.From, err)
	}
	if !o.Now.IsZero() {
		up.UnsafeSetRefTime(o.Now)
	}
	if err := up.Refresh(); err != nil {
		return Installed{}, fmt.Errorf("feed %s: refused: %w", o.From, err)
	}
	trusted := up.GetTrustedMetadataSet()
	staging, err := os.MkdirTemp(o.Dir, ".staging-*")
	if err != nil {
		return Installed{}, err
	}
	defer os.RemoveAll(staging)
	in := Installed{Version: trusted.Targets[metadata.TARGETS].Signed.Version, Root: trusted.Root.Signed.Version,
		Timestamp: trusted.Timestamp.Signed.Expires, From: o.From, Updated: time.Now().UTC(), Targets: map[string]Current{}}
	for _, s := range trusted.Targets[metadata.TARGETS].Signatures {
		in.Signers = append(in.Signers, s.KeyID)
	}
	sort.Strings(in.Signers)
	names := make([]string, 0, len(trusted.Targets[metadata.TARGETS].Signed.Targets))
	for name := range trusted.Targets[metadata.TARGETS].Signed.Targets {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range required {
		if _, ok := trusted.Targets[metadata.TARGETS].Signed.Targets[name]; !ok {
			return Installed{}, fmt.Errorf("feed %s: version %d has no %s", o.From, in.Version, name)
		}
	}
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return Installed{}, err
		}
		tf, err := up.GetTargetInfo(name)
		if err != nil {
			return Installed{}, fmt.Errorf("feed %s: %s: %w", o.From, name, err)
		}
		_, data, err := up.DownloadTarget(tf, filepath.Join(staging, name), "")
		if err != nil {
			return Installed{}, fmt.Errorf("feed %s: %s refused: %w", o.From, name, err)
		}
		var info TargetInfo
		if tf.Custom != nil {
			if err := json.Unmarshal(*tf.Custom, &info); err != nil {
				return Installed{}, fmt.Errorf("feed %s: %s: its custom metadata: %w", o.From, name, err)
			}
		}
		sum := sha256.Sum256(data)
		in.Targets[name] = Current{TargetInfo: info, SHA256: hex.EncodeToString(sum[:]), Length: int64(len(data))}
	}
	if err := checkContent(staging); err != nil {
		return Installed{}, fmt.Errorf("feed %s: version %d is signed but unusable: %w", o.From, in.Version, err)
	}
	return in, install(o.Dir, staging, &in)
}

// fetcherConfig is the updater's configuration for o.From: HTTP for a
// URL, a local fetcher for a directory or a bundle.
func fetcherConfig(o Options, root []byte) (*config.UpdaterConfig, func(), error) {
	nothing := func() {}
	switch {
	case strings.HasPrefix(o.From, "https://") || strings.HasPrefix(o.From, "http://"):
		cfg, err := config.New(strings.TrimSuffix(o.From, "/")+"/"+metadataDir, root)
		if err != nil {
			return nil, nothing, err
		}
		cfg.RemoteTargetsURL = strings.TrimSuffix(o.From, "/") + "/" + targetsDir
		hc := o.HTTPClient
		if hc == nil {
			hc = &http.Client{Timeout: 2 * time.Minute}
		}
		f := fetcher.NewDefaultFetcher()
		f.SetHTTPClient(hc)
		f.SetHTTPUserAgent("embargo")
		f.SetRetry(time.Second, 2)
		cfg.Fetcher = f
		return cfg, nothing, nil
	case o.From == "":
		return nil, nothing, errors.New("feed: no source (--from)")
	}
	st, err := os.Stat(o.From)
	if err != nil {
		return nil, nothing, fmt.Errorf("feed %s: %w", o.From, err)
	}
	cfg, err := config.New(localURL+metadataDir, root)
	if err != nil {
		return nil, nothing, err
	}
	cfg.RemoteTargetsURL = localURL + targetsDir
	if st.IsDir() {
		cfg.Fetcher = dirFetcher{root: o.From}
		return cfg, nothing, nil
	}
	b, err := openBundle(o.From)
	if err != nil {
		return nil, nothing, err
	}
	cfg.Fetcher = b
	return cfg, func() { b.Close() }, nil
}

// checkContent loads what was fetched: the catalogue must load and
// validate as the built-in one does.
func checkContent(staging string) error {
	for _, t := range required {
		data, err := os.ReadFile(filepath.Join(staging, t))
		if err != nil {
			return err
		}
		dir := filepath.Join(staging, strings.TrimSuffix(t, ".tar"))
		if err := Unpack(data, dir); err != nil {
			return fmt.Errorf("%s: %w", t, err)
		}
	}
	if _, err := catalog.Load(os.DirFS(filepath.Join(staging, "catalog"))); err != nil {
		return fmt.Errorf("its catalogue: %w", err)
	}
	if p := filepath.Join(staging, IPDataTarget); exists(p) {
		if _, err := ipdata.Open(p); err != nil {
			return fmt.Errorf("its IP data: %w", err)
		}
	}
	return nil
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// install makes staging the data in use: it moves under Dir as the
// version's directory, and current.json, written whole and renamed,
// points at it; the version before stays until the next update.
func install(dir, staging string, in *Installed) error {
	name := fmt.Sprintf("v%d-%s", in.Version, time.Now().UTC().Format("20060102T150405.000000000"))
	in.Path = name
	if err := os.Rename(staging, filepath.Join(dir, name)); err != nil {
		return err
	}
	data, err := json.MarshalIndent(in, "", "  ")
	if err != nil {
		return err
	}
	prev, _ := Status(dir)
	if err := atomicfile.Write(filepath.Join(dir, "current.json"), data, 0o644); err != nil {
		return err
	}
	// Keep the data in use and the one before; older go.
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if e.IsDir() && strings.HasPrefix(e.Name(), "v") && e.Name() != name && e.Name() != prev.Path {
			os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
	return nil
}

// Status is the data in use in dir; ErrNone when no update was installed.
func Status(dir string) (Installed, error) {
	data, err := os.ReadFile(filepath.Join(dir, "current.json"))
	if errors.Is(err, os.ErrNotExist) {
		return Installed{}, ErrNone
	}
	if err != nil {
		return Installed{}, err
	}
	var in Installed
	if err := json.Unmarshal(data, &in); err != nil {
		return Installed{}, fmt.Errorf("%s: %w", filepath.Join(dir, "current.json"), err)
	}
	return in, nil
}

// ErrNone is the status of a directory no update was installed in.
var ErrNone = errors.New("no feed installed: the built-in data is in use")

// clearDir removes what dir holds, keeping dir.
func clearDir(dir string) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range ents {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return nil
}
