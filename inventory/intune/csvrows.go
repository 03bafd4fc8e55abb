package intune

import (
	"fmt"
	"strconv"

	"github.com/embargo-dev/embargo/inventory"
)

// rows makes a report's rows into items, devices and unknowns.
type rows struct {
	src, entry string // the input, and the ZIP entry read
	lim        inventory.Limits
	h          *header
	kind       report
	inv        *inventory.Inventory
	at         map[string]int // devices by host, in inv.Devices
}

// ref names data row n (1-based, after the header).
func (rd *rows) ref(n int) string {
	r := "row " + strconv.Itoa(n)
	if rd.entry != "" {
		r = rd.entry + " " + r
	}
	return r
}

func (rd *rows) unknown(n, line int, name, reason string) {
	rd.inv.Unknowns = append(rd.inv.Unknowns, inventory.Unknown{
		Location: inventory.Location{Source: rd.src, Ref: rd.ref(n), Line: line},
		Name:     name,
		Reason:   reason,
	})
}

// row reads data row n at line.
func (rd *rows) row(n, line int, rec []string) error {
	for i, v := range rec {
		if len(v) > rd.lim.MaxString {
			col := fmt.Sprint(i + 1)
			if i < len(rd.h.names) {
				col = clip(rd.h.names[i])
			}
			rd.unknown(n, line, "", fmt.Sprintf("the value of %s is longer than %d bytes", col, rd.lim.MaxString))
			return nil
		}
	}
	g := func(c column) string { return rd.h.get(rec, c) }
	loc := inventory.Location{Source: rd.src, Ref: rd.ref(n), Line: line}
	if rd.kind == reportDevices {
		id := deviceID(g(cDeviceID))
		if id == "" {
			rd.unknown(n, line, g(cDeviceName), "a device without a DeviceId")
			return nil
		}
		d := rd.device(id, rec, loc)
		d.Ownership = ownership(first(g(cOwnership), g(cOwnerType)))
		d.Scope = scopeOf(d.Ownership)
		d.Serial, d.Manufacturer, d.Model = g(cSerial), g(cManufacturer), g(cModel)
		d.IMEI = inventory.NormalIMEI(first(g(cIMEI), g(cMEID)))
		d.Group = group(g(cCategory))
		d.Apps = -1
		rd.inv.Devices = append(rd.inv.Devices, d)
		return nil
	}
	name := g(cAppName)
	if name == "" {
		rd.unknown(n, line, "", "an app without an ApplicationName")
		return nil
	}
	if len(rd.inv.Items) >= rd.lim.MaxItems {
		return &inventory.InputError{Source: rd.src, Line: line, Offset: -1,
			Err: fmt.Errorf("more than %d apps (the item limit)", rd.lim.MaxItems)}
	}
	eco := ecosystem(g(cPlatform))
	switch id := deviceID(g(cDeviceID)); {
	case rd.kind == reportAppsAgg:
		loc.Ref += " (tenant-wide"
		if c, ok := integer([]byte(g(cDeviceCount))); ok {
			loc.Ref += ", " + devices(int(c))
		}
		loc.Ref += ")"
	case id == "":
		loc.Ref += " (no device given)"
	default:
		i, ok := rd.at[id]
		if !ok {
			i = len(rd.inv.Devices)
			rd.at[id] = i
			rd.inv.Devices = append(rd.inv.Devices, rd.device(id, rec, loc))
		}
		d := &rd.inv.Devices[i]
		d.Apps++
		loc.Host = d.Host
		if eco == "" {
			eco = ecosystem(d.Platform)
		}
	}
	it := inventory.Item{Type: inventory.Application, Ecosystem: eco, Name: name,
		Version: first(g(cShortVersion), g(cVersion)), Location: loc, Index: len(rd.inv.Items)}
	it.Add(inventory.Publisher, g(cPublisher))
	it.SetID()
	rd.inv.Items = append(rd.inv.Items, it)
	return nil
}

// device is what a row says of its device.
func (rd *rows) device(id string, rec []string, loc inventory.Location) inventory.ManagedDevice {
	g := func(c column) string { return rd.h.get(rec, c) }
	host := inventory.DeviceHost(mdm, id)
	loc.Host = host
	return inventory.ManagedDevice{
		Host:      host,
		MDM:       mdm,
		ID:        id,
		Name:      g(cDeviceName),
		Platform:  platformOf(g(cOS), g(cDeviceType), g(cPlatform), g(cOSDescription)),
		OSVersion: g(cOSVersion),
		User:      first(g(cUPN), g(cEmail), g(cUserName)),
		Location:  loc,
	}
}

// platformOf is the first of the values that names a platform.
func platformOf(vs ...string) string {
	for _, v := range vs {
		if p := devicePlatform(v); p != "" {
			return p
		}
	}
	return ""
}
