package winreg

import "testing"

// FixtureHives gives the tests of package winreg_test the hives that
// hivexregedit makes for this package's own tests.
func FixtureHives(t testing.TB) (software, system, user []byte) { return fixtureHives(t) }
