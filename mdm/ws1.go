package mdm

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// Workspace ONE UEM. Devices are paged from GET /api/mdm/devices/search
// (page from 0, pagesize), each device's apps from GET
// /api/mdm/devices/{id}/apps, asked for as JSON. A paged listing ends
// with a short or empty page, when Page and PageSize reach Total, or
// with HTTP 204 No Content.

const ws1PageSize = 500

// ws1Page holds what paging needs of a WS1 page; the list itself is
// kept raw under whichever key the endpoint uses.
type ws1Page struct {
	Devices    *[]json.RawMessage `json:"Devices"`
	DeviceApps *[]json.RawMessage `json:"DeviceApps"`
	PageSize   *int               `json:"PageSize"`
	Total      *int               `json:"Total"`
}

func pullWorkspaceOne(ctx context.Context, s *session) error {
	base := s.conn.BaseURL + "/api/mdm"
	ids, err := s.ws1Pages(ctx, base+"/devices/search", "ws1-devices", true)
	if err != nil {
		return err
	}
	s.st.Devices = len(ids)
	for i, id := range ids {
		prefix := "ws1-device-" + id + "-apps"
		if _, err := s.ws1Pages(ctx, base+"/devices/"+id+"/apps", prefix, false); err != nil {
			if isNotFound(err) {
				s.st.Gone = append(s.st.Gone, prefix)
				continue
			}
			return fmt.Errorf("apps of device %s (%d of %d): %w", id, i+1, len(ids), err)
		}
	}
	return nil
}

// ws1Pages fetches a paged listing and saves each page as
// prefix-NNNN.json. For the device search it returns the devices' ids
// (Id.Value), once each, and checks that Total were listed.
func (s *session) ws1Pages(ctx context.Context, endpoint, prefix string, devices bool) ([]string, error) {
	size := s.pageSize(ws1PageSize)
	var ids []string
	seen := map[string]bool{}
	total := -1
	for page := 0; ; page++ {
		if page >= s.opts.MaxPages {
			return nil, fmt.Errorf("%s: more than %d pages", prefix, s.opts.MaxPages)
		}
		u := endpoint + "?" + url.Values{"page": {strconv.Itoa(page)}, "pagesize": {strconv.Itoa(size)}}.Encode()
		resp, err := s.c.get(ctx, u, "application/json")
		if err != nil {
			return nil, fmt.Errorf("page %d of %s: %w", page, prefix, err)
		}
		if resp.status == http.StatusNoContent {
			if page == 0 {
				s.st.NoContent = append(s.st.NoContent, prefix)
			}
			break
		}
		var pg ws1Page
		err = json.Unmarshal(resp.body, &pg)
		list := pg.DeviceApps
		if devices {
			list = pg.Devices
		}
		if err != nil || list == nil {
			return nil, fmt.Errorf("page %d of %s (%s) is not a Workspace ONE page (no list)", page, prefix, u)
		}
		if err := s.save(fmt.Sprintf("%s-%04d.json", prefix, page+1), resp.body); err != nil {
			return nil, err
		}
		if devices {
			for i, raw := range *list {
				id := ws1ID(raw)
				if !safeID(id) {
					return nil, fmt.Errorf("page %d of %s: device %d has no usable Id.Value", page, prefix, i)
				}
				if !seen[id] {
					seen[id] = true
					ids = append(ids, id)
				}
			}
		}
		n, got := len(*list), size
		if pg.PageSize != nil && *pg.PageSize > 0 {
			got = *pg.PageSize
		}
		if pg.Total != nil {
			total = *pg.Total
		}
		if n == 0 || (total >= 0 && (page+1)*got >= total) || (total < 0 && n < got) {
			break
		}
	}
	if devices && len(ids) < total {
		return nil, shortfall("Workspace ONE", total, len(ids))
	}
	return ids, nil
}

// ws1ID reads a device's id: "Id": {"Value": 5614}, or a bare number.
func ws1ID(raw json.RawMessage) string {
	var d struct {
		ID json.RawMessage `json:"Id"`
	}
	if json.Unmarshal(raw, &d) != nil || d.ID == nil {
		return ""
	}
	var v struct {
		Value json.RawMessage `json:"Value"`
	}
	if json.Unmarshal(d.ID, &v) == nil && v.Value != nil {
		return rawID(v.Value)
	}
	return rawID(d.ID)
}
