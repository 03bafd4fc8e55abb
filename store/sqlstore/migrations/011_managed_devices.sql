-- Phones, tablets and computers a device manager (an MDM) reports on are
-- hosts of a department like an agent's: their apps are judged and their
-- findings live as any host's. Such a host has an agents row, since
-- hosts, uploads and findings refer to one, of kind 'device': it has no
-- secret (an empty hash, which no credential's SHA-256 equals) and the
-- store never gives it to the agents' authentication.
ALTER TABLE agents ADD COLUMN kind TEXT NOT NULL DEFAULT 'agent';

-- What the device's manager says of it (JSON: manager and its id, name,
-- user, ownership, app scope, platform, model, OS, serial, IMEI, group,
-- how many apps it listed); NULL for an agent's host. device_source is
-- the connector that pulls it; device_seen when a pull last listed it;
-- device_missed how many complete pulls of that connector since then did
-- not, device_pull the last such pull counted (a pull applied twice is
-- counted once). A device a pull does not list is never deleted.
ALTER TABLE hosts ADD COLUMN device TEXT;
ALTER TABLE hosts ADD COLUMN device_source TEXT NOT NULL DEFAULT '';
ALTER TABLE hosts ADD COLUMN device_seen BIGINT NOT NULL DEFAULT 0;
ALTER TABLE hosts ADD COLUMN device_missed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE hosts ADD COLUMN device_pull BIGINT NOT NULL DEFAULT 0;
-- A connector's devices in a department: those a pull did not list.
CREATE INDEX hosts_devices ON hosts(department, device_source, device_seen) WHERE device IS NOT NULL;
