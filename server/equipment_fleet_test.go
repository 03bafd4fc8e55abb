package server

import (
	"bytes"
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/report"
	"github.com/embargo-dev/embargo/scan"
)

// The equipment fixtures: DWP's asset register (a camera sold as Acme,
// made by Hikvision, and a Huawei router at Leeds; a Cisco switch at
// Newcastle) and HMRC's (a Dahua camera at Croydon; a printer with
// Apple's MAC block and no site).
const (
	dwpRegister  = "testdata/equipment/dwp-register.csv"
	hmrcRegister = "testdata/equipment/hmrc-register.csv"
)

// equipmentScan is the JSON of a real scan of inputs: what `embargo scan
// -o json` writes and an agent uploads.
func equipmentScan(t testing.TB, inputs ...string) []byte {
	t.Helper()
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := scan.Run(context.Background(), attribute.New(cat), inputs, scan.Options{Version: "test"})
	if err != nil {
		t.Fatalf("scanning %v: %v", inputs, err)
	}
	var buf bytes.Buffer
	if err := (report.JSON{}).Encode(&buf, rep); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// clock is a settable time for a fixture's server.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// equipmentFleet is a server whose agents uploaded the two departments'
// registers: DWP's from ws-scan-dwp (a SECRET federal system of the test
// register, so the restricted equipment breaks rules there), HMRC's from
// scan-hmrc (OFFICIAL by default).
type equipmentFleet struct {
	f         *fixture
	clock     *clock
	dwp, hmrc *agentClient
}

func newEquipmentFleet(t *testing.T, e engine) *equipmentFleet {
	t.Helper()
	c := &clock{t: time.Now().UTC().Truncate(time.Second)}
	ef := &equipmentFleet{clock: c, f: newFixture(t, e, func(cfg *Config) { cfg.Now = c.now })}
	ef.dwp, ef.hmrc = ef.f.enroll("ws-scan-dwp", "DWP"), ef.f.enroll("scan-hmrc", "HMRC")
	ef.upload(t, ef.dwp, equipmentScan(t, dwpRegister))
	ef.upload(t, ef.hmrc, equipmentScan(t, hmrcRegister))
	return ef
}

func (ef *equipmentFleet) upload(t *testing.T, a *agentClient, body []byte) {
	t.Helper()
	if code, resp, _ := a.upload("inventory", body, nil); code != http.StatusCreated {
		t.Fatalf("upload of %s: %d %s", a.id, code, resp)
	}
}
