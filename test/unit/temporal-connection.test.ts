import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTemporalConnection } from '../../app/temporal-connection.js';

/** The environment → connection options mapping (against a real mTLS server: test/production/). */
describe('loadTemporalConnection', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'temporal-connection-'));
  const pem = (name: string): string => {
    const file = path.join(dir, name);
    writeFileSync(file, `-----BEGIN ${name}-----\n-----END ${name}-----\n`);
    return file;
  };

  it('defaults to the dev server npm start runs, in plaintext, namespace default', () => {
    expect(loadTemporalConnection({ env: {} })).toEqual({
      address: '127.0.0.1:7233',
      namespace: 'default',
      connectionOptions: { address: '127.0.0.1:7233' },
    });
    expect(loadTemporalConnection({ env: { TEMPORAL_PORT: '7300' } }).address).toBe('127.0.0.1:7300');
  });

  it('takes address and namespace from the environment; an explicit address wins', () => {
    const env = { TEMPORAL_ADDRESS: 'temporal.internal:7233', TEMPORAL_NAMESPACE: 'orders-prod' };
    expect(loadTemporalConnection({ env })).toMatchObject({
      address: 'temporal.internal:7233',
      namespace: 'orders-prod',
    });
    expect(loadTemporalConnection({ env, address: '127.0.0.1:9999' }).connectionOptions.address).toBe('127.0.0.1:9999');
  });

  it('builds mTLS options from certificate paths', () => {
    const { connectionOptions } = loadTemporalConnection({
      env: {
        TEMPORAL_ADDRESS: 'temporal.internal:7233',
        TEMPORAL_TLS_SERVER_CA_CERT_PATH: pem('CA'),
        TEMPORAL_TLS_CLIENT_CERT_PATH: pem('CERT'),
        TEMPORAL_TLS_CLIENT_KEY_PATH: pem('KEY'),
        TEMPORAL_TLS_SERVER_NAME: 'temporal.example',
      },
    });
    // envconfig hands the files' contents over as Uint8Array.
    const tls = connectionOptions.tls as {
      serverNameOverride?: string;
      serverRootCACertificate?: Uint8Array;
      clientCertPair?: { crt: Uint8Array; key: Uint8Array };
    };
    const text = (bytes: Uint8Array | undefined): string => Buffer.from(bytes ?? []).toString('utf8');
    expect(tls.serverNameOverride).toBe('temporal.example');
    expect(text(tls.serverRootCACertificate)).toContain('BEGIN CA');
    expect(text(tls.clientCertPair?.crt)).toContain('BEGIN CERT');
    expect(text(tls.clientCertPair?.key)).toContain('BEGIN KEY');
  });

  it('uses TLS with an API key (Temporal Cloud), and sends gRPC headers', () => {
    const { connectionOptions, namespace } = loadTemporalConnection({
      env: {
        TEMPORAL_ADDRESS: 'eu-west-1.aws.api.temporal.io:7233',
        TEMPORAL_NAMESPACE: 'orders.a1b2c',
        TEMPORAL_API_KEY: 'secret-key',
        TEMPORAL_GRPC_META_X_TENANT: 'acme',
      },
    });
    expect(namespace).toBe('orders.a1b2c');
    expect(connectionOptions).toMatchObject({ apiKey: 'secret-key', tls: true, metadata: { 'x-tenant': 'acme' } });
  });

  it('TEMPORAL_TLS=false turns TLS off', () => {
    expect(loadTemporalConnection({ env: { TEMPORAL_TLS: 'false' } }).connectionOptions.tls).toBe(false);
  });

  it('reads a TOML profile only when TEMPORAL_CONFIG_FILE or TEMPORAL_PROFILE says so; the environment wins', () => {
    const file = path.join(dir, 'temporal.toml');
    writeFileSync(
      file,
      [
        '[profile.default]',
        'address = "from-file:7233"',
        'namespace = "file-ns"',
        '',
        '[profile.cloud]',
        'address = "cloud:7233"',
        'api_key = "k"',
        '',
      ].join('\n'),
    );
    // A developer's own CLI profile (~/.config/temporalio/temporal.toml) does not change anything by itself.
    const config = mkdtempSync(path.join(tmpdir(), 'xdg-config-'));
    mkdirSync(path.join(config, 'temporalio'));
    writeFileSync(path.join(config, 'temporalio', 'temporal.toml'), '[profile.default]\naddress = "personal:7233"\n');
    expect(loadTemporalConnection({ env: { XDG_CONFIG_HOME: config } }).address).toBe('127.0.0.1:7233');
    expect(loadTemporalConnection({ env: { XDG_CONFIG_HOME: config, TEMPORAL_PROFILE: 'default' } }).address).toBe(
      'personal:7233',
    );

    expect(loadTemporalConnection({ env: { TEMPORAL_CONFIG_FILE: file } })).toMatchObject({
      address: 'from-file:7233',
      namespace: 'file-ns',
    });
    expect(
      loadTemporalConnection({ env: { TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'cloud' } }).connectionOptions,
    ).toMatchObject({
      address: 'cloud:7233',
      apiKey: 'k',
      tls: true,
    });
    expect(loadTemporalConnection({ env: { TEMPORAL_CONFIG_FILE: file, TEMPORAL_ADDRESS: 'env:1' } }).address).toBe(
      'env:1',
    );
    expect(() => loadTemporalConnection({ env: { TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'missing' } })).toThrow(
      /missing/,
    );
  });

  it('refuses an address that is not host:port', () => {
    expect(() => loadTemporalConnection({ env: { TEMPORAL_ADDRESS: 'http://temporal:7233' } })).toThrow();
  });
});
