import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { TLSConfig } from '@temporalio/client';
import { z } from 'zod';

/**
 * Where and how to reach Temporal, from the environment, through the SDK's own loader (@temporalio/envconfig),
 * so a self-hosted mTLS cluster or Temporal Cloud needs configuration only:
 *
 *   TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY (implies TLS), TEMPORAL_TLS (true/false),
 *   TEMPORAL_TLS_CLIENT_CERT_PATH / _DATA, TEMPORAL_TLS_CLIENT_KEY_PATH / _DATA,
 *   TEMPORAL_TLS_SERVER_CA_CERT_PATH / _DATA, TEMPORAL_TLS_SERVER_NAME, TEMPORAL_GRPC_META_<HEADER>,
 *   and a TOML profile file: TEMPORAL_CONFIG_FILE and/or TEMPORAL_PROFILE (environment wins over the file).
 *
 * The profile file is read only when one of those two is set: the SDK would otherwise read the developer's
 * own CLI profile (~/.config/temporalio/temporal.toml), and a service should not change behaviour because of
 * who runs it. Without any address, the project's default applies: the dev server `npm start` runs on
 * 127.0.0.1:TEMPORAL_PORT.
 */
export interface TemporalConnectionSettings {
  address: string;
  namespace: string;
  /** Both Connection.connect (client) and NativeConnection.connect (worker) accept these. */
  connectionOptions: {
    address: string;
    tls?: TLSConfig | boolean;
    apiKey?: string;
    metadata?: Record<string, string>;
  };
}

const Address = z.string().regex(/^[^\s:]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/, 'host:port');

export interface LoadConnectionOptions {
  /** Defaults to process.env. */
  env?: Record<string, string | undefined>;
  /** An address decided by the caller (e.g. the dev server it just started): wins over the environment. */
  address?: string;
}

export function loadTemporalConnection(opts: LoadConnectionOptions = {}): TemporalConnectionSettings {
  const env = Object.fromEntries(
    Object.entries(opts.env ?? process.env).filter((e): e is [string, string] => e[1] !== undefined),
  );
  const useFile = Boolean(env.TEMPORAL_CONFIG_FILE || env.TEMPORAL_PROFILE);
  const loaded = loadClientConnectConfig({ overrideEnvVars: env, disableFile: !useFile });
  const { connectionOptions: c } = loaded;
  const port = z.coerce
    .number()
    .int()
    .min(1)
    .max(65535)
    .default(7233)
    .parse(env.TEMPORAL_PORT || undefined);
  const address = Address.parse(opts.address ?? c.address ?? `127.0.0.1:${port}`);
  const namespace = z
    .string()
    .min(1)
    .parse(loaded.namespace || 'default');
  const connectionOptions: TemporalConnectionSettings['connectionOptions'] = { address };
  if (c.tls !== undefined && c.tls !== null) connectionOptions.tls = c.tls;
  if (c.apiKey) connectionOptions.apiKey = c.apiKey;
  if (c.metadata && Object.keys(c.metadata).length) connectionOptions.metadata = c.metadata as Record<string, string>;
  return { address, namespace, connectionOptions };
}
