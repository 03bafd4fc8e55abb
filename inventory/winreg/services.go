package winreg

import (
	"fmt"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

var serviceValues = []string{"ImagePath", "DisplayName", "Start", "Type", "ObjectName", "DelayedAutostart"}

// system reads the services of the control set the SYSTEM hive marks
// current.
func (c *collected) system(root key) error {
	set, err := controlSet(root)
	if err != nil {
		return c.failed(`HKLM\SYSTEM\Select`, err)
	}
	ref := `HKLM\SYSTEM\` + set + `\Services`
	svcs, err := open(root, set, "Services")
	if err != nil {
		return c.failed(ref, err)
	}
	if svcs == nil {
		c.unknown(ref, "", "the SYSTEM hive has no services key")
		return nil
	}
	return c.services(svcs, ref)
}

// controlSet names the control set that CurrentControlSet maps to:
// Select\Current, else Select\Default, else the first.
func controlSet(root key) (string, error) {
	sel, err := open(root, "Select")
	if err != nil || sel == nil {
		return "ControlSet001", err
	}
	v, err := sel.values("Current", "Default")
	if err != nil {
		return "", err
	}
	for _, n := range [...]string{"current", "default"} {
		if x, ok := v[n]; ok && x.isNum && 0 < x.num && x.num < 1000 {
			return fmt.Sprintf("ControlSet%03d", x.num), nil
		}
	}
	return "ControlSet001", nil
}

// services turns every key below Services into an item.
func (c *collected) services(svcs key, ref string) error {
	return c.each(svcs, ref, func(sub key, keyPath string) error {
		vals, err := sub.values(serviceValues...)
		if err != nil {
			return c.failed(keyPath, err)
		}
		c.add(serviceItem(sub.name(), keyPath, vals))
		return nil
	})
}

// serviceItem makes the item of one service or driver. Attribution
// matches the key name as a service name and the image path's file name
// as a process name.
func serviceItem(name, keyPath string, v map[string]value) inventory.Item {
	typ, hasType := v["type"]
	driver := hasType && typ.isNum && typ.num&0xf != 0 && typ.num < 0x10
	it := inventory.Item{Type: inventory.Application, Ecosystem: "windows-service", Name: displayName(v["displayname"].str, name),
		Location: inventory.Location{Ref: keyPath}}
	if driver {
		it.Type = inventory.Other
	}
	it.Add(inventory.Service, name)
	it.Add(inventory.Path, imagePath(v["imagepath"].str, name, driver))
	it.Add(inventory.RegistryKey, `HKLM\SYSTEM\CurrentControlSet\Services\`+name)
	it.Add(StartType, startType(v))
	if hasType && typ.isNum {
		it.Add(ServiceType, serviceType(typ.num))
	}
	it.Add(Account, strings.TrimSpace(v["objectname"].str))
	return it
}

// displayName is the service's display name, or its key name when the
// display name is missing or only a reference to a string resource
// ("@%SystemRoot%\system32\qmgr.dll,-1000"); a reference may carry its
// text after a semicolon ("@oem3.inf,%svc%;Intel(R) Service").
func displayName(dn, keyName string) string {
	dn = strings.TrimSpace(dn)
	if strings.HasPrefix(dn, "@") {
		if i := strings.LastIndexByte(dn, ';'); i >= 0 {
			dn = strings.TrimSpace(dn[i+1:])
		} else {
			dn = ""
		}
	}
	if dn == "" {
		return keyName
	}
	return dn
}

// imagePath is the file a service runs. Windows reads a relative path
// against SystemRoot, and loads a driver without one from
// System32\drivers\<name>.sys.
func imagePath(raw, name string, driver bool) string {
	p := program(raw)
	if p == "" {
		if driver {
			return `\Windows\System32\drivers\` + name + ".sys"
		}
		return ""
	}
	p = expand(p)
	if !strings.HasPrefix(p, `\`) && !strings.Contains(p, ":") && !strings.Contains(p, "%") {
		p = `\Windows\` + p
	}
	return p
}

func startType(v map[string]value) string {
	s, ok := v["start"]
	if !ok || !s.isNum {
		return ""
	}
	switch s.num {
	case 0:
		return "boot"
	case 1:
		return "system"
	case 2:
		if d, ok := v["delayedautostart"]; ok && d.isNum && d.num == 1 {
			return "automatic (delayed)"
		}
		return "automatic"
	case 3:
		return "manual"
	case 4:
		return "disabled"
	}
	return fmt.Sprintf("start %d", s.num)
}

func serviceType(t uint64) string {
	var s string
	switch t &^ 0x100 {
	case 0x1:
		s = "kernel driver"
	case 0x2:
		s = "file system driver"
	case 0x4:
		s = "adapter"
	case 0x8:
		s = "recognizer driver"
	case 0x10:
		s = "own process"
	case 0x20:
		s = "shared process"
	case 0x50:
		s = "user service (own process)"
	case 0x60:
		s = "user service (shared process)"
	default:
		return fmt.Sprintf("type %#x", t)
	}
	if t&0x100 != 0 {
		s += ", interactive"
	}
	return s
}
