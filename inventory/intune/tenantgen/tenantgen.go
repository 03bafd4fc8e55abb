// Package tenantgen writes a synthetic Microsoft Intune tenant as a pull
// from Microsoft Graph saves it: pages of managedDevices and each
// device's detectedApps, following the documented resource schemas
// (https://learn.microsoft.com/graph/api/resources/intune-devices-manageddevice,
// https://learn.microsoft.com/en-us/graph/api/resources/intune-devices-detectedapp).
// It is a fixture generator for tests and benchmarks of
// inventory/intune, and nothing else: no reader uses it.
package tenantgen

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"

	"github.com/go-json-experiment/json/jsontext"
)

// PageSize is how many devices GenerateTenant puts in a page of
// managedDevices. Graph's page size for this collection is not
// documented; 1,000 is a round guess.
const PageSize = 1000

// GenerateTenant makes the files a script saves when it pulls a tenant
// of the given number of devices, each with the given number of apps
// (at most the size of its platform's catalogue: about 280 apps for
// phones, 170 for computers), and calls emit for each in order; emit may
// not keep data, which is reused:
//
//   - "managedDevices-NNNN.json": GET /v1.0/deviceManagement/managedDevices,
//     page after page of PageSize devices as Graph returns them
//     (compact JSON), each page but the last with "@odata.nextLink";
//   - "detectedApps-ID.json": for each device, GET
//     /beta/deviceManagement/managedDevices/ID/detectedApps (the
//     per-device list is documented in beta only), one page a device.
//
// This is what a pull saves when it follows each device with its apps;
// $expand=detectedApps on the list is not documented to be served, so
// it is not what is generated. The same seed gives the same files.
func GenerateTenant(devices, apps int, seed int64, emit func(name string, data []byte) error) error {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x1f7e))
	ds := make([]genDevice, devices)
	for i := range ds {
		ds[i] = newGenDevice(rng, i)
	}
	var buf []byte
	for p := 0; p*PageSize < devices; p++ {
		buf = append(buf[:0], `{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#deviceManagement/managedDevices",`...)
		if (p+1)*PageSize < devices {
			buf = append(buf, `"@odata.nextLink":"https://graph.microsoft.com/v1.0/deviceManagement/managedDevices?$skiptoken=`...)
			buf = append(buf, genToken(rng)...)
			buf = append(buf, `",`...)
		}
		buf = append(buf, `"value":[`...)
		for i := p * PageSize; i < min(devices, (p+1)*PageSize); i++ {
			if i > p*PageSize {
				buf = append(buf, ',')
			}
			buf = ds[i].appendJSON(buf)
		}
		buf = append(buf, "]}"...)
		if err := emit(fmt.Sprintf("managedDevices-%04d.json", p+1), buf); err != nil {
			return err
		}
	}
	for i := range ds {
		buf = append(buf[:0], `{"@odata.context":"https://graph.microsoft.com/beta/$metadata#deviceManagement/managedDevices('`...)
		buf = append(buf, ds[i].id...)
		buf = append(buf, `')/detectedApps","value":[`...)
		buf = ds[i].appendApps(buf, rng, apps)
		buf = append(buf, "]}"...)
		if err := emit("detectedApps-"+ds[i].id+".json", buf); err != nil {
			return err
		}
	}
	return nil
}

// WriteTenant writes GenerateTenant's files into dir.
func WriteTenant(dir string, devices, apps int, seed int64) error {
	return GenerateTenant(devices, apps, seed, func(name string, data []byte) error {
		return os.WriteFile(filepath.Join(dir, name), data, 0o644)
	})
}

// genDevice is one device of the tenant.
type genDevice struct {
	id, user, name, owner, os, osVersion, model, maker, serial, imei, category string
	platform                                                                   string // of its apps
	catalogue                                                                  []catalogued
}

func newGenDevice(rng *rand.Rand, i int) genDevice {
	d := genDevice{id: genGUID(rng), user: fmt.Sprintf("user%05d@contoso.example", i)}
	switch r := rng.IntN(100); {
	case r < 70:
		d.owner = "company"
	case r < 95:
		d.owner = "personal"
	default:
		d.owner = "unknown"
	}
	d.category = [...]string{"Unknown", "Sales", "Engineering", "Field Service", "Executives"}[rng.IntN(5)]
	switch r := rng.IntN(100); {
	case r < 45:
		d.os, d.osVersion, d.maker, d.platform = "iOS", "17."+strconv.Itoa(rng.IntN(6)), "Apple", "ios"
		d.model = [...]string{"iPhone 13", "iPhone 14", "iPhone 15", "iPhone 15 Pro", "iPhone SE (3rd generation)"}[rng.IntN(5)]
	case r < 48:
		d.os, d.osVersion, d.maker, d.platform = "iPadOS", "17."+strconv.Itoa(rng.IntN(6)), "Apple", "ios"
		d.model = "iPad Air (5th generation)"
	case r < 83:
		d.os, d.osVersion, d.platform = "Android", strconv.Itoa(12+rng.IntN(3)), "androidDedicatedAndFullyManaged"
		if d.owner == "personal" {
			d.platform = "androidWorkProfile"
		}
		d.maker = [...]string{"samsung", "Google", "motorola"}[rng.IntN(3)]
		d.model = map[string]string{"samsung": "SM-S918B", "Google": "Pixel 8", "motorola": "moto g84 5G"}[d.maker]
	case r < 95:
		d.os, d.osVersion, d.platform = "Windows", "10.0.22631."+strconv.Itoa(3000+rng.IntN(900)), "windows"
		d.maker, d.model = "Dell Inc.", "Latitude 5440"
	default:
		d.os, d.osVersion, d.platform = "macOS", "14."+strconv.Itoa(rng.IntN(6)), "macOS"
		d.maker, d.model = "Apple", "MacBook Pro (14-inch, 2023)"
	}
	d.catalogue = catalogues()[map[string]string{"ios": "ios", "macOS": "macos", "windows": "windows"}[d.platform]]
	if d.catalogue == nil {
		d.catalogue = catalogues()["android"]
	}
	d.name = fmt.Sprintf("%s-%s-%05d", d.os, d.model, i)
	d.serial = fmt.Sprintf("%c%c%09d", 'A'+rng.IntN(26), 'A'+rng.IntN(26), rng.IntN(1e9))
	if d.os == "iOS" || d.os == "Android" && d.owner != "personal" {
		d.imei = fmt.Sprintf("35 %06d %06d %d", rng.IntN(1e6), rng.IntN(1e6), rng.IntN(10))
	}
	return d
}

// appendJSON writes the device as a managedDevice of v1.0.
func (d *genDevice) appendJSON(b []byte) []byte {
	o := jsonObject{b: b}
	o.str("id", d.id)
	o.str("userId", "8a1d6a3e-2b44-4c1f-9c21-"+d.id[24:])
	o.str("deviceName", d.name)
	o.str("managedDeviceOwnerType", d.owner)
	o.raw("deviceActionResults", "[]")
	o.str("enrolledDateTime", "2024-03-11T08:14:09Z")
	o.str("lastSyncDateTime", "2024-06-02T07:55:41Z")
	o.str("operatingSystem", d.os)
	o.str("complianceState", "compliant")
	o.str("jailBroken", "False")
	o.str("managementAgent", "mdm")
	o.str("osVersion", d.osVersion)
	o.raw("easActivated", "false")
	o.str("easDeviceId", "")
	o.str("easActivationDateTime", "0001-01-01T00:00:00Z")
	o.raw("azureADRegistered", "true")
	o.str("deviceEnrollmentType", "userEnrollment")
	o.str("activationLockBypassCode", "")
	o.str("emailAddress", d.user)
	o.str("azureADDeviceId", genSum(d.id)[:8]+d.id[8:])
	o.str("deviceRegistrationState", "registered")
	o.str("deviceCategoryDisplayName", d.category)
	o.raw("isSupervised", "false")
	o.str("exchangeLastSuccessfulSyncDateTime", "0001-01-01T00:00:00Z")
	o.str("exchangeAccessState", "none")
	o.str("exchangeAccessStateReason", "none")
	o.raw("remoteAssistanceSessionUrl", "null")
	o.raw("remoteAssistanceSessionErrorDetails", "null")
	o.raw("isEncrypted", "true")
	o.str("userPrincipalName", d.user)
	o.str("model", d.model)
	o.str("manufacturer", d.maker)
	o.str("imei", d.imei)
	o.str("complianceGracePeriodExpirationDateTime", "9999-12-31T23:59:59Z")
	o.str("serialNumber", d.serial)
	o.str("phoneNumber", "")
	o.str("androidSecurityPatchLevel", "")
	o.str("userDisplayName", "User "+d.user[4:9])
	o.raw("configurationManagerClientEnabledFeatures", "null")
	o.str("wiFiMacAddress", genSum(d.id + "mac")[:12])
	o.raw("deviceHealthAttestationState", "null")
	o.str("subscriberCarrier", "")
	o.str("meid", "")
	o.raw("totalStorageSpaceInBytes", "128000000000")
	o.raw("freeStorageSpaceInBytes", "54000000000")
	o.str("managedDeviceName", d.user[:9]+"_"+d.os+"_6/2/2024_7:55 AM")
	o.str("partnerReportedThreatState", "unknown")
	o.raw("requireUserEnrollmentApproval", "null")
	o.str("managementCertificateExpirationDate", "2025-03-11T08:04:09Z")
	o.raw("iccid", "null")
	o.raw("udid", "null")
	o.raw("notes", "null")
	o.raw("ethernetMacAddress", "null")
	o.raw("physicalMemoryInBytes", "0")
	return append(o.b, '}')
}

// appendApps writes n of the device's apps as detectedApps.
func (d *genDevice) appendApps(b []byte, rng *rand.Rand, n int) []byte {
	n = min(n, len(d.catalogue))
	pick := rng.Perm(len(d.catalogue))[:n]
	for k, i := range pick {
		a := &d.catalogue[i]
		version := a.versions[rng.IntN(len(a.versions))]
		if k > 0 {
			b = append(b, ',')
		}
		o := jsonObject{b: b}
		o.str("id", genSum(a.name+"\x00"+version+"\x00"+d.platform))
		o.str("displayName", a.name)
		o.str("version", version)
		o.raw("sizeInByte", strconv.Itoa(a.size))
		o.raw("deviceCount", "0")
		o.str("publisher", a.publisher)
		o.str("platform", d.platform)
		b = append(o.b, '}')
	}
	return b
}

// jsonObject writes the members of a JSON object.
type jsonObject struct {
	b    []byte
	open bool
}

func (o *jsonObject) key(k string) {
	if o.open {
		o.b = append(o.b, ',')
	} else {
		o.b, o.open = append(o.b, '{'), true
	}
	o.b = append(append(append(o.b, '"'), k...), `":`...)
}

func (o *jsonObject) str(k, v string) {
	o.key(k)
	o.b, _ = jsontext.AppendQuote(o.b, v)
}

func (o *jsonObject) raw(k, v string) {
	o.key(k)
	o.b = append(o.b, v...)
}

func genGUID(rng *rand.Rand) string {
	return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", rng.Uint32(), rng.IntN(1<<16), rng.IntN(1<<12), 0x8000|rng.IntN(1<<14), rng.Uint64()&(1<<48-1))
}

func genToken(rng *rand.Rand) string {
	return "Skip%3d" + genSum(strconv.FormatUint(rng.Uint64(), 16))[:40]
}

func genSum(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}
