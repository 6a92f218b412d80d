import * as crypto from 'node:crypto';
import * as fsp from 'node:fs/promises';
import * as net from 'node:net';
import forge from 'node-forge';

/**
 * Certificates for `--tls`: a throw-away certificate authority made at start and a server
 * certificate it signs for the host the server binds, so a test can trust the CA (system store,
 * NODE_EXTRA_CA_CERTS, `ca:`) exactly as a company CA would be trusted, or leave it untrusted.
 *
 * node:crypto makes the keys but cannot issue an X.509 certificate (it only parses them), so the
 * certificates are built with node-forge, a dependency-free, widely used library.
 */

export interface TlsMaterial {
  /** The server's certificate followed by nothing else (the CA is not sent: a client must trust it). */
  readonly cert: string;
  readonly key: string;
  /** The CA certificate (PEM) a client trusts; absent when the files were given. */
  readonly ca?: string;
}

export interface TestCaOptions {
  /** Names and addresses the server certificate is for. */
  readonly hosts: readonly string[];
  /** Validity of the server certificate; default from one hour ago for 7 days. Tests of expiry pass past dates. */
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /** The CA's common name, so a person can recognise it in a trust store. */
  readonly caName?: string;
}

export function generateTestCa(options: TestCaOptions): Required<TlsMaterial> {
  const now = Date.now();
  const caKeys = rsaKeys();
  const caCert = forge.pki.createCertificate();
  caCert.publicKey = caKeys.publicKey;
  caCert.serialNumber = serial();
  caCert.validity.notBefore = new Date(now - 3600_000);
  caCert.validity.notAfter = new Date(now + 7 * 24 * 3600_000);
  const caSubject = [
    { name: 'commonName', value: options.caName ?? `GitShare Test CA ${new Date(now).toISOString()}` },
    { name: 'organizationName', value: 'GitShare tests (throw-away)' },
  ];
  caCert.setSubject(caSubject);
  caCert.setIssuer(caSubject);
  caCert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  caCert.sign(caKeys.privateKey, forge.md.sha256.create());

  const keys = rsaKeys();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = options.notBefore ?? new Date(now - 3600_000);
  cert.validity.notAfter = options.notAfter ?? new Date(now + 7 * 24 * 3600_000);
  cert.setSubject([{ name: 'commonName', value: options.hosts[0] ?? 'localhost' }]);
  cert.setIssuer(caSubject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: options.hosts.map((host) => (net.isIP(host) ? { type: 7, ip: host } : { type: 2, value: host })),
    },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKeys.privateKey, forge.md.sha256.create());

  return {
    cert: forge.pki.certificateToPem(cert),
    key: forge.pki.privateKeyToPem(keys.privateKey),
    ca: forge.pki.certificateToPem(caCert),
  };
}

/** `--tls-cert FILE --tls-key FILE`: a certificate the person made themselves. */
export async function readTlsFiles(certFile: string, keyFile: string): Promise<TlsMaterial> {
  const [cert, key] = await Promise.all([fsp.readFile(certFile, 'utf8'), fsp.readFile(keyFile, 'utf8')]);
  // Fails here, with the file's name, rather than at the first connection.
  crypto.createPrivateKey(key);
  new crypto.X509Certificate(cert);
  return { cert, key };
}

// RSA keys from node:crypto (fast, native); forge only builds and signs the certificates.
function rsaKeys(): forge.pki.rsa.KeyPair {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey;
  return { privateKey: forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e) };
}

function serial(): string {
  // Positive: the first bit clear.
  const bytes = crypto.randomBytes(16);
  bytes[0]! &= 0x7f;
  return bytes.toString('hex');
}
