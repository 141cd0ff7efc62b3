import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A throwaway PKI for TLS tests, made with the openssl CLI (node:crypto signs but cannot issue X.509
 * certificates): a CA, a frontend certificate for 127.0.0.1/localhost, client certificates signed by the same
 * CA, and an unrelated CA that must not be trusted.
 */
export interface TestPki {
  dir: string;
  caCert: string;
  otherCaCert: string;
  serverCert: string;
  serverKey: string;
  serverName: string;
  clientCert: string;
  clientKey: string;
  workerCert: string;
  workerKey: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function selfSignedCa(dir: string, name: string): void {
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.pem`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
}

function issue(dir: string, name: string, ca: string, extensions: string): void {
  openssl(
    [
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
    ],
    dir,
  );
  writeFileSync(path.join(dir, `${name}.ext`), extensions);
  openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${ca}.pem`,
      '-CAkey',
      `${ca}.key`,
      '-CAcreateserial',
      '-days',
      '2',
      '-out',
      `${name}.pem`,
      '-extfile',
      `${name}.ext`,
    ],
    dir,
  );
}

export function makeTestPki(dir: string): TestPki {
  selfSignedCa(dir, 'ca');
  selfSignedCa(dir, 'other-ca');
  issue(dir, 'frontend', 'ca', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  issue(dir, 'client', 'ca', 'extendedKeyUsage=clientAuth\n');
  issue(dir, 'system-worker', 'ca', 'extendedKeyUsage=clientAuth\n');
  const file = (name: string): string => path.join(dir, name);
  return {
    dir,
    caCert: file('ca.pem'),
    otherCaCert: file('other-ca.pem'),
    serverCert: file('frontend.pem'),
    serverKey: file('frontend.key'),
    serverName: 'localhost',
    clientCert: file('client.pem'),
    clientKey: file('client.key'),
    workerCert: file('system-worker.pem'),
    workerKey: file('system-worker.key'),
  };
}
