package winreg

import (
	"slices"
	"strings"
	"sync"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/inventory"
)

// catalogKeys are the registry_key identifiers of the embedded catalogue,
// lower-cased with short hive names (hklm\software\kasperskylab): the
// vendor keys worth looking for. Only their presence is reported, so that
// output stays small; attribution itself is the catalogue's.
var catalogKeys = sync.OnceValues(func() ([]string, error) {
	cat, err := catalog.Embedded()
	if err != nil {
		return nil, err
	}
	var out []string
	add := func(ids []catalog.Identifier) {
		for _, id := range ids {
			if id.Kind == catalog.RegistryKey {
				out = append(out, normalizeKey(id.Value))
			}
		}
	}
	for _, e := range cat.Entities {
		add(e.Identifiers)
	}
	for _, p := range cat.Products {
		add(p.Identifiers)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
})

var longHives = map[string]string{
	"hkey_local_machine": "hklm", "hkey_current_user": "hkcu", "hkey_users": "hku",
}

func normalizeKey(k string) string {
	k = strings.Trim(strings.ToLower(strings.ReplaceAll(k, "/", `\`)), `\`)
	hive, rest, _ := strings.Cut(k, `\`)
	if short, ok := longHives[hive]; ok {
		hive = short
	}
	return hive + `\` + rest
}

const uninstallBelow = `microsoft\windows\currentversion\uninstall`

// vendorKeys reports the catalogued keys present below root, which is the
// key written prefix (hklm\software for a SOFTWARE hive, hkcu for a user
// hive), in the native and the 32-bit (WOW6432Node) view. Keys below an
// Uninstall key are items already; a key below one already found is not
// reported again.
func (c *collected) vendorKeys(root key, prefix, written string, keys []string) error {
	var found []string
	for _, k := range keys {
		rel, ok := strings.CutPrefix(k, prefix+`\`)
		under := strings.TrimPrefix(rel, `software\`)
		if !ok || rel == "" || under == uninstallBelow || strings.HasPrefix(under, uninstallBelow+`\`) {
			continue
		}
		if slices.ContainsFunc(found, func(f string) bool { return strings.HasPrefix(k, f+`\`) }) {
			continue
		}
		parts := strings.Split(rel, `\`)
		wow := 0 // where the 32-bit view's WOW6432Node goes
		if parts[0] == "software" {
			wow = 1
		}
		views := [][]string{parts, slices.Insert(slices.Clone(parts), wow, "wow6432node")}
		hit := false
		for _, path := range views {
			names, err := find(root, path)
			if err != nil {
				if err := c.failed(written+`\`+strings.Join(path, `\`), err); err != nil {
					return err
				}
				continue
			}
			if names == nil {
				continue
			}
			hit = true
			keyPath := written + `\` + strings.Join(names, `\`)
			it := inventory.Item{Type: inventory.Other, Ecosystem: "windows", Name: names[len(names)-1],
				Location: inventory.Location{Ref: c.ref(keyPath)}}
			it.Add(inventory.RegistryKey, keyPath)
			c.add(it)
		}
		if hit {
			found = append(found, k)
		}
	}
	return nil
}

// find follows path below k and returns the names of the keys on the way
// as the hive spells them, or nil when one is absent.
func find(k key, path []string) ([]string, error) {
	names := make([]string, 0, len(path))
	for _, part := range path {
		sub, err := open(k, part)
		if err != nil || sub == nil {
			return nil, err
		}
		names = append(names, sub.name())
		k = sub
	}
	return names, nil
}
