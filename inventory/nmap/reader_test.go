package nmap

import (
	"bytes"
	"context"
	"crypto/x509/pkix"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/embargo-dev/embargo/inventory"
)

// dev is what a test compares of a device item.
type dev struct {
	Name, Ref, Host string
	Line            int
	Attrs           []string
}

func devs(t *testing.T, inv *inventory.Inventory) []dev {
	t.Helper()
	var out []dev
	for i, it := range inv.Items {
		if it.Type != inventory.Device || it.Ecosystem != "network" || it.ID == "" || it.Index != i || it.Version != "" {
			t.Errorf("item %+v", it)
		}
		d := dev{Name: it.Name, Ref: it.Location.Ref, Host: it.Location.Host, Line: it.Location.Line}
		for _, a := range it.Attrs {
			d.Attrs = append(d.Attrs, string(a.Field)+"="+a.Value)
		}
		out = append(out, d)
	}
	return out
}

func readFile(t *testing.T, file string) (*inventory.Inventory, []byte) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	if !(Reader{}).Sniff(file, data[:min(len(data), 8<<10)]) {
		t.Errorf("%s: not recognised", file)
	}
	inv, err := Reader{}.Read(context.Background(), file, bytes.NewReader(data), inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	return inv, data
}

// TestRead reads real scans (testdata/gen.sh) and a LAN scan built from
// nmap.dtd and the NSE scripts' documentation (testdata/SOURCES.md):
// hosts with and without MAC, IPv4 and IPv6, runs with and without -sV
// and -O, script output present and absent, a host down, a MAC that is
// not one, a device heard only by broadcast-upnp-info.
func TestRead(t *testing.T) {
	lo := []string{"ip=127.0.0.1", "hostname=localhost"}
	camera := []string{"service_product=Hikvision camera httpd", "device_type=webcam"}
	header, cert := "http_server=Hikvision-Webs", "tls_subject=CN=IPC,O=Hikvision,C=CN"
	for _, c := range []struct {
		file     string
		want     []dev
		unknowns []string
	}{
		{"loopback-sn.xml", []dev{{"localhost", "host[1]", "127.0.0.1", 8, lo}}, nil},
		{"loopback-sV.xml", []dev{{"localhost", "host[1]", "127.0.0.1", 9, append(append(lo, camera...), cert, "http_title=Network Camera", header)}}, nil},
		{"loopback6-sV.xml", []dev{{"::1", "host[1]", "::1", 9, append(append([]string{"ip=::1"}, camera...), cert, header)}}, nil},
		{"loopback-O.xml", []dev{{"localhost", "host[1]", "127.0.0.1", 9, append(lo,
			"os_match=Linux 5.0 - 5.2 (96%)", "device_type=general purpose", "cpe=cpe:/o:linux:linux_kernel:5")}}, nil},
		{"lan.xml", []dev{
			{"nvr-gate.example.org", "host[1]", "10.20.0.2", 11, []string{
				"ip=10.20.0.2", "mac=04:03:12:aa:bb:01", "mac=04:03:12:aa:bb:02", "hostname=nvr-gate.example.org",
				"mac_vendor=Hangzhou Hikvision Digital Technology",
				"service_product=Hikvision Network Video Recorder http admin", "device_type=webcam", "http_server=DNVRS-Webs",
				"service_product=Hikvision 7513 POE IP camera rtspd",
				"service_product=Hikvision Digital Technology Co., Ltd. SNMPv3 server",
				"snmp_enterprise=Hikvision Digital Technology Co., Ltd.", "snmp_sysdescr=DS-7608NI-K2",
				"os_match=HIKVISION DS-7600 Linux Embedded NVR (Linux 2.6.10) (100%)", "device_type=specialized",
				"cpe=cpe:/o:linux:linux_kernel:2.6.10", "cpe=cpe:/h:hikvision:ds-7600",
			}},
			{"AC-2000", "host[3]", "10.20.0.4", 44, []string{
				"ip=10.20.0.4", "mac=3c:ef:8c:10:20:04", "mac_vendor=Zhejiang Dahua Technology",
				"http_server=Linux/3.10 UPnP/1.0 Acme-Cam/2.0", "manufacturer=Acme", "model=AC-2000", "model=AC-2000-W",
			}},
			{"printer", "host[4]", "fe80::1:2", 53, []string{
				"ip=fe80::1:2", "mac=00:1e:c2:01:02:03", "hostname=printer", "mac_vendor=Apple",
				"service_product=Huawei HG8245T modem http config", "device_type=broadband router", "cpe=cpe:/h:huawei:hg8245t",
				`tls_subject=CN=Huawei,OU=Network,O=Huawei Technologies Co.\, Ltd.,C=CN`,
			}},
			{"10.20.0.7", "host[5]", "10.20.0.7", 71, []string{"ip=10.20.0.7"}},
			{"NVR4104HS", "prescript/broadcast-upnp-info 10.20.0.9", "10.20.0.9", 10, []string{
				"ip=10.20.0.9", "http_server=Linux UPnP/1.0 DVR/1.0", "manufacturer=Zhejiang Dahua Technology Co., Ltd.", "model=NVR4104HS",
			}},
		}, []string{`lan.xml:71 host[5] 10.20.0.7: MAC address "00:11:22" is not 6 octets`}},
	} {
		t.Run(c.file, func(t *testing.T) {
			inv, _ := readFile(t, c.file)
			if diff := cmp.Diff(c.want, devs(t, inv)); diff != "" {
				t.Errorf("devices (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(c.unknowns, unknowns(inv), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("unknowns (-want +got):\n%s", diff)
			}
			if inv.Format != "Nmap 7.93 XML" {
				t.Errorf("format %q", inv.Format)
			}
		})
	}
}

func unknowns(inv *inventory.Inventory) []string {
	var out []string
	for _, u := range inv.Unknowns {
		out = append(out, u.Location.String()+" "+u.Location.Host+": "+u.Reason)
	}
	return out
}

// TestSubject prints ssl-cert's subject as crypto/x509/pkix prints a Name.
func TestSubject(t *testing.T) {
	for _, n := range []pkix.Name{
		{CommonName: "IPC", Organization: []string{"Hikvision"}, Country: []string{"CN"}},
		{CommonName: " #lead, trail ", Organization: []string{`a+b"c\d<e>f;g`}, OrganizationalUnit: []string{"#x #y"}, SerialNumber: "1 2",
			Locality: []string{"Hangzhou"}, Province: []string{"Zhejiang"}, StreetAddress: []string{"No. 555"}, PostalCode: []string{"310051"}},
		{Organization: []string{"杭州海康威视数字技术股份有限公司", "x\xffy"}},
		{},
	} {
		var elems []elem
		add := func(key string, vs ...string) {
			for _, v := range vs {
				if v != "" {
					elems = append(elems, elem{"subject", key, v}, elem{"issuer", key, "other"})
				}
			}
		}
		add("commonName", n.CommonName)
		add("serialNumber", n.SerialNumber)
		add("organizationName", n.Organization...)
		add("organizationalUnitName", n.OrganizationalUnit...)
		add("countryName", n.Country...)
		add("stateOrProvinceName", n.Province...)
		add("localityName", n.Locality...)
		add("streetAddress", n.StreetAddress...)
		add("postalCode", n.PostalCode...)
		if got, want := subject(elems), n.String(); got != want {
			t.Errorf("subject %q, pkix %q", got, want)
		}
	}
}
