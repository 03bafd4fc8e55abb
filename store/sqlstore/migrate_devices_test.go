package sqlstore

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/store"
	"github.com/embargo-dev/embargo/store/storetest"
)

// testMigrateDevices opens a store at schema 10, before managed devices,
// with an enrolled agent that has uploaded, and migrates it (open again
// opens it at the newest schema): the agent is still an agent (its
// credential found, its host without a device), and devices can then be
// kept beside it.
func testMigrateDevices(t *testing.T, old func() *Store, open func() store.Store) {
	ctx := context.Background()
	s := old()
	if err := s.migrateTo(ctx, 10); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	for _, q := range []string{
		`INSERT INTO agents (id, department, host, secret_hash, enrolled) VALUES ('a1', 'DWP', 'ws-1', '\x00', 0)`,
		`INSERT INTO hosts (id, department, host, last_scan, items) VALUES ('a1', 'DWP', 'ws-1', 1, 7)`,
	} {
		if _, err := s.w.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	s.Close()
	st := open()
	defer st.Close()
	if a, err := st.AgentByID(ctx, "a1"); err != nil || a.Host != "ws-1" {
		t.Errorf("the agent after migrating: %+v %v", a, err)
	}
	if h, err := st.Host(ctx, store.System, "a1"); err != nil || h.Device != nil || h.Items != 7 {
		t.Errorf("the agent's host after migrating: %+v %v, want no device", h, err)
	}
	res, err := st.UpsertDeviceHosts(ctx, store.System, store.DevicePull{Department: "DWP", Connector: "intune", At: at, Complete: true,
		Devices: []store.DeviceHost{{ID: "mdm-1", Host: "intune:1", Device: store.DeviceInfo{MDM: "intune", MDMID: "1", Ownership: "corporate"}},
			{ID: "a1", Host: "intune:2"}}})
	if err != nil || len(res.Created) != 1 || res.Refused["a1"] == "" {
		t.Fatalf("a pull after migrating: %+v %v; want one device kept and the agent's id refused", res, err)
	}
	if h, err := st.Host(ctx, store.System, "mdm-1"); err != nil || h.Device == nil || h.Device.Ownership != "corporate" {
		t.Errorf("the device after migrating: %+v %v", h, err)
	}
	if _, err := st.AgentByID(ctx, "mdm-1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the device as an agent: %v, want not found", err)
	}
}

func TestMigrateDevicesSQLite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	testMigrateDevices(t, func() *Store {
		s, err := openSQLite(path)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}, func() store.Store {
		st, err := Open(context.Background(), "sqlite:"+path)
		if err != nil {
			t.Fatal(err)
		}
		return st
	})
}

func TestMigrateDevicesPostgres(t *testing.T) {
	dsn := storetest.StartPostgres(t).NewDatabase(t)
	testMigrateDevices(t, func() *Store {
		s, err := openPostgres(dsn)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}, func() store.Store {
		st, err := Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		return st
	})
}
