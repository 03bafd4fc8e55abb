package djicloud

import (
	"github.com/embargo-dev/embargo/inventory"
)

// manufacturer is the maker of every device of DJI's own lists.
const manufacturer = "DJI"

// emit makes an item of each device, in the order of first listing.
func (b *builder) emit() {
	b.inv.Items = make([]inventory.Item, 0, len(b.devs))
	for _, d := range b.devs {
		loc := d.loc
		loc.Host = inventory.DeviceHost("dji", d.serial)
		it := inventory.Item{Type: inventory.Device, Ecosystem: "network", Name: d.name(), Version: d.firmware,
			Location: loc, Index: len(b.inv.Items)}
		it.Add(inventory.Manufacturer, manufacturer)
		it.Add(inventory.DeviceModel, d.model)
		it.Add(inventory.Serial, d.serial)
		it.Add(inventory.DeviceType, d.typ)
		it.Add(inventory.Hostname, d.callsign)
		it.Add(inventory.Firmware, d.firmware)
		it.Add(ModelKey, d.key)
		for _, g := range d.gateways {
			it.Add(Gateway, g)
		}
		if why := inventory.CheckItem(&it, b.lim); why != "" {
			b.unknown(loc, it.Name, why)
			continue
		}
		it.SetID()
		b.inv.Items = append(b.inv.Items, it)
	}
}

// name is the item's name: the model, else what the device is.
func (d *device) name() string {
	switch {
	case d.model != "":
		return d.model
	case d.typ != "":
		return manufacturer + " " + d.typ
	}
	return manufacturer + " device"
}
