import 'reflect-metadata' // @peculiar/x509's DI container needs it loaded first
import { webcrypto } from 'node:crypto'
import * as x509 from '@peculiar/x509'
import { encodeSgxExtension, SGX_EXTENSION_OID, type SgxExtensionFields } from './sgx-extension.js'

// @peculiar/x509 signs with globalThis.crypto (Node's WebCrypto) by default.
const EC_KEY = { name: 'ECDSA', namedCurve: 'P-256' } as const
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const
const ORG = 'O=Cocoon Dev TEE, L=Nowhere, C=ZZ'

/** An Intel-shaped PCK hierarchy of our own: root CA -> PCK Platform CA -> PCK leaf, plus a TCB signing cert. */
export interface DevPki {
  root: { cert: x509.X509Certificate, keys: CryptoKeyPair }
  platformCa: { cert: x509.X509Certificate, keys: CryptoKeyPair }
  pck: { cert: x509.X509Certificate, keys: CryptoKeyPair }
  tcbSigning: { cert: x509.X509Certificate, keys: CryptoKeyPair }
  rootCrl: x509.X509Crl
  pckCrl: x509.X509Crl
}

export interface DevPkiOptions {
  notBefore: Date
  notAfter: Date
  sgx: SgxExtensionFields
}

async function generateKeys (): Promise<CryptoKeyPair> {
  return await webcrypto.subtle.generateKey(EC_KEY, true, ['sign', 'verify']) as CryptoKeyPair
}

function serial (): string {
  // Positive 16-byte serial, as RFC 5280 asks (top bit clear).
  const bytes = webcrypto.getRandomValues(new Uint8Array(16))
  bytes[0] &= 0x7f
  bytes[0] |= 0x01
  return Buffer.from(bytes).toString('hex')
}

async function caExtensions (keys: CryptoKeyPair, issuerKeys: CryptoKeyPair, pathLength: number): Promise<x509.Extension[]> {
  return [
    new x509.BasicConstraintsExtension(true, pathLength, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(issuerKeys.publicKey)
  ]
}

async function leafExtensions (keys: CryptoKeyPair, issuerKeys: CryptoKeyPair): Promise<x509.Extension[]> {
  return [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation, true),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(issuerKeys.publicKey)
  ]
}

async function issue (subject: string, keys: CryptoKeyPair, issuer: { name: string, keys: CryptoKeyPair }, options: DevPkiOptions, extensions: x509.Extension[]): Promise<x509.X509Certificate> {
  return await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject,
    issuer: issuer.name,
    notBefore: options.notBefore,
    notAfter: options.notAfter,
    publicKey: keys.publicKey,
    signingKey: issuer.keys.privateKey,
    signingAlgorithm: SIGNING,
    extensions
  })
}

async function emptyCrl (issuer: x509.X509Certificate, keys: CryptoKeyPair, options: DevPkiOptions): Promise<x509.X509Crl> {
  return await x509.X509CrlGenerator.create({
    issuer: issuer.subject,
    thisUpdate: options.notBefore,
    nextUpdate: options.notAfter,
    signingAlgorithm: SIGNING,
    signingKey: keys.privateKey,
    entries: []
  })
}

export async function createDevPki (options: DevPkiOptions): Promise<DevPki> {
  const rootKeys = await generateKeys()
  const rootName = `CN=Cocoon Dev SGX Root CA, ${ORG}`
  const rootSelf = { name: rootName, keys: rootKeys }
  const rootCert = await issue(rootName, rootKeys, rootSelf, options, [
    new x509.BasicConstraintsExtension(true, 1, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    await x509.SubjectKeyIdentifierExtension.create(rootKeys.publicKey)
  ])

  const platformKeys = await generateKeys()
  const platformName = `CN=Cocoon Dev SGX PCK Platform CA, ${ORG}`
  const platformCert = await issue(platformName, platformKeys, rootSelf, options, await caExtensions(platformKeys, rootKeys, 0))

  const pckKeys = await generateKeys()
  const pckCert = await issue(`CN=Cocoon Dev SGX PCK Certificate, ${ORG}`, pckKeys, { name: platformName, keys: platformKeys }, options, [
    ...await leafExtensions(pckKeys, platformKeys),
    new x509.Extension(SGX_EXTENSION_OID, false, new Uint8Array(encodeSgxExtension(options.sgx)))
  ])

  const tcbKeys = await generateKeys()
  const tcbCert = await issue(`CN=Cocoon Dev SGX TCB Signing, ${ORG}`, tcbKeys, rootSelf, options, await leafExtensions(tcbKeys, rootKeys))

  return {
    root: { cert: rootCert, keys: rootKeys },
    platformCa: { cert: platformCert, keys: platformKeys },
    pck: { cert: pckCert, keys: pckKeys },
    tcbSigning: { cert: tcbCert, keys: tcbKeys },
    rootCrl: await emptyCrl(rootCert, rootKeys, options),
    pckCrl: await emptyCrl(platformCert, platformKeys, options)
  }
}

export function pem (cert: x509.X509Certificate): string {
  return cert.toString('pem')
}
