import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createPrivateKey, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The simulator's own certificate authority, its server certificate and the bundle handed to the system owner
 * (client certificate, CA, API credential): created on first start, reused afterwards, so that a configured
 * system keeps working across restarts of the simulator.
 */

export interface Credential {
  account: string;
  password: string;
}

export interface SimMaterials {
  caPem: string;
  serverCertPem: string;
  serverKeyPem: string;
  credential: Credential;
  controlToken: string;
  /** The folder to hand over: client.pem, client-key.pem, ca.pem, credential.json. */
  clientDir: string;
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const CA_NAME = 'CN=npd-sim CA (synthetic, not the real NPD), O=npd-sim';
const CA_YEARS = 10;
const LEAF_YEARS = 5;
const CLOCK_SKEW_MS = 3_600_000;

x509.cryptoProvider.set(crypto);

const yearsFromNow = (years: number) => new Date(Date.now() + years * 365.25 * 86_400_000);

function keyPair(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;
}

/** PKCS#8 PEM, the form Node's tls accepts. */
async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await crypto.subtle.exportKey('pkcs8', key));
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' }) as string;
}

function importPrivateKey(pem: string): Promise<CryptoKey> {
  const der = createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' });
  return crypto.subtle.importKey('pkcs8', der, ALGORITHM, false, ['sign']);
}

interface Authority {
  cert: x509.X509Certificate;
  key: CryptoKey;
}

async function createAuthority(): Promise<{ authority: Authority; keyPem: string }> {
  const keys = await keyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: CA_NAME,
    notBefore: new Date(Date.now() - CLOCK_SKEW_MS),
    notAfter: yearsFromNow(CA_YEARS),
    signingAlgorithm: ALGORITHM,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { authority: { cert, key: keys.privateKey }, keyPem: await privateKeyPem(keys.privateKey) };
}

async function issue(authority: Authority, subject: string, usage: x509.ExtendedKeyUsage, extra: x509.Extension[]): Promise<{ certPem: string; keyPem: string }> {
  const keys = await keyPair();
  const cert = await x509.X509CertificateGenerator.create({
    subject,
    issuer: authority.cert.subject,
    notBefore: new Date(Date.now() - CLOCK_SKEW_MS),
    notAfter: yearsFromNow(LEAF_YEARS),
    signingAlgorithm: ALGORITHM,
    publicKey: keys.publicKey,
    signingKey: authority.key,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([usage]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(authority.cert.publicKey),
      ...extra,
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await privateKeyPem(keys.privateKey) };
}

/** Owner-only: the folder holds private keys, the credential and the request log. */
function ensureDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
}

function writeSecret(file: string, content: string): void {
  fs.writeFileSync(file, content, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}

const exists = (...files: string[]) => files.every((f) => fs.existsSync(f));

function readCredential(file: string): Credential {
  const value = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Credential>;
  if (typeof value.account !== 'string' || typeof value.password !== 'string') throw new Error(`${file} is not a credential`);
  return { account: value.account, password: value.password };
}

/** Creates what is missing in `dir`; a new CA re-issues everything it signs. */
export async function ensureMaterials(dir: string): Promise<SimMaterials> {
  const clientDir = path.join(dir, 'client');
  ensureDir(dir);
  ensureDir(clientDir);
  const file = {
    ca: path.join(dir, 'ca.pem'),
    caKey: path.join(dir, 'ca-key.pem'),
    server: path.join(dir, 'server.pem'),
    serverKey: path.join(dir, 'server-key.pem'),
    token: path.join(dir, 'control-token'),
    client: path.join(clientDir, 'client.pem'),
    clientKey: path.join(clientDir, 'client-key.pem'),
    clientCa: path.join(clientDir, 'ca.pem'),
    credential: path.join(clientDir, 'credential.json'),
  };

  if (!exists(file.credential)) {
    const credential = { account: `motcua-${randomBytes(3).toString('hex')}`, password: randomBytes(24).toString('base64url') };
    writeSecret(file.credential, `${JSON.stringify(credential, null, 2)}\n`);
  }
  const credential = readCredential(file.credential);
  if (!exists(file.token)) writeSecret(file.token, randomBytes(32).toString('base64url'));

  let authority: Authority;
  const freshAuthority = !exists(file.ca, file.caKey);
  if (freshAuthority) {
    const created = await createAuthority();
    authority = created.authority;
    writeSecret(file.caKey, created.keyPem);
    writeSecret(file.ca, authority.cert.toString('pem'));
  } else {
    authority = { cert: new x509.X509Certificate(fs.readFileSync(file.ca, 'utf8')), key: await importPrivateKey(fs.readFileSync(file.caKey, 'utf8')) };
  }
  if (freshAuthority || !exists(file.server, file.serverKey)) {
    const names = new x509.SubjectAlternativeNameExtension([
      { type: 'dns', value: 'localhost' },
      { type: 'ip', value: '127.0.0.1' },
    ]);
    const server = await issue(authority, 'CN=localhost, O=npd-sim', x509.ExtendedKeyUsage.serverAuth, [names]);
    writeSecret(file.serverKey, server.keyPem);
    writeSecret(file.server, server.certPem);
  }
  if (freshAuthority || !exists(file.client, file.clientKey)) {
    const client = await issue(authority, `CN=${credential.account}, O=motcua (provincial system)`, x509.ExtendedKeyUsage.clientAuth, []);
    writeSecret(file.clientKey, client.keyPem);
    writeSecret(file.client, client.certPem);
  }
  const caPem = fs.readFileSync(file.ca, 'utf8');
  if (freshAuthority || !exists(file.clientCa)) writeSecret(file.clientCa, caPem);

  return {
    caPem,
    serverCertPem: fs.readFileSync(file.server, 'utf8'),
    serverKeyPem: fs.readFileSync(file.serverKey, 'utf8'),
    credential,
    controlToken: fs.readFileSync(file.token, 'utf8').trim(),
    clientDir,
  };
}
