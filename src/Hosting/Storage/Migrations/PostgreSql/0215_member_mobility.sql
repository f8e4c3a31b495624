-- GridGov: mobile Party members (流动党员), listed per home organization. The flag was in the snapshot already;
-- the column lets an organization list its mobile members (through its members index: a branch has tens of them).
ALTER TABLE gridgov_party_members ADD COLUMN IF NOT EXISTS mobile boolean NOT NULL DEFAULT false;
UPDATE gridgov_party_members SET mobile = COALESCE((snapshot::jsonb ->> 'Mobile')::boolean, false);
