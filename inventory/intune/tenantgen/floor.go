package tenantgen

import (
	"encoding/json"
	"strings"
)

// The documented resources as encoding/json decodes them: the floor the
// benchmarks of reading a tenant are measured against.
type (
	floorPage[T any] struct {
		Context  string `json:"@odata.context"`
		NextLink string `json:"@odata.nextLink"`
		Value    []T    `json:"value"`
	}
	floorApp struct {
		ID          string `json:"id"`
		DisplayName string `json:"displayName"`
		Version     string `json:"version"`
		SizeInByte  int64  `json:"sizeInByte"`
		DeviceCount int32  `json:"deviceCount"`
		Publisher   string `json:"publisher"`
		Platform    string `json:"platform"`
	}
	floorDevice struct {
		ID                        string `json:"id"`
		UserID                    string `json:"userId"`
		DeviceName                string `json:"deviceName"`
		ManagedDeviceOwnerType    string `json:"managedDeviceOwnerType"`
		EnrolledDateTime          string `json:"enrolledDateTime"`
		LastSyncDateTime          string `json:"lastSyncDateTime"`
		OperatingSystem           string `json:"operatingSystem"`
		ComplianceState           string `json:"complianceState"`
		JailBroken                string `json:"jailBroken"`
		ManagementAgent           string `json:"managementAgent"`
		OSVersion                 string `json:"osVersion"`
		EmailAddress              string `json:"emailAddress"`
		AzureADDeviceID           string `json:"azureADDeviceId"`
		DeviceCategoryDisplayName string `json:"deviceCategoryDisplayName"`
		IsSupervised              bool   `json:"isSupervised"`
		IsEncrypted               bool   `json:"isEncrypted"`
		UserPrincipalName         string `json:"userPrincipalName"`
		Model                     string `json:"model"`
		Manufacturer              string `json:"manufacturer"`
		IMEI                      string `json:"imei"`
		SerialNumber              string `json:"serialNumber"`
		MEID                      string `json:"meid"`
		TotalStorageSpaceInBytes  int64  `json:"totalStorageSpaceInBytes"`
		FreeStorageSpaceInBytes   int64  `json:"freeStorageSpaceInBytes"`
		ManagedDeviceName         string `json:"managedDeviceName"`
	}
)

// DecodeFloor decodes one of GenerateTenant's files (named name) with
// encoding/json alone into the documented resources, and says how many
// apps and devices it held: the floor a benchmark of reading, attributing
// and judging a tenant is measured against.
func DecodeFloor(name string, data []byte) (apps, devices int, err error) {
	if strings.HasPrefix(name, "detectedApps-") {
		var p floorPage[floorApp]
		err = json.Unmarshal(data, &p)
		return len(p.Value), 0, err
	}
	var p floorPage[floorDevice]
	err = json.Unmarshal(data, &p)
	return 0, len(p.Value), err
}
