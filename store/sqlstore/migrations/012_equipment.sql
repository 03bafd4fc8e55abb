-- Network equipment (issue 18): the devices each host's last scan listed
-- from the network (Nmap, DHCP leases, neighbour tables, LLDP, asset
-- registers), replaced by every upload of the host's inventory. doc is
-- what the server read of it at the upload (JSON: addresses, name,
-- supplier, label, evidence, MAC registrant, source); department, site
-- and supplier (an entity id, '' for none) are the filters; addr_key
-- sorts addresses as numbers; ident (the MAC, else the IP address, else
-- the item) carries first_seen from one upload to the next. Its status
-- is not kept: it is read from the findings on the host's item_id.
CREATE TABLE equipment (
	host_id TEXT NOT NULL REFERENCES hosts(id),
	item_id TEXT NOT NULL,
	department TEXT NOT NULL,
	site TEXT NOT NULL,
	supplier TEXT NOT NULL,
	addr_key TEXT NOT NULL,
	ident TEXT NOT NULL,
	first_seen BIGINT NOT NULL,
	last_seen BIGINT NOT NULL,
	doc TEXT NOT NULL,
	PRIMARY KEY (host_id, item_id)
);
CREATE INDEX equipment_order ON equipment(department, site, addr_key, host_id, item_id);
CREATE INDEX equipment_supplier ON equipment(supplier, department);
