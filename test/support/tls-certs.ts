import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Ca {
  certFile: string;
  keyFile: string;
  pem: string;
}

export interface ServerCert {
  certFile: string;
  keyFile: string;
}

/** A throwaway certificate authority made with openssl (the machine's), in `dir`. */
export async function makeCa(dir: string, name: string): Promise<Ca> {
  mkdirSync(dir, { recursive: true });
  const keyFile = join(dir, `${name}.key`);
  const certFile = join(dir, `${name}.crt`);
  await run('openssl', [
    ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2'],
    ...['-subj', `/CN=${name}`, '-keyout', keyFile, '-out', certFile],
    ...['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=keyCertSign,cRLSign'],
  ]);
  return { certFile, keyFile, pem: readFileSync(certFile, 'utf8') };
}

/** A server certificate signed by `ca` for the given subjectAltNames (e.g. `IP:127.0.0.1`). */
export async function makeServerCert(
  dir: string,
  ca: Ca,
  name: string,
  altNames: string[],
): Promise<ServerCert> {
  const keyFile = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const certFile = join(dir, `${name}.crt`);
  const ext = join(dir, `${name}.ext`);
  writeFileSync(ext, `subjectAltName=${altNames.join(',')}\nextendedKeyUsage=serverAuth\n`);
  await run('openssl', [
    ...['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`],
    ...['-keyout', keyFile, '-out', csr],
  ]);
  await run('openssl', [
    ...['x509', '-req', '-in', csr, '-CA', ca.certFile, '-CAkey', ca.keyFile],
    ...['-CAcreateserial', '-days', '2', '-extfile', ext, '-out', certFile],
  ]);
  return { certFile, keyFile };
}
