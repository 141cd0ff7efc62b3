-- Up Migration

-- Answers kept for Idempotency-Key replays held the secrets they showed: a key-creating call (POST /v1/merchants,
-- /v1/api-keys, /v1/merchants/{id}/api-keys, /v1/operator-keys) stored the new API key in clear. From this version
-- the API stores such answers with the secret masked and the replay told so (api/secret-fields.ts); the answers
-- stored before are rewritten the same way: the key masked as `mk_Zx3f…Q9aB`, and "secretsShownOnce": ["apiKey"].
UPDATE idempotency_keys
SET response = jsonb_set(
      response,
      '{apiKey}',
      to_jsonb(CASE
        WHEN length(response ->> 'apiKey') < 16 THEN '••••'
        ELSE left(response ->> 'apiKey', least(strpos(response ->> 'apiKey', '_'), 8) + 4) || '…' || right(response ->> 'apiKey', 4)
      END)
    ) || jsonb_build_object('secretsShownOnce', jsonb_build_array('apiKey'))
WHERE jsonb_typeof(response) = 'object'
  AND jsonb_typeof(response -> 'apiKey') = 'string'
  AND NOT response ? 'secretsShownOnce';

-- Records expire after IDEMPOTENCY_TTL (24 h by default) and a schedule deletes them: by age.
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- Down Migration

DROP INDEX idempotency_keys_created;
