package nmap

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/inventory"
)

func read(data string, lim inventory.Limits) (*inventory.Inventory, error) {
	return Reader{}.Read(context.Background(), "scan.xml", strings.NewReader(data), lim)
}

// A run cut short (nmap killed, the file copied while it ran) keeps the
// hosts it finished, makes an unknown of the host it ends inside, and
// says the run is incomplete; a file cut before <nmaprun> is not Nmap
// XML.
func TestReadTruncated(t *testing.T) {
	_, data := readFile(t, "lan.xml")
	at := func(s string) int {
		i := bytes.Index(data, []byte(s))
		if i < 0 {
			t.Fatalf("%q not in lan.xml", s)
		}
		return i
	}
	incomplete := func(line string) string {
		return "scan.xml:" + line + " : the Nmap run is incomplete: the file ends at line " + line +
			" without <runstats>, which Nmap writes when a scan ends; hosts it had not reported yet are not listed"
	}
	for _, c := range []struct {
		name     string
		cut      int
		hosts    []string
		unknowns []string
	}{
		// 10.20.0.4 and 10.20.0.9 answered broadcast-upnp-info, before the hosts.
		{"after a host", at("<host><status state=\"down\""), []string{"10.20.0.2", "10.20.0.4", "10.20.0.9"}, []string{incomplete("41")}},
		{"inside a host", at("<ports><port protocol=\"udp\" portid=\"1900\">") + 10, []string{"10.20.0.2", "10.20.0.4", "10.20.0.9"}, []string{
			"scan.xml:44 host[3] 10.20.0.4: the file ends inside this host's record: what Nmap found of it is not all there", incomplete("49")}},
		{"inside a tag", at("<address addr=\"fe80::1:2\"") + 5, []string{"10.20.0.2", "10.20.0.4", "10.20.0.9"}, []string{
			"scan.xml:53 host[4] : the file ends inside this host's record: what Nmap found of it is not all there", incomplete("54")}},
		{"inside a down host", at("<address addr=\"10.20.0.3\"") + 5, []string{"10.20.0.2", "10.20.0.4", "10.20.0.9"}, []string{incomplete("42")}},
		{"before </nmaprun>", at("</nmaprun>"), []string{"10.20.0.2", "10.20.0.4", "fe80::1:2", "10.20.0.7", "10.20.0.9"}, []string{
			`scan.xml:71 host[5] 10.20.0.7: MAC address "00:11:22" is not 6 octets`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			inv, err := read(string(data[:c.cut]), inventory.DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			var hosts []string
			for _, it := range inv.Items {
				hosts = append(hosts, it.Location.Host)
			}
			if diff := cmp.Diff(c.hosts, hosts); diff != "" {
				t.Errorf("devices (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(c.unknowns, unknowns(inv)); diff != "" {
				t.Errorf("unknowns (-want +got):\n%s", diff)
			}
		})
	}

	// Cut anywhere: an InputError before the <nmaprun> tag is whole, else
	// the devices read so far and an unknown saying the run is incomplete.
	root := at("<nmaprun ") + bytes.IndexByte(data[at("<nmaprun "):], '>') + 1
	end := bytes.Index(data, []byte(`accuracy="100">`)) // within the first host
	for cut := range at("</runstats>") + len("</runstats>") {
		inv, err := read(string(data[:cut]), inventory.DefaultLimits)
		var ie *inventory.InputError
		switch {
		case cut < root:
			if !errors.As(err, &ie) {
				t.Fatalf("cut at %d: %v, want an InputError", cut, err)
			}
		case err != nil:
			t.Fatalf("cut at %d: %v", cut, err)
		case !strings.Contains(inv.Unknowns[len(inv.Unknowns)-1].Reason, "the Nmap run is incomplete"):
			t.Fatalf("cut at %d: unknowns %+v", cut, inv.Unknowns)
		case cut < end && len(inv.Items) > 2: // only the broadcast devices
			t.Fatalf("cut at %d: %d devices", cut, len(inv.Items))
		}
	}
}

// Nmap's own word that the run failed is an unknown.
func TestReadRunError(t *testing.T) {
	inv, err := read(`<nmaprun scanner="nmap" version="7.93"><runstats><finished time="1" exit="error" errormsg="Failed to open device eth9"/></runstats></nmaprun>`, inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"scan.xml:1 runstats : Nmap ended the run with an error: Failed to open device eth9"}, unknowns(inv)); diff != "" {
		t.Error(diff)
	}
}

// XML that is not well formed, and documents that are not Nmap's, are
// errors naming the input and the line.
func TestReadMalformed(t *testing.T) {
	for _, c := range []struct {
		name, data string
		line       int
		msg        string
	}{
		{"empty", "", 1, "no <nmaprun>"},
		{"not nmap", "<?xml version=\"1.0\"?>\n<bom/>", 2, "not <nmaprun>"},
		{"text", "nmap done", 1, "text before the root"},
		{"closed wrong", "<nmaprun>\n<host>\n<status state=\"up\"/>\n</hosts>\n</nmaprun>", 4, "closed by </hosts>"},
		{"bad entity", "<nmaprun>\n<host comment=\"&nbsp;\">", 2, "invalid character entity"},
		{"two roots", "<nmaprun></nmaprun>\n<nmaprun></nmaprun>", 2, "a second root element"},
		{"latin1", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><nmaprun/>", 1, "only UTF-8"},
		{"bad byte", "<nmaprun>\n<host><hostnames><hostname name=\"\xff\"/></hostnames></host></nmaprun>", 2, "invalid UTF-8"},
	} {
		_, err := read(c.data, inventory.DefaultLimits)
		var ie *inventory.InputError
		if !errors.As(err, &ie) || ie.Source != "scan.xml" || ie.Line != c.line || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: %v, want an InputError at line %d saying %q", c.name, err, c.line, c.msg)
		}
	}
}

// Limits: a value past the string limit is an unknown and the device
// stays; past the item limit, the depth limit or the size limit the
// input is refused.
func TestReadLimits(t *testing.T) {
	lim := inventory.Limits{MaxBytes: 1 << 20, MaxItems: 1, MaxString: 20, MaxDepth: 8}
	host := `<host><status state="up"/><address addr="10.0.0.1"/><hostnames><hostname name="a-very-long-hostname.example.org"/></hostnames></host>`
	inv, err := read("<nmaprun>"+host+"<runstats/></nmaprun>", lim)
	if err != nil || len(inv.Items) != 1 || inv.Items[0].Name != "10.0.0.1" {
		t.Fatalf("%+v %v", inv, err)
	}
	if diff := cmp.Diff([]string{"scan.xml:1 host[1] 10.0.0.1: hostname longer than 20 bytes"}, unknowns(inv)); diff != "" {
		t.Error(diff)
	}
	for name, data := range map[string]string{
		"items": "<nmaprun>" + host + host + "</nmaprun>",
		"depth": "<nmaprun><host><ports><port><script><table><table><table><table><elem/></table></table></table></table></script></port></ports></host></nmaprun>",
		"bytes": "<nmaprun>" + strings.Repeat(" ", 1<<20) + "</nmaprun>",
	} {
		_, err := read(data, lim)
		var ie *inventory.InputError
		if !errors.As(err, &ie) || ie.Line == 0 {
			t.Errorf("%s: %v, want an InputError with a line", name, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := (Reader{}).Read(ctx, "scan.xml", strings.NewReader("<nmaprun>"+strings.Repeat(host, 300)+"</nmaprun>"), inventory.DefaultLimits); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// Sniff takes Nmap's XML by its doctype or root element.
func TestSniff(t *testing.T) {
	for head, want := range map[string]bool{
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE nmaprun>\n": true,
		"<nmaprun scanner=\"nmap\"":                                        true,
		"\xef\xbb\xbf <?xml version=\"1.0\"?><nmaprun>":                    true,
		"<?xml version=\"1.0\"?><bom xmlns=\"http://cyclonedx\">":          false,
		"Nmap scan report for <nmaprun>":                                   false,
		"":                                                                 false,
	} {
		if got := (Reader{}).Sniff("x", []byte(head)); got != want {
			t.Errorf("Sniff(%q) = %v, want %v", head, got, want)
		}
	}
}

// BenchmarkTokensEncodingXML is what encoding/xml's tokenizer alone
// takes over the /16 scan of BenchmarkNmap16, for comparison.
func BenchmarkTokensEncodingXML(b *testing.B) {
	data := scan16(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		d := xml.NewDecoder(bytes.NewReader(data))
		for {
			_, err := d.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}
