// Package intune reads what Microsoft Intune produces about a tenant's
// devices and the apps it discovered on them, as saved from Intune:
//
// GraphReader ("intune-graph") reads Microsoft Graph JSON responses:
//
//   - GET deviceManagement/managedDevices, v1.0 and beta: managedDevice
//     resources, including subtypes named by "@odata.type" such as
//     "#microsoft.graph.windowsManagedDevice"
//     (https://learn.microsoft.com/graph/api/resources/intune-devices-manageddevice);
//   - GET deviceManagement/managedDevices/{id}/detectedApps (beta): one
//     device's apps, the device named by the page's "@odata.context"
//     ("...$metadata#deviceManagement/managedDevices('{id}')/detectedApps");
//   - GET deviceManagement/detectedApps: the tenant's apps, each with the
//     number of devices holding it and no device
//     (https://learn.microsoft.com/en-us/graph/api/resources/intune-devices-detectedapp);
//   - managedDevices?$expand=detectedApps (beta): devices each with a
//     "detectedApps" array.
//
// A document is one page ("value" and "@odata.*" annotations), an array
// of pages, a bare array of resources, a single resource, or a stream of
// them one a line (NDJSON), in UTF-8 with or without a byte order mark or
// in UTF-16 with one (Windows PowerShell 5.1 writes UTF-16LE). Paging
// follows https://learn.microsoft.com/graph/paging: a page that still
// carries "@odata.nextLink", not followed in the same document by the
// next page of the same collection, means the saved export is incomplete,
// and is an unknown.
//
// CSVReader ("intune-csv") reads the report exports of the Intune admin
// centre and of deviceManagement/reports/exportJobs
// (https://learn.microsoft.com/en-us/intune/device-management/reports/ref-graph-available-reports,
// https://learn.microsoft.com/mem/intune/fundamentals/reports-export-graph-apis):
// the discovered-apps reports AppInvRawData, AppInvByDevice and
// DevicesByAppInv (an app per row, with its device), AppInvAggregate and
// DetectedAppsAggregate (the tenant's apps with a device count), and the
// Devices and DevicesWithInventory device lists; as a CSV or as the ZIP
// holding it that an export job gives.
//
// Each device is an inventory.ManagedDevice of MDM "intune" whose host is
// DeviceHost("intune", id), so that a device read from one file and its
// apps read from another meet. Intune's detectedApp resource says:
// "Unmanaged apps will only appear for devices marked as corporate
// owned"; the app list of a personally owned device is therefore its
// managed apps only (ScopeManaged). Intune gives an app's display name,
// version, publisher and platform, never its bundle id or package name,
// so items carry no BundleID or AndroidID.
package intune
