// Package kavscanengine reads whether a Kaspersky Scan Engine shares data
// with Kaspersky Security Network (issue 20), from the configuration
// file each of its services reads (docs/research/issue20-sharing-settings.md
// cites every fact below):
//
//   - kavicapd.xml, the ICAP service's: Configuration/KSNSettings/UseKSN,
//     1 to use KSN, 0 not to (Kaspersky documents 0 as the default). A
//     file without KSNSettings is "unknown": Kaspersky says KSN is then
//     not used, but a setting Embargo did not read is never reported off.
//     KSNSettings without UseKSN is a file the service refuses: unknown,
//     with an Unknown saying why.
//   - kavhttpd.xml, the HTTP service's: KSN is used when the token
//     KAV_SHT_ENGINE_KSN is among the "|"-joined ServerSettings/Flags;
//     Flags without it is off; no Flags is unknown.
//
// Scan Engine has no documented private-network (KPSN) option, so a
// service using KSN uses the global one. Each file becomes one item, the
// service it configures (kavicapd or kavhttpd, which the catalogue
// attributes to Kaspersky's OEM scan engine), with the setting as the
// attribute config.ksn ("global", "off" or "unknown") and where it was
// read as config.ksn.evidence. A file that is not well-formed XML is an
// item with config.ksn unknown and an Unknown naming the position.
package kavscanengine
