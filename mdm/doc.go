// Package mdm pulls phone and tablet inventories from device managers —
// Microsoft Intune (Microsoft Graph), Jamf Pro (Jamf Pro API or Classic
// API) and Workspace ONE UEM — and saves every response page as it came,
// one file a page, so that Embargo's readers (inventory/intune,
// inventory/jamf, inventory/workspaceone) read them exactly as they read
// an export a user saved. The package fetches, pages, retries and saves;
// it parses no app. It reads of each page only what paging needs
// (@odata.nextLink; totalCount; Page, PageSize and Total, or HTTP 204)
// and the device ids that per-device requests need.
//
// Files, per run (NNNN counts pages from 0001):
//
//	intune-managedDevices-NNNN.json         GET /v1.0/deviceManagement/managedDevices
//	intune-detectedApps-<id>-NNNN.json      GET /beta/deviceManagement/managedDevices/{id}/detectedApps
//	jamf-pro-mobile-devices-NNNN.json       GET /api/v2/mobile-devices/detail?section=...&page=N&page-size=100
//	jamf-classic-device-<id>.xml            GET /JSSResource/mobiledevices/id/{id}
//	ws1-devices-NNNN.json                   GET /api/mdm/devices/search?page=N&pagesize=500
//	ws1-device-<id>-apps-NNNN.json          GET /api/mdm/devices/{id}/apps (the response may not name its device: the file name does)
//	manifest.json                           the run: connector, kind, department, times, counts, files, status
//
// Each connector has a directory under the output directory (see
// store.go): a pull writes into a fresh run directory and replaces
// current/ only when it completed; a failed pull leaves current/ as it
// was and is kept under partial/, so a failure never removes devices.
//
// Authentication, from the vendors' documentation (mdm/testdata/SOURCES.md
// has the pages and what could not be confirmed):
//
//   - Intune: OAuth 2.0 client credentials at
//     https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token with
//     scope https://graph.microsoft.com/.default ("Microsoft identity
//     platform and the OAuth 2.0 client credentials flow",
//     learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow);
//     Graph paging by @odata.nextLink only (learn.microsoft.com/graph/paging);
//     throttling by 429 and Retry-After (learn.microsoft.com/graph/throttling).
//   - Jamf Pro: API client credentials, POST /api/oauth/token, Bearer on
//     both APIs (developer.jamf.com/jamf-pro/docs/client-credentials);
//     Jamf documents no rate limit and asks for few concurrent
//     connections (developer.jamf.com/jamf-pro/docs/jamf-pro-api-scalability-best-practices):
//     requests here go one at a time.
//   - Workspace ONE UEM: OAuth client credentials at the regional token
//     URL, or basic authentication, each with the aw-tenant-code API key
//     header ("Using UEM Functionality with a REST API",
//     docs.omnissa.com; developer.omnissa.com/workspace-one-uem-apis),
//     with Accept: application/json.
//
// Secrets come only from a file or an environment variable (SecretRef),
// are held in a type that prints as "[redacted]", and are replaced in
// every error and log value; a token is renewed before it expires and,
// once per request, when a server answers 401. Library code never
// prints: it logs to the slog.Logger in Options.
package mdm
