package pcap

import (
	"bytes"
	"context"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/embargo-dev/embargo/egress"
	"github.com/embargo-dev/embargo/internal/testtool"
)

// collect keeps copies of what a reader sends.
type collect struct {
	flows []egress.Flow
	dns   []egress.DNSAnswer
	bads  []egress.Bad
}

func (c *collect) Flow(f *egress.Flow) {
	g := *f
	g.Names = slices.Clone(f.Names)
	c.flows = append(c.flows, g)
}

func (c *collect) DNS(a *egress.DNSAnswer) { c.dns = append(c.dns, *a) }
func (c *collect) Bad(b egress.Bad)        { c.bads = append(c.bads, b) }

// read runs a Reader over b.
func read(t testing.TB, rd *Reader, name string, b []byte) (*collect, Stats) {
	t.Helper()
	var c collect
	st, err := rd.ReadStats(context.Background(), name, bytes.NewReader(b), &c)
	if err != nil {
		t.Fatalf("reading %s: %v", name, err)
	}
	return &c, st
}

// requireTool fails the test when a tool is missing, naming its package.
func requireTool(t testing.TB, tool, debianPackage string) string {
	t.Helper()
	return testtool.Command(t, tool, debianPackage)
}

// tshark runs tshark and returns its standard output.
func tshark(t testing.TB, args ...string) string {
	t.Helper()
	requireTool(t, "tshark", "tshark")
	var stderr bytes.Buffer
	cmd := exec.Command("tshark", args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("tshark %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// tsharkFields is the set of non-empty values tshark shows for fields,
// comma-separated lists split.
func tsharkFields(t testing.TB, file string, extra []string, fields ...string) map[string]bool {
	t.Helper()
	args := append([]string{"-r", file, "-T", "fields", "-E", "separator=,"}, extra...)
	for _, f := range fields {
		args = append(args, "-e", f)
	}
	set := map[string]bool{}
	for _, v := range strings.FieldsFunc(tshark(t, args...), func(r rune) bool { return r == ',' || r == '\n' }) {
		set[strings.ToLower(v)] = true
	}
	return set
}

func (c *collect) Conn(x *egress.Conn) {
	var f egress.Flow
	egress.AsFlow(c, x, &f)
}
