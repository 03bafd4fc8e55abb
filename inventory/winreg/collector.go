package winreg

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// Where Windows keeps its hives, relative to the system volume.
const (
	softwarePath = "Windows/System32/config/SOFTWARE"
	systemPath   = "Windows/System32/config/SYSTEM"
	userFile     = "/NTUSER.DAT"
)

// Software reads the SOFTWARE hive: the Uninstall entries of both
// registry views and the catalogued vendor keys.
type Software struct{}

// Name implements inventory.Collector.
func (Software) Name() string { return "winreg-software" }

// Tags implements inventory.Collector.
func (Software) Tags() []string { return []string{"windows", "registry"} }

// Requirements implements inventory.Collector: files only.
func (Software) Requirements() inventory.Requirements { return inventory.Requirements{} }

// Wants implements inventory.Collector. Windows paths keep the case they
// were created with, so the match ignores case.
func (Software) Wants(p string) bool { return strings.EqualFold(p, softwarePath) }

// Collect implements inventory.Collector.
func (Software) Collect(ctx context.Context, t *inventory.Target, f inventory.TargetFile, lim inventory.Limits) ([]inventory.Item, []inventory.Unknown, error) {
	return collectFile(ctx, t, f, lim, softwareHive, "")
}

// Users reads every user's NTUSER.DAT: per-user Uninstall entries and
// catalogued vendor keys under HKCU.
type Users struct{}

// Name implements inventory.Collector.
func (Users) Name() string { return "winreg-users" }

// Tags implements inventory.Collector.
func (Users) Tags() []string { return []string{"windows", "registry"} }

// Requirements implements inventory.Collector: files only.
func (Users) Requirements() inventory.Requirements { return inventory.Requirements{} }

// Wants implements inventory.Collector: Users/*/NTUSER.DAT and, on
// Windows XP, Documents and Settings/*/NTUSER.DAT.
func (Users) Wants(p string) bool {
	_, ok := profile(p)
	return ok
}

// Collect implements inventory.Collector.
func (Users) Collect(ctx context.Context, t *inventory.Target, f inventory.TargetFile, lim inventory.Limits) ([]inventory.Item, []inventory.Unknown, error) {
	user, _ := profile(f.Path)
	return collectFile(ctx, t, f, lim, userHive, user)
}

// profile returns the profile folder of a user hive path.
func profile(p string) (string, bool) {
	if len(p) < len(userFile) || !strings.EqualFold(p[len(p)-len(userFile):], userFile) {
		return "", false
	}
	dir := p[:len(p)-len(userFile)]
	for _, top := range [...]string{"Users/", "Documents and Settings/"} {
		if len(dir) > len(top) && strings.EqualFold(dir[:len(top)], top) {
			if user := dir[len(top):]; !strings.Contains(user, "/") {
				return user, true
			}
		}
	}
	return "", false
}

// Services reads the services and drivers of the SYSTEM hive.
type Services struct{}

// Name implements inventory.Collector.
func (Services) Name() string { return "winreg-services" }

// Tags implements inventory.Collector.
func (Services) Tags() []string { return []string{"windows", "registry", "service"} }

// Requirements implements inventory.Collector: files only.
func (Services) Requirements() inventory.Requirements { return inventory.Requirements{} }

// Wants implements inventory.Collector.
func (Services) Wants(p string) bool { return strings.EqualFold(p, systemPath) }

// Collect implements inventory.Collector.
func (Services) Collect(ctx context.Context, t *inventory.Target, f inventory.TargetFile, lim inventory.Limits) ([]inventory.Item, []inventory.Unknown, error) {
	return collectFile(ctx, t, f, lim, systemHive, "")
}

type hiveKind int

const (
	softwareHive hiveKind = iota
	userHive
	systemHive
)

// collectFile opens a hive file of the target and reads it.
func collectFile(ctx context.Context, t *inventory.Target, f inventory.TargetFile, lim inventory.Limits, kind hiveKind, user string) ([]inventory.Item, []inventory.Unknown, error) {
	name := t.Display(f.Path)
	fh, err := t.FS.Open(f.Path)
	if err != nil {
		if t.Live && inUse(err) {
			// Running Windows holds its hives, and a logged-on user's,
			// open: Live reads them from the registry instead.
			return nil, nil, nil
		}
		return nil, nil, err
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil {
		return nil, nil, err
	}
	size := fi.Size()
	if size > lim.MaxBytes {
		return nil, nil, &inventory.InputError{Source: name, Offset: -1, Err: fmt.Errorf("%w: the hive is %d bytes, the limit %d", inventory.ErrTooLarge, size, lim.MaxBytes)}
	}
	ra, ok := fh.(io.ReaderAt)
	if !ok {
		data, err := inventory.ReadAll(fh, lim.MaxBytes)
		if err != nil {
			return nil, nil, &inventory.InputError{Source: name, Offset: -1, Err: err}
		}
		ra, size = bytes.NewReader(data), int64(len(data))
	}
	return scanHive(ctx, name, ra, size, kind, user, lim)
}

// scanHive reads one hive of the given kind. Parts that cannot be read
// become unknowns; an error means the hive as a whole could not be read,
// and what was read before it is returned with it.
func scanHive(ctx context.Context, name string, ra io.ReaderAt, size int64, kind hiveKind, user string, lim inventory.Limits) ([]inventory.Item, []inventory.Unknown, error) {
	if size > lim.MaxBytes {
		return nil, nil, &inventory.InputError{Source: name, Offset: -1, Err: fmt.Errorf("%w: the hive is %d bytes, the limit %d", inventory.ErrTooLarge, size, lim.MaxBytes)}
	}
	h, err := openHive(name, ra, size)
	if err != nil {
		return nil, nil, err
	}
	c := &collected{ctx: ctx, src: name, lim: lim, user: user}
	if s1, s2, dirty := h.dirty(); dirty {
		c.unknown("", "", fmt.Sprintf("the hive was not written back cleanly (sequence numbers %d and %d): changes still in its transaction logs (.LOG1, .LOG2) are not read", s1, s2))
	}
	err = h.guard(func() error {
		root, err := h.root()
		if err != nil {
			return err
		}
		switch kind {
		case softwareHive:
			return c.software(root)
		case userHive:
			return c.userHive(root)
		default:
			return c.system(root)
		}
	})
	return c.items, c.unknowns, err
}

// software reads the Uninstall entries and vendor keys of a SOFTWARE
// hive (or HKLM\SOFTWARE).
func (c *collected) software(root key) error {
	for _, v := range machineViews {
		if err := c.uninstall(root, v); err != nil {
			return err
		}
	}
	keys, err := catalogKeys()
	if err != nil {
		return fmt.Errorf("catalogue: %w", err)
	}
	return c.vendorKeys(root, `hklm\software`, `HKLM\SOFTWARE`, keys)
}

// userHive reads a user's hive (or HKU\<SID>).
func (c *collected) userHive(root key) error {
	for _, v := range userViews {
		if err := c.uninstall(root, v); err != nil {
			return err
		}
	}
	keys, err := catalogKeys()
	if err != nil {
		return fmt.Errorf("catalogue: %w", err)
	}
	return c.vendorKeys(root, "hkcu", "HKCU", keys)
}
