// Package systems is Embargo's register of the systems an organisation
// runs: what each is called, who owns it, how it is classified, which
// categories it belongs to (a national-security system, a government
// device, a federal information system), and how a scanned host is
// recognised as part of it.
//
// An instrument's scope is stated in these terms — the NCSC's 2017 letter
// binds SECRET and above, BOD 17-01 binds federal information systems but
// not national-security systems — so policy judges a finding against the
// system the host belongs to, found here.
//
// The register is a YAML file, loaded strictly by Load: an unknown key, a
// duplicate id, a classification not on the scale, a bad address range or
// an empty host pattern is an error naming the file and line, and nothing
// is half-applied. A host that belongs to no system gets the register's
// default classification and tags and is reported as unregistered.
//
// Classifications are ranked on a Scale: the UK scale (OFFICIAL < SECRET <
// TOP SECRET) unless the file gives its own, such as the US scale
// (UNCLASSIFIED < CONFIDENTIAL < SECRET < TOP SECRET).
package systems
