package intune

import (
	"strings"
)

// column is a column of an Intune report that is read.
type column int

const (
	cAppKey column = iota
	cAppID
	cAppName
	cPublisher
	cShortVersion
	cVersion
	cDeviceCount
	cPlatform
	cDeviceID
	cDeviceName
	cEmail
	cOSDescription
	cOSVersion
	cUserName
	cUPN
	cOwnerType
	cOwnership
	cSerial
	cIMEI
	cMEID
	cManufacturer
	cModel
	cOS
	cDeviceType
	cCategory
	cMarker // a column only the device reports have, not read
	nColumns
)

// columns maps normalised header names (lower case, without spaces,
// underscores and hyphens) to columns: the property names of the report
// docs, and the names DevicesWithInventory gives its columns ("Device
// ID", "Primary user UPN", "Ownership", ...).
var columns = map[string]column{
	"applicationkey": cAppKey, "applicationid": cAppID, "applicationname": cAppName,
	"applicationpublisher": cPublisher, "applicationshortversion": cShortVersion,
	"applicationversion": cVersion, "devicecount": cDeviceCount, "platform": cPlatform,
	"deviceid": cDeviceID, "intunedeviceid": cDeviceID, "devicename": cDeviceName,
	"emailaddress": cEmail, "useremail": cEmail, "primaryuseremailaddress": cEmail,
	"osdescription": cOSDescription, "osversion": cOSVersion,
	"username": cUserName, "primaryuserdisplayname": cUserName,
	"upn": cUPN, "userprincipalname": cUPN, "primaryuserupn": cUPN,
	"ownertype": cOwnerType, "ownership": cOwnership,
	"serialnumber": cSerial, "imei": cIMEI, "meid": cMEID,
	"manufacturer": cManufacturer, "model": cModel, "os": cOS, "devicetype": cDeviceType,
	"categoryname": cCategory, "category": cCategory,
	"managedby": cMarker, "managementagent": cMarker, "managementagents": cMarker,
	"compliance": cMarker, "compliantstate": cMarker, "compliancestate": cMarker,
	"enrollmentdate": cMarker, "createddate": cMarker, "lastcheckin": cMarker, "lastcontact": cMarker,
	"intuneregistered": cMarker, "deviceregistrationstate": cMarker, "referenceid": cMarker,
	"microsoftentradeviceid": cMarker, "azureaddeviceid": cMarker, "devicestate": cMarker,
	"managementstate": cMarker, "managementname": cMarker, "manageddevicename": cMarker,
}

// squash drops what header names differ by.
var squash = strings.NewReplacer(" ", "", "_", "", "-", "")

// header is where each column is: raw is the column under its own name,
// loc its "_loc" twin, the human-readable value of
// LocalizedValuesAsAdditionalColumn; -1 when absent.
type header struct {
	raw, loc [nColumns]int
	names    []string // as given, for messages
	markers  int      // device-report columns
}

// parseHeader reads a header row.
func parseHeader(rec []string) *header {
	h := &header{names: append([]string(nil), rec...)}
	for i := range h.raw {
		h.raw[i], h.loc[i] = -1, -1
	}
	for i, name := range rec {
		n := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(name, "\ufeff")))
		base, loc := strings.CutSuffix(n, "_loc")
		c, ok := columns[squash.Replace(base)]
		switch {
		case !ok:
		case c == cMarker:
			h.markers++
		case loc && h.loc[c] < 0:
			h.loc[c] = i
		case !loc && h.raw[c] < 0:
			h.raw[c] = i
		}
	}
	return h
}

func (h *header) has(c column) bool { return h.raw[c] >= 0 || h.loc[c] >= 0 }

// get is column c of a row: the localised value when there is one.
func (h *header) get(rec []string, c column) string {
	if i := h.loc[c]; i >= 0 && i < len(rec) && strings.TrimSpace(rec[i]) != "" {
		return strings.TrimSpace(rec[i])
	}
	if i := h.raw[c]; i >= 0 && i < len(rec) {
		return strings.TrimSpace(rec[i])
	}
	return ""
}

// report is which kind of Intune report a header is.
type report int

const (
	reportNone      report = iota
	reportAppsByDev        // AppInvRawData, AppInvByDevice, DevicesByAppInv
	reportAppsAgg          // AppInvAggregate, DetectedAppsAggregate
	reportDevices          // Devices, DevicesWithInventory
)

var reportFormats = [...]string{
	reportAppsByDev: "Intune discovered apps by device report CSV",
	reportAppsAgg:   "Intune discovered apps aggregate report CSV",
	reportDevices:   "Intune devices report CSV",
}

// kind is what the report is, when read (loose: the columns read are
// there).
func (h *header) kind() report {
	switch {
	case h.has(cAppName) && h.has(cDeviceID):
		return reportAppsByDev
	case h.has(cAppName):
		return reportAppsAgg
	case h.has(cDeviceID):
		return reportDevices
	}
	return reportNone
}

// recognised says whether the header is surely an Intune report's, for
// Sniff (strict: columns no other tool's export is likely to have).
func (h *header) recognised() bool {
	switch h.kind() {
	case reportAppsByDev, reportAppsAgg:
		return h.has(cAppKey) || h.has(cAppID)
	case reportDevices:
		n := h.markers
		for _, c := range []column{cOwnerType, cOwnership, cUPN, cCategory} {
			if h.has(c) {
				n++
			}
		}
		return h.has(cDeviceName) && n >= 2
	}
	return false
}
