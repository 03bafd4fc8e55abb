package sqlstore

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"

	"github.com/embargo-dev/embargo/store"
)

// putHostEquipment replaces the host's equipment with es, the network
// equipment of its scan of seen: each piece keeps the first_seen of the
// piece of the host that had its identity (MAC, else IP address, else
// item) before.
func (s *Store) putHostEquipment(ctx context.Context, tx *sql.Tx, hostID, dept string, seen int64, es []store.Equipment) error {
	first := map[string]int64{}
	rows, err := tx.QueryContext(ctx, s.d.q(`SELECT ident, MIN(first_seen) FROM equipment WHERE host_id = ? GROUP BY ident`), hostID)
	if err != nil {
		return fmt.Errorf("equipment: %w", err)
	}
	for rows.Next() {
		var id string
		var at int64
		if err := rows.Scan(&id, &at); err != nil {
			rows.Close()
			return fmt.Errorf("equipment: %w", err)
		}
		first[id] = at
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("equipment: %w", err)
	}
	if _, err := tx.ExecContext(ctx, s.d.q(`DELETE FROM equipment WHERE host_id = ?`), hostID); err != nil {
		return fmt.Errorf("equipment: %w", err)
	}
	type row struct {
		e           store.Equipment
		ident, addr string
		doc         []byte
		first       int64
	}
	var put []row
	clipped := make([]store.Equipment, len(es))
	for i, e := range es {
		clipped[i] = store.ClipEquipment(e)
	}
	for _, e := range dedupe(clipped, func(e store.Equipment) string { return e.ItemID }) {
		if e.ItemID == "" {
			return fmt.Errorf("equipment: %w: a piece of equipment has no item id", store.ErrInvalid)
		}
		r := row{e: e, ident: equipmentIdent(e), addr: addrKey(e), first: seen}
		if at, ok := first[r.ident]; ok && at > 0 && at < seen {
			r.first = at
		}
		// The doc is what the server read; the store's own fields are
		// columns, filled in when read.
		if r.doc, err = json.Marshal(equipmentDoc(e)); err != nil {
			return fmt.Errorf("equipment %q: %w", e.ItemID, err)
		}
		put = append(put, r)
	}
	err = s.insertEach(ctx, tx, `INSERT INTO equipment (host_id, item_id, department, site, supplier, addr_key, ident, first_seen, last_seen, doc)
		VALUES %s`, 10, len(put), true, func(i int, args []any) []any {
		r := put[i]
		supplier := ""
		if r.e.Supplier != nil {
			supplier = r.e.Supplier.ID
		}
		return append(args, hostID, r.e.ItemID, dept, r.e.Site, supplier, r.addr, r.ident, r.first, seen, string(r.doc))
	})
	if err != nil {
		return fmt.Errorf("equipment: %w", err)
	}
	return nil
}

// equipmentDocument is what the doc column keeps of a piece of
// equipment.
type equipmentDocument struct {
	Name          string                   `json:"name"`
	Model         string                   `json:"model,omitempty"`
	DeviceType    string                   `json:"device_type,omitempty"`
	Hostname      string                   `json:"hostname,omitempty"`
	IP            string                   `json:"ip,omitempty"`
	MAC           string                   `json:"mac,omitempty"`
	Supplier      *store.EquipmentSupplier `json:"supplier,omitempty"`
	Confidence    string                   `json:"confidence,omitempty"`
	SoldAs        *store.EquipmentLabel    `json:"sold_as,omitempty"`
	Evidence      []store.EquipmentSignal  `json:"evidence,omitempty"`
	MACRegistrant *store.MACRegistrant     `json:"mac_registrant,omitempty"`
	Source        string                   `json:"source"`
	Reader        string                   `json:"reader,omitempty"`
}

func equipmentDoc(e store.Equipment) equipmentDocument {
	return equipmentDocument{Name: e.Name, Model: e.Model, DeviceType: e.DeviceType, Hostname: e.Hostname, IP: e.IP, MAC: e.MAC,
		Supplier: e.Supplier, Confidence: e.Confidence, SoldAs: e.SoldAs, Evidence: e.Evidence, MACRegistrant: e.MACRegistrant,
		Source: e.Source, Reader: e.Reader}
}

// equipmentIdent is what names a piece of equipment from one scan to the
// next: its MAC, else its IP address, else its item.
func equipmentIdent(e store.Equipment) string {
	switch {
	case e.MAC != "":
		return "mac:" + strings.ToLower(e.MAC)
	case e.IP != "":
		return "ip:" + e.IP
	}
	return "item:" + e.ItemID
}

// addrKey sorts equipment by address as people read addresses: IPv4 by
// number, then IPv6, then by MAC, then by name.
func addrKey(e store.Equipment) string {
	if a, err := netip.ParseAddr(e.IP); err == nil {
		a = a.Unmap().WithZone("")
		if a.Is4() {
			b := a.As4()
			return "1" + hex.EncodeToString(b[:])
		}
		b := a.As16()
		return "2" + hex.EncodeToString(b[:])
	}
	if e.MAC != "" {
		return "3" + strings.ToLower(e.MAC)
	}
	return "4" + strings.ToLower(e.Name)
}
