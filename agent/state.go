package agent

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/embargo-dev/embargo/internal/atomicfile"
)

// state is what the agent remembers between runs, in StateDir/state.json:
// the content digest the server last acknowledged for each kind, and how
// many spooled uploads were dropped and not yet reported.
type state struct {
	Acked   map[string]string `json:"acked"`
	Dropped int               `json:"dropped,omitempty"`
}

func statePath(stateDir string) string { return filepath.Join(stateDir, "state.json") }

// loadState reads the state; a missing file is an empty state, and so is
// a corrupt one (logged by the caller): at worst one unchanged report is
// uploaded again, and the server recognises the duplicate.
func loadState(path string) (state, error) {
	st := state{Acked: map[string]string{}}
	data, err := readBounded(path)
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return st, err
	}
	if err := json.Unmarshal(data, &st); err != nil {
		return state{Acked: map[string]string{}}, fmt.Errorf("state %q is corrupt: %w", path, err)
	}
	if st.Acked == nil {
		st.Acked = map[string]string{}
	}
	st.Dropped = max(st.Dropped, 0)
	return st, nil
}

func saveState(path string, st state) error {
	data, _ := json.MarshalIndent(st, "", "  ")
	return atomicfile.Write(path, append(data, '\n'), 0o600)
}
