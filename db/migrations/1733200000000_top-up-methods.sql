-- Up Migration

-- The top-up methods, kept by the platform itself as it keeps channel_types: at every start it upserts the methods
-- its code registers (domain/top-up-methods/registry.ts, db/top-ups.ts syncTopUpMethods), so adding a method needs
-- no migration. This replaces the CHECK that spelled out the methods in 1732351000000_money-keys-top-ups-audit.
CREATE TABLE top_up_methods (
  method text PRIMARY KEY CHECK (method ~ '^[a-z][a-z0-9_]{1,31}$'),
  label  text NOT NULL
);

-- The methods existing top-ups already use, so the foreign key holds from now on; the next start sets the labels.
INSERT INTO top_up_methods (method, label) VALUES ('paypal', 'paypal'), ('bank_transfer', 'bank_transfer');
INSERT INTO top_up_methods (method, label) SELECT DISTINCT method, method FROM top_ups ON CONFLICT DO NOTHING;

ALTER TABLE top_ups DROP CONSTRAINT top_ups_method_check;
ALTER TABLE top_ups ADD CONSTRAINT top_ups_method_fkey FOREIGN KEY (method) REFERENCES top_up_methods (method);

-- Down Migration

ALTER TABLE top_ups DROP CONSTRAINT top_ups_method_fkey;
ALTER TABLE top_ups ADD CONSTRAINT top_ups_method_check CHECK (method IN ('paypal', 'bank_transfer'));
DROP TABLE top_up_methods;
