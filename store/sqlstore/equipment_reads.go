package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/embargo-dev/embargo/store"
)

const equipmentCols = `e.host_id, h.host, e.department, e.site, e.item_id, e.first_seen, e.last_seen, e.doc`

func scanEquipment(row interface{ Scan(...any) error }) (store.Equipment, error) {
	var e store.Equipment
	var first, last int64
	var doc string
	if err := row.Scan(&e.HostID, &e.Host, &e.Department, &e.Site, &e.ItemID, &first, &last, &doc); err != nil {
		return e, err
	}
	var d equipmentDocument
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		return e, fmt.Errorf("equipment %q of host %q: %w", e.ItemID, e.HostID, err)
	}
	e.Name, e.Model, e.DeviceType, e.Hostname, e.IP, e.MAC = d.Name, d.Model, d.DeviceType, d.Hostname, d.IP, d.MAC
	e.Supplier, e.Confidence, e.SoldAs, e.Evidence, e.MACRegistrant = d.Supplier, d.Confidence, d.SoldAs, d.Evidence, d.MACRegistrant
	e.Source, e.Reader = d.Source, d.Reader
	e.FirstSeen, e.LastSeen = tm(first), tm(last)
	return e, nil
}

// Equipment implements store.Store.
func (s *Store) Equipment(ctx context.Context, v store.Viewer, f store.EquipmentFilter) ([]store.Equipment, error) {
	cond, args := scope(v, "e.department")
	add := func(c string, a ...any) {
		cond += c
		args = append(args, a...)
	}
	if f.Department != "" {
		add(" AND e.department = ?", f.Department)
	}
	switch f.Site {
	case "":
	case store.NoSite:
		add(" AND e.site = ''")
	default:
		add(" AND e.site = ?", truncate(f.Site, store.MaxDeviceField))
	}
	switch f.Supplier {
	case "":
	case store.NoSupplier:
		add(" AND e.supplier = ''")
	default:
		add(" AND e.supplier = ?", truncate(f.Supplier, store.MaxDeviceField))
	}
	// Equipment without a site comes after the sites of its department.
	order := ` ORDER BY e.department, e.site = '', e.site, e.addr_key, e.host_id, e.item_id`
	if f.ByID {
		add(" AND (e.host_id > ? OR e.host_id = ? AND e.item_id > ?)", f.AfterHost, f.AfterHost, f.AfterItem)
		order = ` ORDER BY e.host_id, e.item_id`
	}
	var out []store.Equipment
	err := s.view(ctx, func(tx *sql.Tx) error {
		out = nil
		rows, err := tx.QueryContext(ctx, s.d.q(`SELECT `+equipmentCols+` FROM equipment e JOIN hosts h ON h.id = e.host_id
			WHERE 1 = 1`+cond+order+` LIMIT ?`), append(args, limit(f.Limit))...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			e, err := scanEquipment(rows)
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return s.equipmentStatus(ctx, tx, out)
	})
	if err != nil {
		return nil, fmt.Errorf("list equipment: %w", err)
	}
	return out, nil
}

// equipmentStatus reads the findings on each piece of equipment (its
// host's software findings on its item that are open, reopened or
// waived) and sets its status.
func (s *Store) equipmentStatus(ctx context.Context, tx *sql.Tx, es []store.Equipment) error {
	type key struct{ host, item string }
	at := make(map[key]int, len(es))
	for i := range es {
		at[key{es[i].HostID, es[i].ItemID}] = i
	}
	const per = inChunk / 2
	for from := 0; from < len(es); from += per {
		part := es[from:min(len(es), from+per)]
		hosts, items := map[string]bool{}, map[string]bool{}
		var hostArgs, itemArgs []any
		for _, e := range part {
			if !hosts[e.HostID] {
				hosts[e.HostID] = true
				hostArgs = append(hostArgs, e.HostID)
			}
			if !items[e.ItemID] {
				items[e.ItemID] = true
				itemArgs = append(itemArgs, e.ItemID)
			}
		}
		rows, err := tx.QueryContext(ctx, s.d.q(`SELECT host_id, item_key, id, instrument, state FROM findings
			WHERE kind = 'software' AND state IN ('open', 'reopened', 'waived') AND host_id IN `+inList(len(hostArgs))+
			` AND item_key IN `+inList(len(itemArgs))+` ORDER BY id`), append(hostArgs, itemArgs...)...)
		if err != nil {
			return fmt.Errorf("findings on equipment: %w", err)
		}
		for rows.Next() {
			var k key
			var f store.EquipmentFinding
			var state string
			if err := rows.Scan(&k.host, &k.item, &f.ID, &f.Instrument, &state); err != nil {
				rows.Close()
				return err
			}
			f.State = store.FindingState(state)
			if i, ok := at[k]; ok {
				es[i].Findings = append(es[i].Findings, f)
			}
		}
		if err := rows.Close(); err != nil {
			return err
		}
	}
	for i := range es {
		es[i].Status = equipmentStatusOf(es[i])
	}
	return nil
}

// equipmentStatusOf is where a piece of equipment stands by its findings
// and its supplier.
func equipmentStatusOf(e store.Equipment) store.EquipmentStatus {
	waived := false
	for _, f := range e.Findings {
		switch f.State {
		case store.Open, store.Reopened:
			return store.EquipmentHasFinding
		case store.Waived:
			waived = true
		}
	}
	switch {
	case waived:
		return store.EquipmentWaived
	case e.Supplier == nil:
		return store.EquipmentUnknown
	}
	return store.EquipmentClear
}

// EquipmentFacets implements store.Store.
func (s *Store) EquipmentFacets(ctx context.Context, v store.Viewer, department string) (store.EquipmentFacets, error) {
	cond, args := scope(v, "department")
	if department != "" {
		cond += " AND department = ?"
		args = append(args, department)
	}
	var out store.EquipmentFacets
	err := s.view(ctx, func(tx *sql.Tx) error {
		for _, c := range []struct {
			col  string
			none string
			into *[]store.Count
		}{{"site", store.NoSite, &out.Sites}, {"supplier", store.NoSupplier, &out.Suppliers}} {
			*c.into = []store.Count{}
			rows, err := tx.QueryContext(ctx, s.d.q(`SELECT `+c.col+`, COUNT(*) FROM equipment WHERE 1 = 1`+cond+
				` GROUP BY `+c.col+` ORDER BY `+c.col+` LIMIT ?`), append(args, store.MaxFactsLimit)...)
			if err != nil {
				return err
			}
			for rows.Next() {
				var n store.Count
				if err := rows.Scan(&n.Name, &n.N); err != nil {
					rows.Close()
					return err
				}
				if n.Name == "" {
					n.Name = c.none
				}
				*c.into = append(*c.into, n)
			}
			if err := rows.Close(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return out, fmt.Errorf("equipment facets: %w", err)
	}
	return out, nil
}
