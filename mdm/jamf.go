package mdm

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
)

// Jamf Pro. Both APIs take the same Bearer token (API client
// credentials, Jamf Pro 10.49 and later).
//
// The Jamf Pro API's GET /api/v2/mobile-devices/detail pages the whole
// inventory with the sections asked for; the Classic API lists devices
// at GET /JSSResource/mobiledevices and gives one document a device at
// GET /JSSResource/mobiledevices/id/{id}.

const jamfPageSize = 100

var jamfSections = []string{"GENERAL", "HARDWARE", "USER_AND_LOCATION", "APPLICATIONS", "NETWORK"}

type jamfPage struct {
	TotalCount *int `json:"totalCount"`
	Results    []struct {
		ID json.RawMessage `json:"mobileDeviceId"`
	} `json:"results"`
}

func pullJamfPro(ctx context.Context, s *session) error {
	size := s.pageSize(jamfPageSize)
	q := url.Values{"section": jamfSections, "page-size": {strconv.Itoa(size)}}
	seen := map[string]bool{}
	total := 0
	for page := 0; ; page++ {
		if page >= s.opts.MaxPages {
			return fmt.Errorf("jamf-pro-mobile-devices: more than %d pages", s.opts.MaxPages)
		}
		q.Set("page", strconv.Itoa(page))
		u := s.conn.BaseURL + "/api/v2/mobile-devices/detail?" + q.Encode()
		resp, err := s.c.get(ctx, u, "application/json")
		if err != nil {
			return fmt.Errorf("page %d of jamf-pro-mobile-devices: %w", page, err)
		}
		var pg jamfPage
		if err := json.Unmarshal(resp.body, &pg); err != nil || pg.TotalCount == nil || pg.Results == nil {
			return fmt.Errorf("page %d of jamf-pro-mobile-devices (%s) is not an inventory page (totalCount and results)", page, u)
		}
		if err := s.save(fmt.Sprintf("jamf-pro-mobile-devices-%04d.json", page+1), resp.body); err != nil {
			return err
		}
		for i, r := range pg.Results {
			id := rawID(r.ID)
			if id == "" {
				return fmt.Errorf("page %d of jamf-pro-mobile-devices: result %d has no mobileDeviceId", page, i)
			}
			seen[id] = true
		}
		total = *pg.TotalCount
		if len(pg.Results) == 0 || (page+1)*size >= total {
			break
		}
	}
	if len(seen) < total {
		return shortfall("Jamf Pro", total, len(seen))
	}
	s.st.Devices = len(seen)
	return nil
}

func pullJamfClassic(ctx context.Context, s *session) error {
	base := s.conn.BaseURL + "/JSSResource/mobiledevices"
	resp, err := s.c.get(ctx, base, "application/xml")
	if err != nil {
		return fmt.Errorf("listing mobile devices: %w", err)
	}
	var list struct {
		XMLName xml.Name
		Devices []struct {
			ID string `xml:"id"`
		} `xml:"mobile_device"`
	}
	if err := xml.Unmarshal(resp.body, &list); err != nil || list.XMLName.Local != "mobile_devices" {
		return fmt.Errorf("%s did not answer a <mobile_devices> list", base)
	}
	var ids []string
	seen := map[string]bool{}
	for i, d := range list.Devices {
		id := strings.TrimSpace(d.ID)
		if _, err := strconv.ParseUint(id, 10, 63); err != nil {
			return fmt.Errorf("%s: mobile_device %d has id %q, not a number", base, i+1, d.ID)
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	s.st.Devices = len(ids)
	for i, id := range ids {
		name := "jamf-classic-device-" + id
		resp, err := s.c.get(ctx, base+"/id/"+id, "application/xml")
		if isNotFound(err) {
			s.st.Gone = append(s.st.Gone, name)
			continue
		}
		if err != nil {
			return fmt.Errorf("device %s (%d of %d): %w", id, i+1, len(ids), err)
		}
		if root := xmlRoot(resp.body); root != "mobile_device" {
			return fmt.Errorf("device %s: the answer is not a <mobile_device> document (root %q)", id, root)
		}
		if err := s.save(name+".xml", resp.body); err != nil {
			return err
		}
	}
	return nil
}

// xmlRoot is the name of a document's first element, "" if none.
func xmlRoot(b []byte) string {
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = true
	for {
		tok, err := d.Token()
		if err != nil {
			return ""
		}
		if se, ok := tok.(xml.StartElement); ok {
			return se.Name.Local
		}
	}
}

// rawID reads an id written as a JSON string or number.
func rawID(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s)
	}
	var n json.Number
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if dec.Decode(&n) == nil {
		if _, err := dec.Token(); errors.Is(err, io.EOF) {
			return n.String()
		}
	}
	return ""
}

// shortfall is a listing that gave fewer devices than its total: devices
// left or moved while it was paged, and some may have been skipped.
func shortfall(who string, total, got int) error {
	return fmt.Errorf("%s reported %d devices but listed %d (the inventory changed while it was paged?); the pull is incomplete", who, total, got)
}

func (s *session) pageSize(def int) int {
	if s.opts.PageSize > 0 {
		return s.opts.PageSize
	}
	return def
}
