
  -- A digest claim is a lease: the process holding it (host:pid) and until when, renewed while it works.
  ALTER TABLE digest_posts ADD COLUMN lease_owner TEXT;
  ALTER TABLE digest_posts ADD COLUMN lease_until TEXT;
  