package zeekdev

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestEdgeCases: older and other forms of the logs, and what cannot be
// read becoming an unknown at its line.
func TestEdgeCases(t *testing.T) {
	const hdr = "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n"
	for _, c := range []struct {
		name, in string
		want     []dev
		unknowns []string
	}{
		{"Zeek before 4.2: x509.log's id, ssl.log's cert_chain_fuids and subject",
			hdr + "#path\tssl\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tserver_name\tsubject\tcert_chain_fuids\n" +
				"1.0\tC1\t10.0.0.2\t50000\t10.0.0.9\t443\t-\t-\tFa1,Fca\n" +
				"2.0\tC2\t10.0.0.2\t50001\t172.16.5.5\t8443\t-\tCN=nvr\\x2c O=Example\t-\n" +
				hdr + "#path\tx509\n#fields\tts\tid\tcertificate.subject\tcertificate.issuer\n" +
				"1.0\tFa1\tCN=cam,O=Example\tCN=ca\n1.0\tFca\tCN=ca\tCN=ca\n",
			[]dev{{"10.0.0.9", "ssl host 10.0.0.9", 7, "10.0.0.9", []string{"10.0.0.9"}, "", "", nil, []string{"CN=cam,O=Example"}},
				{"172.16.5.5", "ssl host 172.16.5.5", 8, "172.16.5.5", []string{"172.16.5.5"}, "", "", nil, []string{"CN=nvr, O=Example"}}},
			// The CA certificate, second in the chain, is no server's.
			nil},
		{"JSON with _path and nested objects; JSON lines mixed with TSV",
			`{"_path":"dhcp","id":{"orig_h":"10.0.0.5"},"mac":"00:11:22:33:44:55","host_name":"cam-7","assigned_addr":"10.0.0.5"}` + "\n" +
				hdr + "#path\tsoftware\n#fields\thost\tsoftware_type\tname\tunparsed_version\n10.0.0.5\tHTTP::SERVER\tBoa\tBoa/0.94.14rc21\n" +
				`{"_path":"conn","id.orig_h":"10.0.0.5"}` + "\n",
			[]dev{{"cam-7", "dhcp mac 00:11:22:33:44:55", 1, "10.0.0.5", []string{"10.0.0.5"}, "00:11:22:33:44:55", "", []string{"Boa/0.94.14rc21"}, nil}}, nil},
		{"a DHCP address given to another MAC later takes the address's records",
			`{"mac":"00:11:22:33:44:01","assigned_addr":"10.0.0.5","msg_types":["ACK"]}` + "\n" +
				`{"mac":"00:11:22:33:44:02","assigned_addr":"10.0.0.5","msg_types":["ACK"]}` + "\n" +
				`{"host":"10.0.0.5","software_type":"HTTP::SERVER","unparsed_version":"GoAhead-Webs"}` + "\n",
			[]dev{{"10.0.0.5", "dhcp mac 00:11:22:33:44:01", 1, "10.0.0.5", []string{"10.0.0.5"}, "00:11:22:33:44:01", "", nil, nil},
				{"10.0.0.5", "dhcp mac 00:11:22:33:44:02", 2, "10.0.0.5", []string{"10.0.0.5"}, "00:11:22:33:44:02", "", []string{"GoAhead-Webs"}, nil}}, nil},
		{"unreadable lines and values",
			hdr + "#path\tdhcp\n#fields\tmac\tassigned_addr\thost_name\tmsg_types\n" +
				"00:11:22\t10.0.0.1\ta\tACK\n" + "00:11:22:33:44:55\t10.0.0.300\tb\tACK\n" + "-\t-\tc\tINFORM\n" + "x\ty\n" +
				`{"mac": "00:11:22:33:44:66",` + "\n" + "#separator \n",
			[]dev{{"a", "dhcp host 10.0.0.1", 7, "10.0.0.1", []string{"10.0.0.1"}, "", "", nil, nil},
				{"b", "dhcp mac 00:11:22:33:44:55", 8, "00:11:22:33:44:55", nil, "00:11:22:33:44:55", "", nil, nil}},
			[]string{"zeek:10: 2 fields where", "zeek:11: not a JSON object", "zeek:12: #separator names no separator",
				`zeek:7: mac "00:11:22" is not a 6-octet MAC`, `zeek:8: assigned_addr "10.0.0.300" is not an IP address`,
				"zeek:9: a dhcp record with neither a MAC nor an address"}},
		{"a data line before any header; other logs passed over",
			"1.0\tx\n" + hdr + "#path\tconn\n#fields\tts\tuid\n1.0\tC1\n",
			nil, []string{"zeek:1: a data line before any #fields header"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, unknowns := readDevices(t, []byte(c.in))
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("devices (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(c.unknowns, unknowns, cmpopts.EquateEmpty(), cmp.Comparer(func(a, b string) bool {
				return len(a) >= len(b) && a[:len(b)] == b || len(b) >= len(a) && b[:len(a)] == a
			})); diff != "" {
				t.Errorf("unknowns (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSniff takes the device logs by their header or first JSON line,
// and not the other Zeek logs, which the traffic reader reads.
func TestSniff(t *testing.T) {
	const hdr = "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n"
	var got []string
	for _, head := range []string{
		hdr + "#path\tdhcp\n#open\t2026\n",
		hdr + "#path\tknown_devices\n",
		hdr + "#path\tx509\n",
		hdr + "#fields\tts\thost\thost_p\tsoftware_type\n",
		`{"ts":1.0,"mac":"00:11:22:33:44:55","msg_types":["ACK"]}`,
		`{"ts":1.0,"fingerprint":"ab","certificate.subject":"CN=x"}`,
		// not device logs
		hdr + "#path\tconn\n",
		hdr + "#fields\tts\tuid\tid.orig_h\n",
		`{"ts":1.0,"id.orig_h":"10.0.0.1","conn_state":"S0"}`,
		"# a comment\n",
		"",
	} {
		if (Reader{}).Sniff("x", []byte(head)) {
			got = append(got, head)
		}
	}
	want := []string{
		hdr + "#path\tdhcp\n#open\t2026\n",
		hdr + "#path\tknown_devices\n",
		hdr + "#path\tx509\n",
		hdr + "#fields\tts\thost\thost_p\tsoftware_type\n",
		`{"ts":1.0,"mac":"00:11:22:33:44:55","msg_types":["ACK"]}`,
		`{"ts":1.0,"fingerprint":"ab","certificate.subject":"CN=x"}`,
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("sniffed (-want +got):\n%s", diff)
	}
}
