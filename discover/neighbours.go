package discover

import (
	"bufio"
	"bytes"
	"net/netip"
	"os"
	"strconv"
	"strings"

	"github.com/embargo-dev/embargo/oui"
)

// readNeighbours reads the IPv4 neighbour table Linux publishes in
// /proc/net/arp (of the reading process's network namespace); elsewhere
// it finds nothing, and hosts are listed without a MAC.
func readNeighbours() (map[netip.Addr]string, error) {
	b, err := os.ReadFile("/proc/net/arp")
	if err != nil {
		return nil, nil
	}
	return parseProcARP(b), nil
}

// parseProcARP reads /proc/net/arp: a header line, then "IP address  HW
// type  Flags  HW address  Mask  Device". Entries whose flags lack
// ATF_COM (0x2, completed) have no address yet.
func parseProcARP(b []byte) map[netip.Addr]string {
	out := map[netip.Addr]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	first := true
	for sc.Scan() {
		if first {
			first = false
			continue
		}
		f := strings.Fields(sc.Text())
		if len(f) < 4 {
			continue
		}
		flags, err := strconv.ParseUint(f[2], 0, 64)
		if err != nil {
			continue
		}
		if flags&0x2 == 0 {
			continue
		}
		a, err := netip.ParseAddr(f[0])
		if err != nil {
			continue
		}
		m, err := oui.ParseMAC(f[3])
		if err != nil {
			continue
		}
		out[a] = m.String()
	}
	return out
}
