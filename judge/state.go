package judge

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/finding"
	"github.com/embargo-dev/embargo/inventory"
)

// StateVersion is the version of the state file's layout.
const StateVersion = 1

// MaxStateBytes bounds the state file read back.
const MaxStateBytes = 512 << 20

// Forget is how long a finding not seen again stays in the state: a
// finding that comes back within it keeps its first sighting, and with it
// its deadline.
const Forget = 400 * 24 * time.Hour

// State is the local record of findings across runs, kept in one JSON
// file when no server is used: when each finding was first and last seen,
// and the finding as last reported with its item and evidence, so that
// `embargo explain FINDING-ID` needs nothing else. It is not safe for
// concurrent use; two scans writing one file at once keep the last
// writer's view (the file is replaced whole, never left half-written).
type State struct {
	path string
	file stateFile
}

type stateFile struct {
	Version  int                `json:"version"`
	Findings map[string]*Record `json:"findings"`
}

// Record is one finding as the state keeps it.
type Record struct {
	FirstSeen   time.Time       `json:"first_seen"`
	LastSeen    time.Time       `json:"last_seen"`
	Finding     finding.Finding `json:"finding"`
	Item        inventory.Item  `json:"item"`
	Attribution *attribute.View `json:"attribution,omitempty"`
}

// LoadState reads the state file at path; a missing file is an empty
// state.
func LoadState(path string) (*State, error) {
	s := &State{path: path, file: stateFile{Version: StateVersion, Findings: map[string]*Record{}}}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the state: %w", err)
	}
	defer f.Close()
	data, err := inventory.ReadAll(f, MaxStateBytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if s.file, err = parseState(path, data); err != nil {
		return nil, err
	}
	return s, nil
}

// parseState decodes a state file strictly: unknown fields, another
// version, or a finding without its first sighting are errors.
func parseState(name string, data []byte) (stateFile, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var sf stateFile
	if err := dec.Decode(&sf); err != nil {
		return sf, inventory.JSONError(name, data, err)
	}
	if dec.More() {
		return sf, fmt.Errorf("%s: more than one JSON value", name)
	}
	if sf.Version != StateVersion {
		return sf, fmt.Errorf("%s: state version %d, this embargo reads version %d", name, sf.Version, StateVersion)
	}
	if sf.Findings == nil {
		sf.Findings = map[string]*Record{}
	}
	for id, r := range sf.Findings {
		if r == nil || r.FirstSeen.IsZero() {
			return sf, fmt.Errorf("%s: finding %q has no first_seen", name, id)
		}
	}
	return sf, nil
}

// Path is the file the state is kept in.
func (s *State) Path() string { return s.path }

// FirstSeen returns when finding id was first seen, if it ever was.
func (s *State) FirstSeen(id string) (time.Time, bool) {
	r, ok := s.file.Findings[id]
	if !ok {
		return time.Time{}, false
	}
	return r.FirstSeen, true
}

// Record returns the stored finding id, or one whose id begins with id
// when exactly one does.
func (s *State) Record(id string) (*Record, error) {
	if r, ok := s.file.Findings[id]; ok {
		return r, nil
	}
	var found *Record
	n := 0
	for k, r := range s.file.Findings {
		if len(k) > len(id) && k[:len(id)] == id {
			found, n = r, n+1
		}
	}
	switch n {
	case 0:
		return nil, fmt.Errorf("no finding %q in %s", id, s.path)
	case 1:
		return found, nil
	}
	return nil, fmt.Errorf("%q matches %d findings in %s; give more of the id", id, n, s.path)
}

// put stores f as seen at now, with the item it was found on.
func (s *State) put(f finding.Finding, it *inventory.Item, a *attribute.Attribution, now time.Time) {
	r := &Record{FirstSeen: f.FirstSeen, LastSeen: now, Finding: f, Item: *it}
	if a != nil {
		v := a.View()
		r.Attribution = &v
	}
	s.file.Findings[f.ID] = r
}

// Save writes the state, dropping findings not seen for Forget, by
// writing a new file beside the old and renaming it over.
func (s *State) Save(now time.Time) error {
	for id, r := range s.file.Findings {
		if now.Sub(r.LastSeen) > Forget {
			delete(s.file.Findings, id)
		}
	}
	data, err := json.Marshal(&s.file)
	if err != nil {
		return err
	}
	dir := filepath.Dir(s.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("saving the state: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".findings-*.json")
	if err != nil {
		return fmt.Errorf("saving the state: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("saving the state: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("saving the state: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("saving the state: %w", err)
	}
	if err := os.Rename(tmp.Name(), s.path); err != nil {
		return fmt.Errorf("saving the state: %w", err)
	}
	return nil
}
