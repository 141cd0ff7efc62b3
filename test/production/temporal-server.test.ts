import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import tls from 'node:tls';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderStatusKey, ReviewReasonsKey, searchAttributeKeys } from '../../domain/search-attributes.js';
import { startPostgres, type RunningPostgres } from '../../dev/postgres.js';
import { loadTemporalConnection } from '../../app/temporal-connection.js';
import { freePort } from '../../dev/ports.js';
import {
  databaseFromUrl,
  dynamicConfigFile,
  provisionTemporalServer,
  registerNamespaceAndSearchAttributes,
  serverConfigFile,
  setupTemporalSchema,
  startTemporalServer,
  startTemporalUi,
  type RunningTemporalServer,
  type TemporalDatabase,
  type TemporalServerBinaries,
  type TemporalServerPorts,
} from '../../dev/temporal-server.js';
import { makeTestPki, type TestPki } from '../support/test-certificates.js';

/**
 * The production Temporal server, built from Go modules, on a PostgreSQL of our own: schema, namespace and
 * search attributes, a workflow run by a worker, SQL visibility queries, the Web UI, a restart on the same
 * database, and mTLS. The steps share one cluster and run in order.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
// The worker's lifecycle lines would bury the test output.
Runtime.install({ logger: new DefaultLogger('WARN') });
const say = (line: string): void => void process.stderr.write(`[production] ${line}\n`);

let scratch: string;
let binaries: TemporalServerBinaries;
let postgres: RunningPostgres;
let database: TemporalDatabase;
let ports: TemporalServerPorts;
let server: RunningTemporalServer | null = null;
const workflowId = `order-${Date.now()}`;
const echoId = `echo-${Date.now()}`;

function serverLog(name: string): string {
  return path.join(scratch, `${name}.log`);
}

async function withClient<T>(
  address: string,
  fn: (client: Client) => Promise<T>,
  tls?: Parameters<typeof Connection.connect>[0],
): Promise<T> {
  const connection = await Connection.connect({ address, ...tls });
  try {
    return await fn(new Client({ connection, namespace: 'default' }));
  } finally {
    await connection.close();
  }
}

/** Visibility is written asynchronously after a transition: poll the query until it finds the workflows. */
async function listUntil(client: Client, query: string, expected: number): Promise<string[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ids: string[] = [];
    for await (const wf of client.workflow.list({ query })) ids.push(wf.workflowId);
    if (ids.length >= expected || Date.now() > deadline) return ids;
    await new Promise((r) => setTimeout(r, 300));
  }
}

function latestVersion(dir: string): string {
  const versions = readdirSync(dir).map((v) => v.replace(/^v/, ''));
  return versions.sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).at(-1)!;
}

async function schemaVersion(dbName: string): Promise<string> {
  const url = new URL(postgres.url);
  url.pathname = `/${dbName}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const { rows } = await client.query<{ curr_version: string }>('SELECT curr_version FROM schema_version');
    return rows[0]!.curr_version;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'temporal-production-'));
  chmodSync(scratch, 0o755);
  binaries = await provisionTemporalServer({ progress: say });
  postgres = await startPostgres({
    dataDir: path.join(scratch, 'pg'),
    port: await freePort(),
    database: 'postgres',
    ephemeral: true,
  });
  database = databaseFromUrl(postgres.url);
});

afterAll(async () => {
  await server?.stop();
  await postgres?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('configuration files', () => {
  it('the dynamic config file is valid for this server release', () => {
    const r = spawnSync(binaries.server, ['validate-dynamic-config', dynamicConfigFile], { encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/error|warning/);
  });

  it('the server config refuses to render without its required variables', () => {
    const render = (env: Record<string, string>) =>
      spawnSync(binaries.server, ['--config', path.dirname(serverConfigFile), '--env', 'production', 'render-config'], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH!, ...env },
      });
    const ok = render({ POSTGRES_SEEDS: 'db.internal', POSTGRES_USER: 'temporal', POSTGRES_PWD: 'p"w:@#' });
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('db.internal:5432');
    expect(ok.stdout).toContain('postgres12');

    const noHost = render({ POSTGRES_USER: 'temporal' });
    expect(noHost.status).not.toBe(0);
    expect(noHost.stdout + noHost.stderr).toContain('POSTGRES_SEEDS must be set');

    const tlsWithoutCert = render({
      POSTGRES_SEEDS: 'db',
      POSTGRES_USER: 'temporal',
      TEMPORAL_TLS_FRONTEND_ENABLED: 'true',
    });
    expect(tlsWithoutCert.status).not.toBe(0);
    expect(tlsWithoutCert.stdout + tlsWithoutCert.stderr).toContain('TEMPORAL_TLS_FRONTEND_CERT must be set');
  });
});

describe('Temporal server on PostgreSQL', () => {
  it('sets up both schemas, and a second run changes nothing', async () => {
    await setupTemporalSchema({ sqlToolPath: binaries.sqlTool, schemaDir: binaries.schemaDir, database, log: say });
    const expected = {
      temporal: latestVersion(path.join(binaries.schemaDir, 'postgresql/v12/temporal/versioned')),
      temporal_visibility: latestVersion(path.join(binaries.schemaDir, 'postgresql/v12/visibility/versioned')),
    };
    expect(await schemaVersion('temporal')).toBe(expected.temporal);
    expect(await schemaVersion('temporal_visibility')).toBe(expected.temporal_visibility);

    await setupTemporalSchema({ sqlToolPath: binaries.sqlTool, schemaDir: binaries.schemaDir, database });
    expect(await schemaVersion('temporal')).toBe(expected.temporal);
    expect(await schemaVersion('temporal_visibility')).toBe(expected.temporal_visibility);
  });

  it('starts, and gets the namespace and the search attributes (twice: idempotent)', async () => {
    server = await startTemporalServer({ serverPath: binaries.server, database, logFile: serverLog('server') });
    ports = server.ports;
    say(`server at ${server.address}`);
    for (let i = 0; i < 2; i += 1) {
      await registerNamespaceAndSearchAttributes({ connection: { address: server.address }, retention: '720h' });
    }
    const connection = await Connection.connect({ address: server.address });
    try {
      const ns = await connection.workflowService.describeNamespace({ namespace: 'default' });
      expect(Number(ns.config?.workflowExecutionRetentionTtl?.seconds)).toBe(720 * 3600);
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
      for (const key of searchAttributeKeys) expect(customAttributes, key.name).toHaveProperty(key.name);
      // 2 = INDEXED_VALUE_TYPE_KEYWORD, 7 = INDEXED_VALUE_TYPE_KEYWORD_LIST
      expect(customAttributes?.OrderStatus).toBe(2);
      expect(customAttributes?.ReviewReasons).toBe(7);
    } finally {
      await connection.close();
    }
  });

  it('runs a workflow on a worker, and finds workflows by custom search attributes (SQL visibility)', async () => {
    const address = server!.address;
    const taskQueue = `echo-${Date.now()}`;
    const native = await NativeConnection.connect({ address });
    const worker = await Worker.create({
      connection: native,
      namespace: 'default',
      taskQueue,
      workflowsPath: path.join(here, 'fixtures/echo-workflow.ts'),
    });
    try {
      await withClient(address, async (client) => {
        const result = await worker.runUntil(
          client.workflow.execute('echo', {
            taskQueue,
            workflowId: echoId,
            args: ['hello'],
            typedSearchAttributes: [{ key: OrderStatusKey, value: 'SUBMITTED' }],
          }),
        );
        expect(result).toBe('echo: hello');

        // A workflow no worker picks up: still indexed, with a keyword and a keyword-list attribute.
        await client.workflow.start('echo', {
          taskQueue: 'nobody-polls-this',
          workflowId,
          args: ['parked'],
          typedSearchAttributes: [
            { key: OrderStatusKey, value: 'PENDING_REVIEW' },
            { key: ReviewReasonsKey, value: ['OUT_OF_STOCK', 'INSUFFICIENT_FUNDS'] },
          ],
        });
        expect(await listUntil(client, `OrderStatus = "PENDING_REVIEW" AND ReviewReasons = "OUT_OF_STOCK"`, 1)).toEqual(
          [workflowId],
        );
        expect(await listUntil(client, `OrderStatus = "SUBMITTED" AND ExecutionStatus = "Completed"`, 1)).toEqual([
          echoId,
        ]);
        expect(await listUntil(client, `OrderStatus = "NO_SUCH_STATUS"`, 0)).toEqual([]);
      });
    } finally {
      await native.close();
    }
  });

  it('serves the Web UI: the app page and its API', async () => {
    const ui = await startTemporalUi({
      uiPath: binaries.ui,
      temporalAddress: server!.address,
      port: await freePort(),
      logFile: serverLog('ui'),
    });
    try {
      const page = await fetch(`${ui.url}/namespaces/default/workflows`);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toMatch(/^<!doctype html>/i);
      const entry = /\/_app\/immutable\/entry\/start\.[\w-]+\.js/.exec(html);
      expect(entry, 'the page loads the app bundle').not.toBeNull();
      const script = await fetch(`${ui.url}${entry![0]}`);
      expect(script.status).toBe(200);
      expect(script.headers.get('content-type')).toMatch(/javascript/);

      const api = await fetch(`${ui.url}/api/v1/namespaces`);
      expect(api.status).toBe(200);
      const body = (await api.json()) as { namespaces?: { namespaceInfo?: { name?: string } }[] };
      expect(body.namespaces?.map((n) => n.namespaceInfo?.name)).toContain('default');

      const workflows = await fetch(
        `${ui.url}/api/v1/namespaces/default/workflows?query=${encodeURIComponent(`WorkflowId="${workflowId}"`)}`,
      );
      expect(await workflows.text()).toContain(workflowId);
    } finally {
      await ui.stop();
    }
  });

  it('restarts on the same database and still has the workflows', async () => {
    await server!.stop();
    server = null;
    server = await startTemporalServer({
      serverPath: binaries.server,
      database,
      ports,
      logFile: serverLog('server-restarted'),
    });
    await withClient(server.address, async (client) => {
      const parked = await client.workflow.getHandle(workflowId).describe();
      expect(parked.status.name).toBe('RUNNING');
      expect(parked.typedSearchAttributes.get(OrderStatusKey)).toBe('PENDING_REVIEW');
      expect(await client.workflow.getHandle(echoId).result()).toBe('echo: hello');
      expect(await listUntil(client, `OrderStatus = "PENDING_REVIEW"`, 1)).toEqual([workflowId]);
    });
  });
});

describe('Temporal server with mTLS on the frontend', () => {
  let pki: TestPki;

  it('accepts a client with the CA and a client certificate, and refuses the others', async () => {
    pki = makeTestPki(mkdtempSync(path.join(scratch, 'pki-')));
    await server!.stop();
    server = null;
    const clientTls = {
      serverNameOverride: pki.serverName,
      serverRootCACertificate: readPem(pki.caCert),
      clientCertPair: { crt: readPem(pki.clientCert), key: readPem(pki.clientKey) },
    };
    server = await startTemporalServer({
      serverPath: binaries.server,
      database,
      ports,
      logFile: serverLog('server-tls'),
      tls: {
        certFile: pki.serverCert,
        keyFile: pki.serverKey,
        serverCaFile: pki.caCert,
        serverName: pki.serverName,
        clientCaFile: pki.caCert,
        systemWorkerCertFile: pki.workerCert,
        systemWorkerKeyFile: pki.workerKey,
      },
      clientTls,
    });
    const address = server.address;

    const found = await withClient(address, (client) => client.workflow.getHandle(workflowId).describe(), {
      tls: clientTls,
    });
    expect(found.workflowId).toBe(workflowId);

    // No TLS at all, an untrusted CA, and the right CA without a client certificate: all refused.
    const refusals = [
      { address, connectTimeout: 3_000 },
      {
        address,
        connectTimeout: 3_000,
        tls: { serverNameOverride: pki.serverName, serverRootCACertificate: readPem(pki.otherCaCert) },
      },
      {
        address,
        connectTimeout: 3_000,
        tls: { serverNameOverride: pki.serverName, serverRootCACertificate: readPem(pki.caCert) },
      },
    ];
    for (const options of refusals) {
      const refused = await (async () => {
        const connection = await Connection.connect(options);
        try {
          await connection.workflowService.describeNamespace({ namespace: 'default' });
        } finally {
          await connection.close();
        }
      })().then(
        () => null,
        (error: unknown) => error as Error,
      );
      expect(refused, `connected with ${JSON.stringify(Object.keys(options.tls ?? {}))}`).toBeInstanceOf(Error);
    }

    // The SDK reports every refusal as a connect timeout; a bare TLS handshake says why.
    const [host, port] = [server.address.split(':')[0]!, Number(ports.frontend)];
    const base = { host, port, servername: pki.serverName, ALPNProtocols: ['h2'] };
    expect(
      await tlsHandshake({
        ...base,
        ca: readPem(pki.caCert),
        cert: readPem(pki.clientCert),
        key: readPem(pki.clientKey),
      }),
    ).toBe('ok');
    const untrusted = await tlsHandshake({ ...base, ca: readPem(pki.otherCaCert) });
    const noClientCert = await tlsHandshake({ ...base, ca: readPem(pki.caCert) });
    say(`untrusted CA: ${untrusted}; no client certificate: ${noClientCert}`);
    expect(untrusted).toMatch(/UNABLE_TO_VERIFY|SELF_SIGNED|ISSUER/);
    expect(noClientCert).toMatch(/CERTIFICATE_REQUIRED/);
  });

  it('is reached through app/temporal-connection.ts from environment variables alone', async () => {
    const env = {
      TEMPORAL_ADDRESS: `localhost:${ports.frontend}`,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: pki.caCert,
      TEMPORAL_TLS_CLIENT_CERT_PATH: pki.clientCert,
      TEMPORAL_TLS_CLIENT_KEY_PATH: pki.clientKey,
    };
    const settings = loadTemporalConnection({ env });
    expect(settings.namespace).toBe('default');

    const connection = await Connection.connect(settings.connectionOptions);
    try {
      const client = new Client({ connection, namespace: settings.namespace });
      expect((await client.workflow.getHandle(workflowId).describe()).status.name).toBe('RUNNING');
    } finally {
      await connection.close();
    }

    const native = await NativeConnection.connect(settings.connectionOptions);
    try {
      const ns = await native.workflowService.describeNamespace({ namespace: settings.namespace });
      expect(ns.namespaceInfo?.name).toBe('default');
    } finally {
      await native.close();
    }

    // The same variables without the client certificate: the mTLS frontend refuses.
    const noCert = loadTemporalConnection({
      env: { TEMPORAL_ADDRESS: env.TEMPORAL_ADDRESS, TEMPORAL_TLS_SERVER_CA_CERT_PATH: pki.caCert },
    });
    await expect(
      (async () => {
        const c = await Connection.connect({ ...noCert.connectionOptions, connectTimeout: 3_000 });
        try {
          await c.workflowService.describeNamespace({ namespace: 'default' });
        } finally {
          await c.close();
        }
      })(),
    ).rejects.toThrow();
  });

  it('serves the Web UI against the mTLS frontend', async () => {
    const ui = await startTemporalUi({
      uiPath: binaries.ui,
      temporalAddress: server!.address,
      port: await freePort(),
      tls: { caFile: pki.caCert, certFile: pki.clientCert, keyFile: pki.clientKey, serverName: pki.serverName },
      logFile: serverLog('ui-tls'),
    });
    try {
      const api = await fetch(`${ui.url}/api/v1/namespaces`);
      expect(api.status).toBe(200);
      expect(await api.text()).toContain('"default"');
    } finally {
      await ui.stop();
    }
  });
});

/** 'ok' when the handshake holds for a moment (TLS 1.3 servers reject a missing client certificate after it), else the error code. */
async function tlsHandshake(options: tls.ConnectionOptions): Promise<string> {
  return new Promise((resolve) => {
    const socket = tls.connect(options);
    let secured = false;
    socket.once('secureConnect', () => {
      secured = true;
      setTimeout(() => {
        socket.destroy();
        resolve('ok');
      }, 500);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      socket.destroy();
      resolve(`${error.code ?? 'ERROR'}${secured ? ' (after the handshake)' : ''}: ${error.message}`);
    });
  });
}

function readPem(file: string): Buffer {
  return readFileSync(file);
}
