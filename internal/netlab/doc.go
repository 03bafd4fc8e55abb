//go:build linux

// Package netlab builds small test networks of real parts inside Linux
// network namespaces that the test itself creates, so that equipment
// discovery (issue 18) can be tested against a real snmpd, real HTTP(S)
// and WS-Discovery endpoints and the real nmap, without ever sending a
// packet to an address outside the test's own namespaces.
//
// # Topology and address plan
//
// Every lab owns 10.250.0.0/16 inside its namespaces (none of it exists
// outside them):
//
//	            lan namespace: bridge br0 (no address)
//	           /            |                 \
//	scanner eth0      device eth0 (its MAC)   device eth0 ...
//	10.250.0.1/24     10.250.0.10/24          10.250.0.11/24
//	scanner up0 10.250.1.1/24 ── outside eth0 10.250.1.2/24
//
// The scanner namespace ("scanner") is where tests run scanners: nmap
// with [Lab.Run], Go clients with [Lab.DialContext] or [Lab.HTTPClient].
// Each device gets a namespace of its own, so that it answers ARP, IP and
// its services with exactly one MAC and one address, as a real host does
// (several addresses of one subnet in one namespace would answer ARP for
// each other). The "lan" namespace holds the bridge joining them. The
// "outside" namespace is a sink: the scanner's default route points at
// it, so a packet meant for any address off the lab's LAN is delivered
// there (and dropped) instead of failing with "network unreachable";
// [Lab.Watch] on its interface proves that nothing was sent off-target.
// The scanner has a route for 224.0.0.0/4 on eth0, so WS-Discovery's
// multicast stays on the LAN. IPv6 is disabled in every lab namespace so
// that no autoconfiguration traffic appears in captures.
//
// Namespace names are "netlab-<pid>-<seq>-<role>": unique per test
// process and per lab, so parallel test binaries (and other engineers'
// namespace tests) never clash. [New] first removes namespaces with that
// prefix whose pid is no longer a live process (left by killed runs), and
// every lab removes its own in t.Cleanup, whether the test passed or not.
//
// # What runs where
//
// snmpd is the real Net-SNMP daemon from Debian, started with
// "ip netns exec" in the device's namespace with a generated
// configuration and stopped at cleanup. The HTTP(S) server, the ONVIF
// device service, the WS-Discovery responder, the SSDP responder with its
// UPnP description server (ssdp.go) and the mDNS responder (mdns.go) run
// as goroutines of the test process: their sockets are created on an OS
// thread that has entered the device's namespace with setns(2) (see
// [Lab.Do]); a socket
// belongs to the namespace it was created in, whatever thread later
// reads or writes it. This was chosen over re-executing the test binary
// as a helper process because it needs no TestMain hook in every package
// that uses the lab, leaves no orphan process when a test binary is
// killed, and lets the test read the server's certificate directly.
//
// # Tools
//
// The Debian packages the tests need: iproute2 (ip), snmpd, snmp
// (snmpget) and nmap. Frames are captured with an AF_PACKET socket, so
// tcpdump is not needed; ieee-data is where the presets' MAC prefix was
// looked up, not something the tests read. A missing tool or a non-root
// user fails the test, never skips it: see [RequireTools].
package netlab
