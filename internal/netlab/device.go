//go:build linux

package netlab

import (
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"regexp"
)

// DeviceSpec describes one emulated device. Only Name and MAC are
// required; each service runs only when its part is set.
type DeviceSpec struct {
	// Name is the device's role in the lab: 1-12 of [a-z0-9], starting
	// with a letter, other than "scanner", "lan" and "outside".
	Name string
	// MAC is the device interface's address (unicast).
	MAC net.HardwareAddr
	// Addr is its IPv4 address in Subnet; the zero value takes the next
	// free one from 10.250.0.10.
	Addr netip.Addr

	SNMP  *SNMP  // a real snmpd on udp/161
	HTTP  *HTTP  // a web interface on tcp/80, and tcp/443 with TLS
	ONVIF *ONVIF // WS-Discovery on udp/3702 and the device service on tcp/80
	SSDP  *SSDP  // UPnP search on udp/1900 and its description on tcp/49152
	MDNS  *MDNS  // Multicast DNS and DNS-SD on udp/5353
}

// Device is a running emulated device.
type Device struct {
	Name      string
	Namespace string // its network namespace
	Port      string // its bridge port in the lan namespace
	MAC       net.HardwareAddr
	Addr      netip.Addr
	// Cert is the HTTPS server's self-signed certificate, nil without TLS.
	Cert *x509.Certificate
	// XAddr is the ONVIF device service address, "" without ONVIF.
	XAddr string
	// Endpoint is the WS-Discovery endpoint reference address (urn:uuid).
	Endpoint string
	// UDN is the UPnP root device's unique device name (uuid:...) and
	// Location its description's URL, "" without SSDP.
	UDN, Location string
	// MDNSHost is the host name its mDNS responder answers for
	// ("hik.local."), "" without mDNS.
	MDNSHost string
}

var deviceName = regexp.MustCompile(`^[a-z][a-z0-9]{0,11}$`)

// AddDevice starts a device and its services; it fails the test on any
// error. Everything it starts is stopped at the lab's cleanup.
func (l *Lab) AddDevice(spec DeviceSpec) *Device {
	l.t.Helper()
	d, err := l.addDevice(spec)
	if err != nil {
		l.t.Fatalf("netlab: adding device %q: %v", spec.Name, err)
	}
	return d
}

func (l *Lab) addDevice(spec DeviceSpec) (*Device, error) {
	addr, err := l.claim(spec)
	if err != nil {
		return nil, err
	}
	if err := l.addNamespace(spec.Name); err != nil {
		return nil, err
	}
	d := &Device{
		Name:      spec.Name,
		Namespace: l.Namespace(spec.Name),
		Port:      "d-" + spec.Name,
		MAC:       append(net.HardwareAddr(nil), spec.MAC...),
		Addr:      addr,
		Endpoint:  endpointUUID(spec.Name, spec.MAC),
	}
	lan := l.Namespace(LAN)
	steps := [][]string{
		{"-n", lan, "link", "add", d.Port, "type", "veth", "peer", "name", "eth0", "netns", d.Namespace},
		{"-n", lan, "link", "set", d.Port, "master", "br0", "up"},
		{"-n", d.Namespace, "link", "set", "eth0", "address", d.MAC.String()},
		{"-n", d.Namespace, "addr", "add", addr.String() + "/24", "dev", "eth0"},
		{"-n", d.Namespace, "link", "set", "eth0", "up"},
	}
	for _, s := range steps {
		if err := ip(s...); err != nil {
			return nil, err
		}
	}
	if spec.SNMP != nil {
		if err := l.startSNMPd(d, spec.SNMP); err != nil {
			return nil, err
		}
	}
	if spec.HTTP != nil || spec.ONVIF != nil {
		if err := l.startWeb(d, spec.HTTP, spec.ONVIF); err != nil {
			return nil, err
		}
	}
	if spec.ONVIF != nil {
		if err := l.startWSDiscovery(d, spec.ONVIF); err != nil {
			return nil, err
		}
	}
	if spec.SSDP != nil {
		if err := l.startSSDP(d, spec.SSDP); err != nil {
			return nil, err
		}
	}
	if spec.MDNS != nil {
		if err := l.startMDNS(d, spec.MDNS); err != nil {
			return nil, err
		}
	}
	l.mu.Lock()
	l.devices[d.Name] = d
	l.mu.Unlock()
	return d, nil
}

// claim checks a spec and reserves its name and address.
func (l *Lab) claim(spec DeviceSpec) (netip.Addr, error) {
	switch {
	case !deviceName.MatchString(spec.Name):
		return netip.Addr{}, errors.New("name must be 1-12 of [a-z0-9], starting with a letter")
	case spec.Name == Scanner || spec.Name == LAN || spec.Name == Outside:
		return netip.Addr{}, fmt.Errorf("%q is one of the lab's own namespaces", spec.Name)
	case len(spec.MAC) != 6 || spec.MAC[0]&1 != 0:
		return netip.Addr{}, fmt.Errorf("MAC %v is not a unicast EUI-48", spec.MAC)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, dup := l.ns[spec.Name]; dup {
		return netip.Addr{}, fmt.Errorf("the lab already has %q", spec.Name)
	}
	taken := map[netip.Addr]bool{ScannerAddr: true}
	for _, d := range l.devices {
		taken[d.Addr] = true
		if d.MAC.String() == spec.MAC.String() {
			return netip.Addr{}, fmt.Errorf("MAC %v is %s's", spec.MAC, d.Name)
		}
	}
	addr := spec.Addr
	if !addr.IsValid() {
		for addr = l.next; taken[addr]; addr = addr.Next() {
		}
		l.next = addr.Next()
	}
	last := netip.AddrFrom4([4]byte{10, 250, 0, 255})
	if !Subnet.Contains(addr) || addr == Subnet.Addr() || addr == last || taken[addr] {
		return netip.Addr{}, fmt.Errorf("address %v is not free in %v", addr, Subnet)
	}
	return addr, nil
}

// endpointUUID makes a stable urn:uuid for a device (RFC 4122 layout,
// version 4 bits, derived from its name and MAC so fixtures are stable).
func endpointUUID(name string, mac net.HardwareAddr) string {
	h := sha256.Sum256(append([]byte(name+"\x00"), mac...))
	h[6] = h[6]&0x0f | 0x40
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

// Device returns a running device by name, or nil.
func (l *Lab) Device(name string) *Device {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.devices[name]
}
