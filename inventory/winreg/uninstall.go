package winreg

import (
	"fmt"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// uninstallView is one place where Windows keeps the entries of Programs
// and Features.
type uninstallView struct {
	path []string // below the hive's root
	key  string   // the same key as output writes it
}

var (
	machineViews = []uninstallView{
		{[]string{"Microsoft", "Windows", "CurrentVersion", "Uninstall"}, `HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall`},
		// 32-bit programs on 64-bit Windows.
		{[]string{"WOW6432Node", "Microsoft", "Windows", "CurrentVersion", "Uninstall"}, `HKLM\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall`},
	}
	// Per-user installs (browsers, chat clients) register in the user's
	// own hive, which HKCU maps.
	userViews = []uninstallView{
		{[]string{"Software", "Microsoft", "Windows", "CurrentVersion", "Uninstall"}, `HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall`},
	}
	uninstallValues = []string{"DisplayName", "DisplayVersion", "VersionMajor", "VersionMinor", "Publisher",
		"InstallLocation", "DisplayIcon", "UninstallString", "SystemComponent"}
)

// uninstall turns every entry of one Uninstall key into an item.
func (c *collected) uninstall(root key, v uninstallView) error {
	u, err := open(root, v.path...)
	if err != nil {
		return c.failed(c.ref(v.key), err)
	}
	if u == nil {
		return nil
	}
	return c.each(u, v.key, func(sub key, keyPath string) error {
		vals, err := sub.values(uninstallValues...)
		if err != nil {
			return c.failed(c.ref(keyPath), err)
		}
		it, ok := uninstallItem(sub.name(), keyPath, vals)
		if !ok {
			c.unknown(c.ref(keyPath), "", "Uninstall entry with neither a DisplayName nor a key name")
			return nil
		}
		it.Location.Ref = c.ref(keyPath)
		c.add(it)
		return nil
	})
}

// uninstallItem makes the item of one Uninstall entry: DisplayName, or
// the key name (a product code) when there is none.
func uninstallItem(name, keyPath string, v map[string]value) (inventory.Item, bool) {
	it := inventory.Item{Type: inventory.Application, Ecosystem: "windows", Location: inventory.Location{Ref: keyPath}}
	it.Name = strings.TrimSpace(v["displayname"].str)
	if it.Name == "" {
		it.Name = strings.TrimSpace(name)
	}
	if it.Name == "" {
		return it, false
	}
	it.Version = strings.TrimSpace(v["displayversion"].text())
	if maj, ok := v["versionmajor"]; it.Version == "" && ok && maj.isNum {
		it.Version = fmt.Sprintf("%d.%d", maj.num, v["versionminor"].num)
	}
	it.Add(inventory.Publisher, strings.TrimSpace(v["publisher"].str))
	addPath(&it, expand(strings.Trim(v["installlocation"].str, "\" \t")))
	if icon := program(v["displayicon"].str); strings.HasSuffix(lowerASCII(icon), ".exe") {
		addPath(&it, expand(icon))
	}
	if prog := program(v["uninstallstring"].str); !windowsTool(prog) {
		addPath(&it, expand(prog))
	}
	it.Add(inventory.RegistryKey, keyPath)
	it.Add(ProductCode, name)
	it.Add(UninstallString, strings.TrimSpace(v["uninstallstring"].str))
	if sc, ok := v["systemcomponent"]; ok && sc.isNum && sc.num == 1 {
		it.Add(SystemComponent, "true")
	}
	return it, true
}

// addPath adds a path attribute unless the item has it already.
func addPath(it *inventory.Item, p string) {
	if p == "" {
		return
	}
	for _, a := range it.Attrs {
		if a.Field == inventory.Path && strings.EqualFold(a.Value, p) {
			return
		}
	}
	it.Add(inventory.Path, p)
}

// windowsTool reports whether an uninstall command runs a Windows program
// (the MSI engine, say) rather than the product's own: its path says
// nothing about the product.
func windowsTool(prog string) bool {
	base := lowerASCII(prog[strings.LastIndexAny(prog, `\/`)+1:])
	switch base {
	case "msiexec", "msiexec.exe", "rundll32", "rundll32.exe", "cmd", "cmd.exe", "powershell.exe", "wscript.exe":
		return true
	}
	return false
}
