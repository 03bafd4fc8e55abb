package lldp

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestEdgeCases: the forms each output takes besides the fixtures', and
// what cannot be read becoming an unknown at its place.
func TestEdgeCases(t *testing.T) {
	for _, c := range []struct {
		name, in string
		want     []dev
		unknowns []string
	}{
		{"keyvalue: lldpd 0.7's multi-line values, a VLAN interface, two addresses, a port MAC",
			"lldp.eth0.100.via=LLDP\nlldp.eth0.100.rid=4\nlldp.eth0.100.chassis.local=sw7\nlldp.eth0.100.chassis.name=sw7\n" +
				"lldp.eth0.100.chassis.descr=Cisco Nexus Operating System (NX-OS) Software 6.0(2)U5(1)\nTAC support: http://www.cisco.com/tac\n" +
				"lldp.eth0.100.chassis.mgmt-ip=192.0.2.7\nlldp.eth0.100.chassis.mgmt-ip=2001:DB8::7\nlldp.eth0.100.port.mac=00:0A:DC:47:4F:40\n",
			[]dev{{"sw7", "", "interface eth0.100 rid 4 (LLDP)", 1, "192.0.2.7", []string{"192.0.2.7", "2001:db8::7"}, "00:0a:dc:47:4f:40", "", "", "",
				"Cisco Nexus Operating System (NX-OS) Software 6.0(2)U5(1)\nTAC support: http://www.cisco.com/tac"}}, nil},
		{"keyvalue: a chassis id of type ip; stray and foreign lines",
			"lldp.eth1.chassis.name=x\njunk\nlldp.eth0.via=LLDP\nlldp.eth0.chassis.ip=192.0.2.8\nlldp.eth9.port.descr=y\n",
			[]dev{{"192.0.2.8", "", "interface eth0 (LLDP)", 3, "192.0.2.8", []string{"192.0.2.8"}, "", "", "", "", ""}},
			[]string{"neighbours:1: \"lldp.eth1.chassis.name\" belongs to no neighbour", "neighbours:2: not a key=value", "neighbours:5: \"lldp.eth9.port.descr\" belongs to no neighbour"}},
		{"keyvalue: a bad MAC and a bad address are unknowns; the name stays",
			"lldp.eth0.via=LLDP\nlldp.eth0.chassis.mac=00:11:22\nlldp.eth0.chassis.name=cam\nlldp.eth0.chassis.mgmt-ip=not-an-ip\n",
			[]dev{{"cam", "", "interface eth0 (LLDP)", 1, "cam", nil, "", "", "", "", ""}},
			[]string{"neighbours:1: interface eth0 (LLDP): management address", "neighbours:1: interface eth0 (LLDP): \"00:11:22\" is not a 6-octet MAC"}},
		{"json: one neighbour, an unnamed chassis, addresses as an array",
			`{"lldp": {"interface": {"eno1": {"via": "LLDP", "rid": "2", "chassis": {"id": {"type": "mac", "value": "00:e0:fc:00:00:01"},` +
				` "descr": "HUAWEI S5700", "mgmt-ip": ["192.0.2.5", "fe80::1"]}, "port": {"id": {"type": "ifname", "value": "GE0/0/1"}}}}}}`,
			[]dev{{"192.0.2.5", "", "interface eno1 rid 2 (LLDP)", 0, "192.0.2.5", []string{"192.0.2.5", "fe80::1"}, "00:e0:fc:00:00:01", "", "", "", "HUAWEI S5700"}}, nil},
		{"json: several outputs one after another; a value that is not lldpctl's",
			`{"lldp": {"interface": {"a": {"via": "LLDP", "chassis": {"s1": {"id": {"type": "local", "value": "s1"}}}}}}}` + "\n" +
				`{"other": 1}` + "\n" + `{"lldp": [{"interface": [{"name": "b", "via": "LLDP", "chassis": [{"name": [{"value": "s2"}]}]}]}]}`,
			[]dev{{"s1", "", "interface a (LLDP)", 0, "s1", nil, "", "", "", "", ""}, {"s2", "", "interface b (LLDP)", 0, "s2", nil, "", "", "", "", ""}},
			[]string{`neighbours JSON value 2: a JSON value without an "lldp" member: not lldpctl's neighbours`}},
		{"cdp: a cut output, a pasted --More--, an entry without addresses",
			"Device ID: r1\n --More-- Entry address(es): \n  IP address: 192.0.2.1\nPlatform: cisco 2811,  Capabilities: Router\n" +
				"Version :\nCisco IOS Software, 2800 Software (C2800NM-ADVIPSERVICESK9-M), Version 12.4(15)T1, RELEASE SOFTWARE (fc2)\n" +
				"advertisement version: 2\n-------------------------\nDevice ID: r2\nPlatform: cisco 1841,  Capabilities: Router\n\n" +
				"Total cdp entries displayed : 3\n",
			[]dev{{"cisco 2811", "12.4(15)T1", "Device ID: r1", 1, "192.0.2.1", []string{"192.0.2.1"}, "", "", "cisco 2811", "",
				"Cisco IOS Software, 2800 Software (C2800NM-ADVIPSERVICESK9-M), Version 12.4(15)T1, RELEASE SOFTWARE (fc2)"},
				{"cisco 1841", "", "Device ID: r2", 9, "r2", nil, "", "", "cisco 1841", "", ""}},
			[]string{"neighbours:12: the output says 3 entries and holds 2: a part of it is missing"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, unknowns, _ := devices(t, []byte(c.in))
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("neighbours (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(c.unknowns, unknowns, cmpopts.EquateEmpty(), cmp.Comparer(func(a, b string) bool {
				return len(a) >= len(b) && a[:len(b)] == b || len(b) >= len(a) && b[:len(a)] == a
			})); diff != "" {
				t.Errorf("unknowns (-want +got):\n%s", diff)
			}
		})
	}
}
