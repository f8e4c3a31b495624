-- GridGov: mobile Party members (流动党员), listed per home organization. The flag was in the snapshot already;
-- the column lets an organization list its mobile members (through its members index: a branch has tens of them).
-- (Each migration runs once, recorded in the journal, so the plain ADD COLUMN is safe.)
ALTER TABLE gridgov_party_members ADD COLUMN mobile integer NOT NULL DEFAULT 0;
UPDATE gridgov_party_members SET mobile = COALESCE(json_extract(snapshot, '$.Mobile'), 0);
