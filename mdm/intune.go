package mdm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// Microsoft Intune through Microsoft Graph. The device list comes from
// v1.0 GET /deviceManagement/managedDevices, each device's apps from the
// beta relationship GET /deviceManagement/managedDevices/{id}/detectedApps
// (documented in beta only), each with $select of documented properties.

// intuneDeviceFields are v1.0 managedDevice properties (resource
// intune-devices-manageddevice, v1.0).
var intuneDeviceFields = []string{
	"id", "deviceName", "managedDeviceOwnerType", "operatingSystem", "osVersion", "model", "manufacturer",
	"serialNumber", "imei", "meid", "udid", "userPrincipalName", "emailAddress", "userDisplayName",
	"deviceEnrollmentType", "managementAgent", "complianceState", "isSupervised", "enrolledDateTime",
	"lastSyncDateTime", "azureADDeviceId", "wiFiMacAddress", "phoneNumber",
}

// intuneAppFields are the detectedApp properties (resource
// intune-devices-detectedapp, beta).
var intuneAppFields = []string{"id", "displayName", "version", "sizeInByte", "deviceCount", "publisher", "platform"}

func pullIntune(ctx context.Context, s *session) error {
	base := s.conn.BaseURL
	ids, err := s.odata(ctx, base+"/v1.0/deviceManagement/managedDevices?$select="+strings.Join(intuneDeviceFields, ","), "intune-managedDevices", true)
	if err != nil {
		return err
	}
	s.st.Devices = len(ids)
	apps := "/detectedApps?$select=" + strings.Join(intuneAppFields, ",")
	for i, id := range ids {
		u := base + "/beta/deviceManagement/managedDevices/" + url.PathEscape(id) + apps
		if _, err := s.odata(ctx, u, "intune-detectedApps-"+id, false); err != nil {
			if isNotFound(err) {
				s.st.Gone = append(s.st.Gone, "intune-detectedApps-"+id)
				continue
			}
			return fmt.Errorf("apps of device %s (%d of %d): %w", id, i+1, len(ids), err)
		}
	}
	return nil
}

type odataPage struct {
	NextLink string `json:"@odata.nextLink"`
	Value    []struct {
		ID string `json:"id"`
	} `json:"value"`
}

// odata fetches an OData collection from first, following
// @odata.nextLink as given (Microsoft Graph paging: never build it),
// and saves each page as prefix-NNNN.json. With wantIDs it returns the
// members' ids, once each, refusing a member without a usable one.
func (s *session) odata(ctx context.Context, first, prefix string, wantIDs bool) ([]string, error) {
	var ids []string
	seenID := map[string]bool{}
	seenURL := map[string]bool{first: true}
	next := first
	for n := 1; next != ""; n++ {
		if n > s.opts.MaxPages {
			return nil, fmt.Errorf("%s: more than %d pages", prefix, s.opts.MaxPages)
		}
		resp, err := s.c.get(ctx, next, "application/json")
		if err != nil {
			return nil, fmt.Errorf("page %d of %s: %w", n, prefix, err)
		}
		var pg odataPage
		if err := json.Unmarshal(resp.body, &pg); err != nil || pg.Value == nil {
			return nil, fmt.Errorf("page %d of %s (%s) is not an OData collection page (no \"value\" array)", n, prefix, next)
		}
		if err := s.save(fmt.Sprintf("%s-%04d.json", prefix, n), resp.body); err != nil {
			return nil, err
		}
		for i, v := range pg.Value {
			if !wantIDs || seenID[v.ID] {
				continue
			}
			if !safeID(v.ID) {
				return nil, fmt.Errorf("page %d of %s: member %d has id %q, not one this pull can request or name a file after", n, prefix, i, v.ID)
			}
			seenID[v.ID] = true
			ids = append(ids, v.ID)
		}
		next = pg.NextLink
		if next == "" {
			break
		}
		if !sameOrigin(first, next) {
			return nil, fmt.Errorf("page %d of %s: @odata.nextLink %q leaves %s; not following it with the token", n, prefix, next, origin(first))
		}
		if seenURL[next] {
			return nil, fmt.Errorf("page %d of %s: @odata.nextLink repeats an earlier page", n, prefix)
		}
		seenURL[next] = true
	}
	return ids, nil
}

var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`)

// safeID reports whether a manager's device id can go in a URL path and
// a file name as it is.
func safeID(id string) bool { return idPattern.MatchString(id) }

func sameOrigin(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	return err1 == nil && err2 == nil && ua.Scheme == ub.Scheme && strings.EqualFold(ua.Host, ub.Host)
}

func origin(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return s
	}
	return u.Scheme + "://" + u.Host
}

func isNotFound(err error) bool {
	var se *StatusError
	return errors.As(err, &se) && se.Status == http.StatusNotFound
}
