package dhcp

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestDhcpd reads dhcpd.leases as dhcpd.leases(5) describes it: the last
// declaration of an address is in effect, only active leases are
// devices, and what cannot be read is an unknown at its line.
func TestDhcpd(t *testing.T) {
	const head = "# The format of this file is documented in the dhcpd.leases(5) manual page.\n"
	for _, c := range []struct {
		name, in string
		want     []dev
		unknown  []unk
	}{
		{"journal: a release supersedes the lease",
			head + "lease 10.0.0.7 {\n binding state active;\n hardware ethernet 00:11:22:33:44:55;\n client-hostname \"cam\";\n}\n" +
				"lease 10.0.0.7 {\n binding state free;\n hardware ethernet 00:11:22:33:44:55;\n}\n", nil, nil},
		{"journal: a renewal supersedes, the last line counts",
			head + "lease 10.0.0.7 {\n binding state active;\n client-hostname \"old\";\n}\n" +
				"lease 10.0.0.8 {\n binding state active;\n}\n" +
				"lease 10.0.0.7 {\n binding state active;\n client-hostname \"new\";\n}\n",
			[]dev{{"10.0.0.8", "lease 10.0.0.8", 6, "10.0.0.8", "", ""}, {"new", "lease 10.0.0.7", 9, "10.0.0.7", "", ""}}, nil},
		{"states: only active is held; none given is held",
			"lease 10.0.0.1 { binding state free; }\nlease 10.0.0.2 { binding state abandoned; }\n" +
				"lease 10.0.0.3 { binding state backup; }\nlease 10.0.0.4 { binding state expired; }\n" +
				"lease 10.0.0.5 { binding state released; }\nlease 10.0.0.6 { binding state reset; }\n" +
				"lease 10.0.0.7 { binding state active; next binding state free; rewind binding state free; }\n" +
				"lease 10.0.0.8 { starts 4 2003/01/02 00:00:00; hardware ethernet 0:a0:c9:1:2:3; }\n",
			[]dev{{"10.0.0.7", "lease 10.0.0.7", 7, "10.0.0.7", "", ""}, {"10.0.0.8", "lease 10.0.0.8", 8, "10.0.0.8", "00:a0:c9:01:02:03", ""}}, nil},
		{"statements: comments, escapes, nested blocks, other options",
			"# comment\nauthoring-byte-order little-endian;\nserver-duid \"\\000\\001\";\n" +
				"lease 192.0.2.5 { # trailing\n  starts epoch 1700000000; # Tue Nov 14 22:13:20 2023\n" +
				"  binding state active;\n  uid \"\\001\\000\\021\\\"3DU\";\n  option agent.circuit-id \"x;y\";\n" +
				"  set ddns-fwd-name = \"cam.example\";\n  set vendor-class-identifier = \"dhcpcd-9.4.1:Linux-5.10:armv7l:Hikvision\";\n" +
				"  on expiry { set ClientIP = \"x\"; }\n  client-hostname \"caf\\303\\251 \\\"7\\\"\";\n" +
				"  hardware ethernet C0:56:E3:AA:BB:CC;\n}\n",
			[]dev{{"café \"7\"", "lease 192.0.2.5", 4, "192.0.2.5", "c0:56:e3:aa:bb:cc", "dhcpcd-9.4.1:Linux-5.10:armv7l:Hikvision"}}, nil},
		{"not ethernet: no MAC",
			"lease 10.0.0.9 {\n binding state active;\n hardware token-ring 00:11:22:33:44:55;\n}\n",
			[]dev{{"10.0.0.9", "lease 10.0.0.9", 1, "10.0.0.9", "", ""}}, nil},
		{"a bad MAC: the lease stays, the MAC is an unknown",
			"lease 10.0.0.9 {\n binding state active;\n hardware ethernet 00:11:22:33:44;\n client-hostname \"x\";\n}\n",
			[]dev{{"x", "lease 10.0.0.9", 1, "10.0.0.9", "", ""}}, []unk{{3, "not a 6-octet MAC"}}},
		{"a bad address is an unknown; reading goes on",
			head + "lease 10.0.0.300 {\n binding state active;\n}\nlease fe80::1 { binding state active; }\nlease 10.0.0.2 {\n binding state active;\n}\n",
			[]dev{{"10.0.0.2", "lease 10.0.0.2", 6, "10.0.0.2", "", ""}}, []unk{{2, "not an IPv4 address"}, {5, "not an IPv4 address"}}},
		{"a statement without ';' spoils its lease",
			"lease 10.0.0.1 {\n binding state active\n}\nlease 10.0.0.2 { binding state active; }\n",
			[]dev{{"10.0.0.2", "lease 10.0.0.2", 4, "10.0.0.2", "", ""}}, []unk{{1, "without ';'"}}},
		{"a stray '}' is an unknown",
			head + "}\nlease 10.0.0.2 { binding state active; }\n",
			[]dev{{"10.0.0.2", "lease 10.0.0.2", 3, "10.0.0.2", "", ""}}, []unk{{2, "closes no declaration"}}},
		{"a file cut inside a lease: its last lease is an unknown",
			"lease 10.0.0.1 { binding state active; }\nlease 10.0.0.2 {\n binding state active;\n hardware ethernet 00:11",
			[]dev{{"10.0.0.1", "lease 10.0.0.1", 1, "10.0.0.1", "", ""}}, []unk{{2, "ends inside lease 10.0.0.2"}}},
		{"a string that does not end",
			"lease 10.0.0.1 { binding state active; }\nlease 10.0.0.2 {\n client-hostname \"cam\n",
			[]dev{{"10.0.0.1", "lease 10.0.0.1", 1, "10.0.0.1", "", ""}}, []unk{{2, "ends inside lease 10.0.0.2"}}},
		{"hosts, classes and failover states are skipped",
			head + "host cam { dynamic; hardware ethernet 00:11:22:33:44:55; fixed-address 10.0.0.9; }\n" +
				"class \"x\" { match hardware; }\nsubclass \"x\" 1:00:11:22:33:44:55;\n" +
				"failover peer \"dhcp\" state {\n my state normal at 1 2024/01/01 00:00:00;\n}\n" +
				"lease 10.0.0.2 { binding state active; }\n",
			[]dev{{"10.0.0.2", "lease 10.0.0.2", 8, "10.0.0.2", "", ""}}, nil},
		{"DHCPv6: iaaddr leases, the MAC from the DUID; prefixes skipped",
			// IAID 0x0a0b0c0d, then a DUID-LLT of an Ethernet address and
			// a DUID-EN (type 2), which names no MAC.
			"ia_na \"\\012\\013\\014\\015\\000\\001\\000\\001\\053\\054\\055\\056\\000\\021\\042\\063\\104\\125\" {\n" +
				"  cltt 1 2024/01/01 00:00:00;\n  iaaddr 2001:db8::5 {\n    binding state active;\n    preferred-life 375;\n    max-life 600;\n  }\n" +
				"  iaaddr 2001:db8::6 {\n    binding state expired;\n  }\n}\n" +
				"ia_ta 0a:0b:0c:0d:00:02:00:00:00:09:01:02 {\n  iaaddr 2001:db8::7 { binding state active; }\n}\n" +
				"ia_pd \"\\001\" {\n  iaprefix 2001:db8:1::/48 { binding state active; }\n}\n" +
				"ia_na \"x\" {\n  iaaddr 10.0.0.1 { binding state active; }\n}\n",
			[]dev{{"2001:db8::5", "iaaddr 2001:db8::5", 3, "2001:db8::5", "00:11:22:33:44:55", ""},
				{"2001:db8::7", "iaaddr 2001:db8::7", 13, "2001:db8::7", "", ""}},
			[]unk{{19, "not an IPv6 address"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, unknowns, format := devices(t, c.in)
			if format != "ISC dhcpd leases" {
				t.Errorf("format %q", format)
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("devices (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(c.unknown, unknowns, equalWhy, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("unknowns (-want +got):\n%s", diff)
			}
		})
	}
}

// TestKea reads Kea's memfile CSV: columns by name, the journal's later
// rows, lifetime 0 as a removal, the states, Kea's escapes, DHCPv6 rows.
func TestKea(t *testing.T) {
	const v4 = "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context,pool_id\n"
	const v6 = "address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid,prefix_len,fqdn_fwd,fqdn_rev,hostname,hwaddr,state,user_context\n"
	for _, c := range []struct {
		name, in string
		want     []dev
		unknown  []unk
	}{
		{"states", v4 +
			"10.0.0.1,00:11:22:33:44:01,,600,1700000600,1,0,0,a,0,,0\n" +
			"10.0.0.2,,,600,1700000600,1,0,0,,1,,0\n" +
			"10.0.0.3,00:11:22:33:44:03,,600,1700000600,1,0,0,c,2,,0\n" +
			"10.0.0.4,00:11:22:33:44:04,,600,1700000600,1,0,0,d,3,,0\n" +
			"10.0.0.5,00:11:22:33:44:05,,600,1700000600,1,0,0,e,,,0\n",
			[]dev{{"a", "lease 10.0.0.1", 2, "10.0.0.1", "00:11:22:33:44:01", ""}, {"e", "lease 10.0.0.5", 6, "10.0.0.5", "00:11:22:33:44:05", ""}}, nil},
		{"journal: renewals and a removal", v4 +
			"10.0.0.1,00:11:22:33:44:01,,600,1700000600,1,0,0,a,0,,0\r\n" +
			"10.0.0.2,00:11:22:33:44:02,,600,1700000600,1,0,0,b,0,,0\r\n" +
			"10.0.0.1,00:11:22:33:44:01,,600,1700001200,1,0,0,a2,0,,0\r\n" +
			"10.0.0.2,00:11:22:33:44:02,,0,1700000000,1,0,0,b,0,,0\r\n",
			[]dev{{"a2", "lease 10.0.0.1", 4, "10.0.0.1", "00:11:22:33:44:01", ""}}, nil},
		{"escapes and bad rows", v4 +
			"10.0.0.1,00:11:22:33:44:01,,600,1700000600,1,0,0,cam&#x2c lobby&#x26;,0,{ \"a\": 1 },0\n" +
			"10.0.0.2,00:11:22:33:44:02,,600\n" +
			"10.0.0.x,00:11:22:33:44:03,,600,1700000600,1,0,0,c,0,,0\n" +
			"10.0.0.4,00:11:22:33:44,,600,1700000600,1,0,0,d,0,,0\n" +
			"10.0.0.5,00:11:22:33:44:05,,ever,1700000600,1,0,0,e,0,,0\n" +
			"10.0.0.6,00:11:22:33:44:06,,600,1700000600,1,0,0,f,x,,0\n",
			[]dev{{"cam, lobby&;", "lease 10.0.0.1", 2, "10.0.0.1", "00:11:22:33:44:01", ""}, {"d", "lease 10.0.0.4", 5, "10.0.0.4", "", ""}},
			[]unk{{3, "4 columns"}, {4, "not an IP address"}, {5, "not a 6-octet MAC"}, {6, "valid_lifetime"}, {7, "state"}}},
		{"DHCPv6: the MAC from hwaddr, else from the DUID; prefixes skipped", v6 +
			"2001:db8::5,00:01:00:01:2b:2c:2d:2e:00:11:22:33:44:55,600,1700000600,1,300,0,1,128,0,0,nvr,,0,\n" +
			"2001:db8::6,00:02:00:00:00:09:01,600,1700000600,1,300,0,1,128,0,0,,00:11:22:33:44:66,0,\n" +
			"2001:db8:1::,00:03:00:01:00:11:22:33:44:77,600,1700000600,1,300,2,1,48,0,0,,,0,\n" +
			"2001:db8::8,00:02:00:00:00:09:02,600,1700000600,1,300,0,1,128,0,0,,,4,\n",
			[]dev{{"nvr", "lease 2001:db8::5", 2, "2001:db8::5", "00:11:22:33:44:55", ""},
				{"2001:db8::6", "lease 2001:db8::6", 3, "2001:db8::6", "00:11:22:33:44:66", ""},
				{"2001:db8::8", "lease 2001:db8::8", 5, "2001:db8::8", "", ""}}, nil},
		{"a header without the columns needed", "address,hwaddr,client_id\n10.0.0.1,x,y\n", nil, []unk{{1, "lacks"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, unknowns, format := devices(t, c.in)
			if format != "Kea memfile leases" {
				t.Errorf("format %q", format)
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("devices (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(c.unknown, unknowns, equalWhy, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("unknowns (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDnsmasq reads dnsmasq.leases: the hardware type prefix, '*' for
// no name, the DHCPv6 lines after the server's DUID.
func TestDnsmasq(t *testing.T) {
	in := "0 00:11:22:33:44:01 10.0.0.1 cam-01 01:00:11:22:33:44:01\n" +
		"1700000600 01-00:11:22:33:44:02 10.0.0.2 * *\n" +
		"1700000600 06-00:11:22:33:44:03 10.0.0.3 tr *\n" +
		"1700000600 00- 10.0.0.4 * *\n" +
		"1700000600 00:11:22:33:44:05 10.0.0.5 a b c\n" +
		"1700000600 00:11:22 10.0.0.6 bad-mac *\n" +
		"soon 00:11:22:33:44:07 10.0.0.7 x *\n" +
		"1700000600 00:11:22:33:44:08 10.0.0.x x *\n" +
		"duid 00:01:00:01:2b:2c:2d:2e:52:54:00:00:00:01\n" +
		"1700000600 12345 2001:db8::5 nvr 00:03:00:01:00:11:22:33:44:55\n" +
		"1700000600 T7 2001:db8::6 * 00:02:00:00:00:09:01\n"
	got, unknowns, format := devices(t, in)
	want := []dev{
		{"cam-01", "lease 10.0.0.1", 1, "10.0.0.1", "00:11:22:33:44:01", ""},
		{"10.0.0.2", "lease 10.0.0.2", 2, "10.0.0.2", "00:11:22:33:44:02", ""},
		{"tr", "lease 10.0.0.3", 3, "10.0.0.3", "", ""},
		{"10.0.0.4", "lease 10.0.0.4", 4, "10.0.0.4", "", ""},
		{"bad-mac", "lease 10.0.0.6", 6, "10.0.0.6", "", ""},
		{"nvr", "lease 2001:db8::5", 10, "2001:db8::5", "00:11:22:33:44:55", ""},
		{"2001:db8::6", "lease 2001:db8::6", 11, "2001:db8::6", "", ""},
	}
	if format != "dnsmasq leases" {
		t.Errorf("format %q", format)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("devices (-want +got):\n%s", diff)
	}
	wantU := []unk{{5, "6 fields"}, {6, "not a 6-octet MAC"}, {7, "expiry time"}, {8, "not an IP address"}}
	if diff := cmp.Diff(wantU, unknowns, equalWhy); diff != "" {
		t.Errorf("unknowns (-want +got):\n%s", diff)
	}
}
