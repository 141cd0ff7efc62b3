-- Up Migration

-- The sales channels a connection may be of, kept by the platform itself: at every start it upserts the channels
-- its code registers (channels/registry.ts, db/channels.ts syncChannelTypes), so adding a channel needs no
-- migration. This replaces the CHECK that spelled out the types in 1732340000000_channel-connections.
CREATE TABLE channel_types (
  type  text PRIMARY KEY CHECK (type ~ '^[a-z][a-z0-9_-]{1,31}$'),
  label text NOT NULL
);

-- The types existing connections already use, so the foreign key holds from now on; the next start sets the labels.
INSERT INTO channel_types (type, label) SELECT DISTINCT type, type FROM channel_connections;

ALTER TABLE channel_connections DROP CONSTRAINT channel_connections_type_check;
ALTER TABLE channel_connections
  ADD CONSTRAINT channel_connections_type_fkey FOREIGN KEY (type) REFERENCES channel_types (type);

-- Down Migration

ALTER TABLE channel_connections DROP CONSTRAINT channel_connections_type_fkey;
ALTER TABLE channel_connections ADD CONSTRAINT channel_connections_type_check CHECK (type IN ('shopify', 'woocommerce'));
DROP TABLE channel_types;
