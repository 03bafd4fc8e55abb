package dpkg

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/embargo-dev/embargo/internal/testtool"
)

// installedCount asks dpkg-query, the real tool, how many packages are
// installed.
func installedCount(t *testing.T) int {
	t.Helper()
	out, err := exec.Command(testtool.Command(t, "dpkg-query", "dpkg"), "-W", "-f", "${db:Status-Status}\n").Output()
	if err != nil {
		t.Fatalf("dpkg-query: %v", err)
	}
	n := 0
	for _, l := range strings.Split(string(out), "\n") {
		if l == "installed" {
			n++
		}
	}
	return n
}
