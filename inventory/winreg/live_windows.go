//go:build windows

package winreg

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/registry"

	"github.com/embargo-dev/embargo/inventory"
)

// liveSource is the Location.Source of what the live registry yields.
const liveSource = "live registry"

// Live reads the running system's registry: the same keys as Software,
// Services and Users, the last for every user whose hive is loaded.
type Live struct{}

// Name implements inventory.Collector.
func (Live) Name() string { return "winreg-live" }

// Tags implements inventory.Collector.
func (Live) Tags() []string { return []string{"windows", "registry", "service"} }

// Requirements implements inventory.Collector.
func (Live) Requirements() inventory.Requirements {
	return inventory.Requirements{LiveOnly: true, OS: "windows"}
}

// Wants implements inventory.Collector: the SOFTWARE hive file, which the
// system holds open, stands for the whole live registry, read once.
func (Live) Wants(p string) bool { return strings.EqualFold(p, softwarePath) }

// Collect implements inventory.Collector.
func (Live) Collect(ctx context.Context, t *inventory.Target, f inventory.TargetFile, lim inventory.Limits) ([]inventory.Item, []inventory.Unknown, error) {
	c := &collected{ctx: ctx, src: liveSource, lim: lim}
	if err := c.software(liveKey{root: registry.LOCAL_MACHINE, path: "SOFTWARE", n: "SOFTWARE"}); err != nil {
		return c.items, c.unknowns, err
	}
	if err := c.services(liveKey{root: registry.LOCAL_MACHINE, path: `SYSTEM\CurrentControlSet\Services`, n: "Services"},
		`HKLM\SYSTEM\CurrentControlSet\Services`); err != nil {
		return c.items, c.unknowns, err
	}
	sids, err := liveKey{root: registry.USERS}.subkeys()
	if err != nil {
		return c.items, c.unknowns, fmt.Errorf("listing HKEY_USERS: %w", err)
	}
	for _, s := range sids {
		if strings.HasSuffix(s.name(), "_Classes") {
			continue // the user's file associations, not a profile
		}
		u := &collected{ctx: ctx, src: liveSource, lim: lim, user: s.name(), userRoot: `HKU\` + s.name()}
		err := u.userHive(s)
		c.items, c.unknowns = append(c.items, u.items...), append(c.unknowns, u.unknowns...)
		if err != nil {
			return c.items, c.unknowns, err
		}
	}
	return c.items, c.unknowns, nil
}

// liveKey is a key of the live registry, opened only while read so that
// a walk holds no handles.
type liveKey struct {
	root registry.Key
	path string // below root
	n    string
}

func (k liveKey) name() string { return k.n }

// The 64-bit view even from a 32-bit build: WOW6432Node is read by name.
const view = registry.WOW64_64KEY

func (k liveKey) subkeys() ([]key, error) {
	h, err := registry.OpenKey(k.root, k.path, registry.ENUMERATE_SUB_KEYS|view)
	if err != nil {
		if errors.Is(err, registry.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("opening %s: %w", k.path, err)
	}
	defer h.Close()
	names, err := h.ReadSubKeyNames(-1)
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", k.path, err)
	}
	out := make([]key, len(names))
	for i, n := range names {
		p := n
		if k.path != "" {
			p = k.path + `\` + n
		}
		out[i] = liveKey{root: k.root, path: p, n: n}
	}
	return out, nil
}

func (k liveKey) values(names ...string) (map[string]value, error) {
	h, err := registry.OpenKey(k.root, k.path, registry.QUERY_VALUE|view)
	if err != nil {
		if errors.Is(err, registry.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("opening %s: %w", k.path, err)
	}
	defer h.Close()
	out := map[string]value{}
	for _, n := range names {
		s, _, err := h.GetStringValue(n)
		switch {
		case err == nil:
			out[strings.ToLower(n)] = value{str: s}
		case errors.Is(err, registry.ErrUnexpectedType):
			if u, _, err := h.GetIntegerValue(n); err == nil {
				out[strings.ToLower(n)] = value{num: u, isNum: true}
			} else if ss, _, err := h.GetStringsValue(n); err == nil {
				out[strings.ToLower(n)] = value{str: strings.Join(ss, "; ")}
			}
		}
	}
	return out, nil
}

// inUse reports whether opening a file failed because another process
// holds it, as Windows does with the hive of a logged-on user.
func inUse(err error) bool { return errors.Is(err, windows.ERROR_SHARING_VIOLATION) }
