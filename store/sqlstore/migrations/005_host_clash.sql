-- A host whose name matches a register entry of another department is
-- judged as its own department's default; the entry it matched is kept
-- here, for admins and auditors to see (officers do not: it names another
-- department's system).
ALTER TABLE hosts ADD COLUMN clash TEXT NOT NULL DEFAULT '';
