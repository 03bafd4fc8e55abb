package winreg

import (
	"context"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// collected gathers what one hive, or the live registry, yields.
type collected struct {
	ctx context.Context
	src string // Location.Source of every item: the hive file
	lim inventory.Limits
	// user is the profile a user hive belongs to; userRoot, when set,
	// replaces HKCU in Location.Ref (HKU\S-1-5-21-... on a live system,
	// where one source holds every user's keys).
	user, userRoot string

	items    []inventory.Item
	unknowns []inventory.Unknown
}

// add keeps an item, or records why it cannot be kept.
func (c *collected) add(it inventory.Item) {
	it.Location.Source = c.src
	if c.user != "" {
		it.Add(User, c.user)
	}
	if reason := inventory.CheckItem(&it, c.lim); reason != "" {
		c.unknown(it.Location.Ref, inventory.Clip(it.Name), reason)
		return
	}
	c.items = append(c.items, it)
}

func (c *collected) unknown(ref, name, reason string) {
	c.unknowns = append(c.unknowns, inventory.Unknown{
		Location: inventory.Location{Source: c.src, Ref: ref},
		Name:     name,
		Reason:   reason,
	})
}

// failed records the error of one key as an unknown and returns nil, or
// returns the error when it ends the whole walk.
func (c *collected) failed(ref string, err error) error {
	if fatal(err) {
		return err
	}
	if cerr := c.ctx.Err(); cerr != nil {
		return cerr
	}
	c.unknown(ref, "", err.Error())
	return nil
}

// ref is how output names a key: user keys under the user's root.
func (c *collected) ref(keyPath string) string {
	if c.userRoot != "" {
		if rest, ok := strings.CutPrefix(keyPath, "HKCU"); ok {
			return c.userRoot + rest
		}
	}
	return keyPath
}

// each visits the keys below k, stopping when the scan is cancelled.
func (c *collected) each(k key, ref string, fn func(sub key, ref string) error) error {
	subs, err := k.subkeys()
	if err != nil {
		return c.failed(c.ref(ref), err)
	}
	for i, s := range subs {
		if i%256 == 0 {
			if err := c.ctx.Err(); err != nil {
				return err
			}
		}
		if err := fn(s, ref+`\`+s.name()); err != nil {
			return err
		}
	}
	return nil
}
