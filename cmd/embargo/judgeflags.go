package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/spf13/pflag"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/judge"
	"github.com/embargo-dev/embargo/policy"
	"github.com/embargo-dev/embargo/policy/systems"
)

// judgeOptions are the flags that judge a scan by policy.
type judgeOptions struct {
	policies       []string
	classification string
	tags           []string
	systems        string
	waivers        string
	failOn         string
	host           string
	state          string
	noState        bool
	// overdueIsReminder: an overdue removal does not fail the scan.
	overdueIsReminder bool
}

// maxInputFile bounds the register and waivers files read.
const maxInputFile = 64 << 20

func (o *judgeOptions) register(f *pflag.FlagSet) {
	f.StringSliceVar(&o.policies, "policy", nil, `judge findings by these policy packs: built-in ids, a jurisdiction's packs (uk, us-federal, eu, de, au, ca), pack files, or "all"`)
	f.StringVar(&o.classification, "classification", "", "describe the target: its classification (e.g. OFFICIAL, SECRET, TOP SECRET)")
	f.StringSliceVar(&o.tags, "tag", nil, "describe the target: tags such as national-security, government-device (repeatable)")
	f.StringVar(&o.systems, "systems", "", "systems register (YAML) that hosts are matched to")
	f.StringVar(&o.waivers, "waivers", "", "waivers file (YAML)")
	f.StringVar(&o.failOn, "fail-on", string(policy.Prohibit), "exit 1 when an unwaived finding has this effect or a stronger one: prohibit|remove-by|warn")
	f.StringVar(&o.host, "host", "", "host name of items whose input names none (SBOMs, dpkg files), to match the systems register")
	f.StringVar(&o.state, "state", "", "file that keeps when findings were first seen (default "+defaultStateHint()+")")
	f.BoolVar(&o.noState, "no-state", false, "keep no first-seen state: every finding is new, and relative deadlines count from now")
	f.BoolVar(&o.overdueIsReminder, "overdue-is-reminder", false, "do not fail the scan for a remove-by finding past its deadline (by default an overdue removal is a breach and fails like a prohibition)")
}

// set reports whether any judging flag was given that means nothing
// without a policy. --no-state is not one: keeping no state when there is
// none to keep is harmless, and a script may pass it to every scan.
func (o *judgeOptions) set(f *pflag.FlagSet) bool {
	for _, n := range []string{"policy", "classification", "tag", "systems", "waivers", "fail-on", "host", "state", "overdue-is-reminder"} {
		if f.Changed(n) {
			return true
		}
	}
	return false
}

// build turns the flags into a Judge; it returns nil when no policy was
// asked for. Everything is loaded and checked before the scan starts, so
// a bad file fails fast and nothing is half-applied.
func (o *judgeOptions) build(f *pflag.FlagSet, cat *catalog.Catalog) (*judge.Judge, error) {
	if len(o.policies) == 0 {
		if o.set(f) {
			return nil, errors.New("--classification, --tag, --systems, --waivers, --fail-on, --host and --state judge findings by policy: give --policy too")
		}
		return nil, nil
	}
	ps, err := loadPolicy(cat, policyFlags{policies: o.policies, systems: o.systems, classify: o.classification,
		tags: o.tags, waivers: o.waivers, failOn: o.failOn, what: "target"})
	if err != nil {
		return nil, err
	}
	j := &judge.Judge{Engine: ps.Engine, FailOn: ps.FailOn, OverdueIsReminder: o.overdueIsReminder, Host: o.host, Waivers: ps.Waivers, WaiversName: o.waivers}
	if ps.Register != nil {
		j.Systems, j.SystemsName = ps.Register, o.systems
	} else {
		j.Systems, j.SystemsName = judge.OneOff(ps.OneOff), systems.OneOffID
	}
	if !o.noState {
		path := o.state
		if path == "" {
			if path, err = defaultStatePath(); err != nil {
				return nil, err
			}
		}
		if j.State, err = judge.LoadState(path); err != nil {
			return nil, err
		}
	}
	return j, nil
}

func readBounded(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := inventory.ReadAll(f, maxInputFile)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return data, nil
}

// defaultStatePath is where first sightings are kept without --state:
// $XDG_STATE_HOME/embargo, ~/.local/state/embargo on other Unix systems,
// the user's configuration directory elsewhere.
func defaultStatePath() (string, error) {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "embargo", "findings.json"), nil
	}
	if runtime.GOOS != "windows" && runtime.GOOS != "darwin" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("finding the state directory: %w (give --state or --no-state)", err)
		}
		return filepath.Join(home, ".local", "state", "embargo", "findings.json"), nil
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("finding the state directory: %w (give --state or --no-state)", err)
	}
	return filepath.Join(d, "embargo", "findings.json"), nil
}

func defaultStateHint() string {
	switch runtime.GOOS {
	case "windows":
		return `%AppData%\embargo\findings.json`
	case "darwin":
		return "~/Library/Application Support/embargo/findings.json"
	}
	return "$XDG_STATE_HOME/embargo/findings.json or ~/.local/state/embargo/findings.json"
}
