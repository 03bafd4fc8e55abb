package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/embargo-dev/embargo/store"
)

// applyRejudgedHosts writes claimed hosts' findings judged again by
// job's version, a statement for many hosts: the register's fields of
// each host, its software findings (from the inventory received at
// r.Inventory, which must still be the host's) and its traffic findings.
// A finding of either kind not judged now is out of scope, for r.Reason;
// a new one opens and one out of scope or remediated reopens, for the
// same reason. A host that is gone, or whose inventory changed (an
// upload judged it meanwhile), is left as it is. The batch is written
// as of the latest time its hosts were judged at.
func (s *Store) applyRejudgedHosts(ctx context.Context, tx *sql.Tx, job store.RejudgeJob, rs []store.Rejudged, b *batchTally) error {
	if len(rs) == 0 {
		return nil
	}
	var at int64
	ids := make([]string, 0, len(rs))
	for _, r := range rs {
		for _, fs := range [][]store.Finding{r.Software, r.Traffic} {
			for _, f := range fs {
				if f.ID == "" {
					return fmt.Errorf("host %q: %w: a finding has no id", r.HostID, store.ErrInvalid)
				}
			}
		}
		at = max(at, ts(r.At))
		ids = append(ids, r.HostID)
	}
	slices.Sort(ids)
	now, err := s.hostsNow(ctx, tx, slices.Compact(ids), at)
	if err != nil {
		return err
	}
	rs = slices.Clone(rs)
	slices.SortStableFunc(rs, func(a, b store.Rejudged) int { return cmp.Compare(a.HostID, b.HostID) })
	var w writes
	var rows []hostRow
	for _, r := range rs {
		h := now[r.HostID]
		if h == nil || (h.received != ts(r.Inventory) && !(h.received == 0 && r.Inventory.IsZero())) {
			continue // gone, or an upload came meanwhile: claimed again, judged from it
		}
		delete(now, r.HostID) // a host twice in rs: the first
		b.reason = r.Reason
		outOfScope := func(prior) (store.FindingState, string) { return store.OutOfScope, r.Reason }
		var c hostCounts
		count := func(state string, deadline int64) { c.add(state, deadline, at) }
		var sum [2]transitions
		sw := dedupe(r.Software, func(f store.Finding) string { return f.ID })
		tr := dedupe(r.Traffic, func(f store.Finding) string { return f.ID })
		for kind, had := range h.had {
			switch {
			case kind == store.Software && h.received != 0:
				sum[0] = w.plan(judged{hostID: r.HostID, dept: h.dept, at: at, lastSeen: h.received, kind: store.Software, fs: sw,
					absent: outOfScope, reason: r.Reason, version: job.Version}, had, h.waived, b.counts, count)
			case kind == store.Traffic:
				sum[1] = w.plan(judged{hostID: r.HostID, dept: h.dept, at: at, kind: store.Traffic, fs: tr,
					absent: outOfScope, reason: r.Reason, version: job.Version}, had, h.waived, b.counts, count)
			default: // not judged again: counted as it is
				for _, p := range had {
					count(p.state, p.deadline)
				}
			}
		}
		row := h.row
		if h.received != 0 {
			tags, err := json.Marshal(r.Host.Tags)
			if err != nil || r.Host.Tags == nil {
				tags = []byte("[]")
			}
			row.systemID, row.systemName, row.owner, row.classification, row.tags, row.clash = r.Host.SystemID, r.Host.SystemName, r.Host.Owner,
				r.Host.Classification, string(tags), r.Host.Clash
		}
		row.counts = c
		if row != h.row {
			rows = append(rows, row)
		}
		old := h.row.counts
		d := b.depts[h.dept]
		d.open, d.waived, d.overdue = d.open+c.open-old.open, d.waived+c.waived-old.waived, d.overdue+c.overdue-old.overdue
		b.depts[h.dept], b.at = d, at
		changed := func(t transitions) bool { return t.New+t.Reopened+t.OutOfScope+t.Remediated > 0 }
		if changed(sum[0]) || changed(sum[1]) {
			b.hosts = append(b.hosts, r.HostID)
			b.software.add(sum[0])
			b.traffic.add(sum[1])
		}
	}
	if err := w.write(ctx, s, tx); err != nil {
		return err
	}
	return s.updateHosts(ctx, tx, rows)
}

// hostRow is what re-judging writes of a host: its register's fields
// and its counts.
type hostRow struct {
	id                                                       string
	systemID, systemName, owner, classification, tags, clash string
	counts                                                   hostCounts
}

// hostNow is what re-judging reads of a claimed host: its row, its
// inventory's time, its findings by kind (both kinds always present)
// and the findings whose waiver is in force.
type hostNow struct {
	dept     string
	row      hostRow
	received int64
	had      map[store.Kind]map[string]prior
	waived   map[string]bool
}

// hostsNow reads the hosts of ids (sorted), locking their rows in order.
func (s *Store) hostsNow(ctx context.Context, tx *sql.Tx, ids []string, at int64) (map[string]*hostNow, error) {
	out := make(map[string]*hostNow, len(ids))
	for start := 0; start < len(ids); start += inChunk {
		part := make([]any, 0, inChunk)
		for _, id := range ids[start:min(len(ids), start+inChunk)] {
			part = append(part, id)
		}
		in := inList(len(part))
		err := each(ctx, s, tx, `SELECT id, department, system_id, system_name, owner, classification, tags, clash, open_count, waived_count,
			overdue_count FROM hosts WHERE id IN `+in+` ORDER BY id`+s.d.forUpdate, part, func(row *sql.Rows) error {
			h := &hostNow{had: map[store.Kind]map[string]prior{store.Software: {}, store.Traffic: {}}, waived: map[string]bool{}}
			r := &h.row
			err := row.Scan(&r.id, &h.dept, &r.systemID, &r.systemName, &r.owner, &r.classification, &r.tags, &r.clash,
				&r.counts.open, &r.counts.waived, &r.counts.overdue)
			out[r.id] = h
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("read hosts: %w", err)
		}
		if err := each(ctx, s, tx, `SELECT host_id, received FROM inventories WHERE host_id IN `+in, part, func(row *sql.Rows) error {
			var id string
			var rec int64
			err := row.Scan(&id, &rec)
			if h := out[id]; h != nil {
				h.received = rec
			}
			return err
		}); err != nil {
			return nil, fmt.Errorf("read inventories: %w", err)
		}
		if err := each(ctx, s, tx, `SELECT host_id, id, kind, state, instrument, deadline, first_seen, changed, item_key, reason, item, product, digest
			FROM findings WHERE host_id IN `+in, part, func(row *sql.Rows) error {
			var hostID, id, kind string
			var p prior
			err := row.Scan(&hostID, &id, &kind, &p.state, &p.instrument, &p.deadline, &p.firstSeen, &p.changed, &p.itemKey, &p.reason, &p.item, &p.product, &p.digest)
			if h := out[hostID]; h != nil && err == nil {
				k := store.Kind(kind)
				if h.had[k] == nil {
					h.had[k] = map[string]prior{}
				}
				h.had[k][id] = p
			}
			return err
		}); err != nil {
			return nil, fmt.Errorf("read findings: %w", err)
		}
		if err := each(ctx, s, tx, `SELECT DISTINCT host_id, finding_id FROM waivers WHERE host_id IN `+in+` AND state = 'approved' AND expiry > ?`,
			append(part, at), func(row *sql.Rows) error {
				var hostID, id string
				err := row.Scan(&hostID, &id)
				if h := out[hostID]; h != nil {
					h.waived[id] = true
				}
				return err
			}); err != nil {
			return nil, fmt.Errorf("read waivers: %w", err)
		}
	}
	return out, nil
}

// updateHosts writes rows, a statement for many hosts.
func (s *Store) updateHosts(ctx context.Context, tx *sql.Tx, rows []hostRow) error {
	err := s.updateFrom(ctx, tx, "hosts", `system_id = v.column2, system_name = v.column3, owner = v.column4, classification = v.column5,
		tags = v.column6, clash = v.column7, open_count = v.column8, waived_count = v.column9, overdue_count = v.column10`,
		"(?, ?, ?, ?, ?, ?, ?, CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT))", 10, len(rows), func(i int, args []any) []any {
			r := rows[i]
			return append(args, r.id, r.systemID, r.systemName, r.owner, r.classification, r.tags, r.clash, r.counts.open, r.counts.waived, r.counts.overdue)
		})
	if err != nil {
		return fmt.Errorf("update hosts: %w", err)
	}
	return nil
}
