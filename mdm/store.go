package mdm

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/embargo-dev/embargo/internal/atomicfile"
)

// A connector's directory under --out:
//
//	current/        the last complete pull: its pages and manifest.json
//	previous/       the complete pull before it
//	incoming/RUN/   a pull under way
//	partial/RUN/    pulls that failed or were abandoned, newest few kept
//	.lock           held while a pull runs
//
// A pull writes into a fresh incoming/RUN and, only when it completed,
// takes the place of current/ by two renames in the same directory (the
// old current/ moves aside, the run moves in). A crash between them is
// repaired by the next pull. A failed pull never touches current/.
const (
	dirCurrent  = "current"
	dirPrevious = "previous"
	dirIncoming = "incoming"
	dirPartial  = "partial"
	swapAside   = ".current-old"
	lockName    = ".lock"

	// ManifestName is the file each run writes beside its pages.
	ManifestName = "manifest.json"
	// ManifestFormat identifies a manifest, so that readers of the pages
	// can leave it alone.
	ManifestFormat = "embargo-mdm-pull/1"
)

// Run statuses in a manifest.
const (
	StatusRunning   = "running"
	StatusComplete  = "complete"
	StatusFailed    = "failed"
	StatusAbandoned = "abandoned"
)

// Manifest describes one run; it is written as manifest.json beside the
// run's pages.
type Manifest struct {
	Format     string    `json:"format"`
	Connector  string    `json:"connector"`
	Kind       string    `json:"kind"`
	Department string    `json:"department"`
	Run        string    `json:"run"`
	Status     string    `json:"status"`
	Started    time.Time `json:"started"`
	Finished   time.Time `json:"finished,omitzero"`
	Devices    int       `json:"devices"`
	Pages      int       `json:"pages"`
	Requests   int       `json:"requests"` // every request sent, token requests included
	Retries    int       `json:"retries"`
	Renewals   int       `json:"token_renewals"`
	Files      []string  `json:"files"`
	// Gone are per-device requests answered 404: the device left the
	// manager between the listing and the request.
	Gone []string `json:"gone,omitempty"`
	// NoContent are listings answered 204 on their first page: nothing
	// to list, so no file was written.
	NoContent []string `json:"no_content,omitempty"`
	Error     string   `json:"error,omitempty"`
}

// store is one connector's directory, locked for one pull.
type store struct {
	dir    string
	unlock func()
}

var errLocked = errors.New("locked")

// openStore creates and locks a connector's directory and repairs what
// an interrupted pull left: a swap cut short, runs left in incoming/.
func openStore(out, name string, now time.Time) (*store, error) {
	dir := filepath.Join(out, name)
	for _, d := range []string{dir, filepath.Join(dir, dirIncoming), filepath.Join(dir, dirPartial)} {
		if err := os.MkdirAll(d, 0o750); err != nil {
			return nil, err
		}
	}
	unlock, err := lockFile(filepath.Join(dir, lockName))
	if errors.Is(err, errLocked) {
		return nil, fmt.Errorf("another pull of %s is under way (it holds %s)", name, filepath.Join(dir, lockName))
	}
	if err != nil {
		return nil, fmt.Errorf("locking %s: %w", dir, err)
	}
	s := &store{dir: dir, unlock: unlock}
	if err := s.repair(now); err != nil {
		unlock()
		return nil, err
	}
	return s, nil
}

func (s *store) close() { s.unlock() }

func (s *store) path(parts ...string) string {
	return filepath.Join(append([]string{s.dir}, parts...)...)
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

func (s *store) repair(now time.Time) error {
	cur, aside := s.path(dirCurrent), s.path(swapAside)
	if exists(aside) {
		if !exists(cur) {
			if err := os.Rename(aside, cur); err != nil {
				return fmt.Errorf("restoring %s: %w", cur, err)
			}
		} else if err := s.retire(aside); err != nil {
			return err
		}
	}
	runs, err := os.ReadDir(s.path(dirIncoming))
	if err != nil {
		return err
	}
	for _, r := range runs {
		m, _ := readManifest(s.path(dirIncoming, r.Name(), ManifestName))
		m.Status, m.Error = StatusAbandoned, "the pull stopped before it finished (the process ended)"
		if m.Finished.IsZero() {
			m.Finished = now
		}
		if _, err := s.setAside(r.Name(), m); err != nil {
			return err
		}
	}
	return nil
}

// newRun makes a fresh, empty incoming/RUN named after the start time.
func (s *store) newRun(started time.Time) (string, error) {
	base := started.UTC().Format("20060102T150405.000Z")
	for n := 1; n < 1000; n++ {
		id := base
		if n > 1 {
			id = fmt.Sprintf("%s-%d", base, n)
		}
		if exists(s.path(dirPartial, id)) {
			continue
		}
		err := os.Mkdir(s.path(dirIncoming, id), 0o750)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return id, err
	}
	return "", fmt.Errorf("no free run name for %s in %s", base, s.dir)
}

func (s *store) writeManifest(dir string, m Manifest) error {
	m.Format = ManifestFormat
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(dir, ManifestName), append(b, '\n'), 0o640)
}

func readManifest(p string) (Manifest, error) {
	var m Manifest
	b, err := os.ReadFile(p)
	if err == nil {
		err = json.Unmarshal(b, &m)
	}
	return m, err
}

// promote makes the finished run current; the old current becomes
// previous. switched says whether the run is now current: an error after
// the switch (syncing, keeping the old one as previous) does not undo it.
func (s *store) promote(id string, m Manifest) (switched bool, err error) {
	run, cur, aside := s.path(dirIncoming, id), s.path(dirCurrent), s.path(swapAside)
	if err := s.writeManifest(run, m); err != nil {
		return false, err
	}
	had := exists(cur)
	if had {
		if err := os.Rename(cur, aside); err != nil {
			return false, fmt.Errorf("moving %s aside: %w", cur, err)
		}
	}
	if err := os.Rename(run, cur); err != nil {
		if had {
			os.Rename(aside, cur)
		}
		return false, fmt.Errorf("making %s current: %w", run, err)
	}
	if err := atomicfile.SyncDir(s.dir); err != nil {
		return true, err
	}
	if had {
		return true, s.retire(aside)
	}
	return true, nil
}

// retire makes dir (a former current) the previous pull.
func (s *store) retire(dir string) error {
	prev := s.path(dirPrevious)
	if err := os.RemoveAll(prev); err != nil {
		return fmt.Errorf("removing %s: %w", prev, err)
	}
	if err := os.Rename(dir, prev); err != nil {
		return fmt.Errorf("keeping %s as %s: %w", dir, prev, err)
	}
	return atomicfile.SyncDir(s.dir)
}

// setAside moves a run that did not complete to partial/, with its
// manifest saying why, and returns where it went.
func (s *store) setAside(id string, m Manifest) (string, error) {
	run, dst := s.path(dirIncoming, id), s.path(dirPartial, id)
	if err := s.writeManifest(run, m); err != nil {
		return "", err
	}
	if err := os.Rename(run, dst); err != nil {
		return "", fmt.Errorf("keeping the partial run %s: %w", run, err)
	}
	return dst, atomicfile.SyncDir(s.path(dirPartial))
}

// prunePartial keeps the newest keep partial runs (run names sort by
// time).
func (s *store) prunePartial(keep int) error {
	ents, err := os.ReadDir(s.path(dirPartial))
	if err != nil {
		return err
	}
	var names []string
	for _, e := range ents {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	for len(names) > keep {
		if err := os.RemoveAll(s.path(dirPartial, names[0])); err != nil {
			return err
		}
		names = names[1:]
	}
	return nil
}
