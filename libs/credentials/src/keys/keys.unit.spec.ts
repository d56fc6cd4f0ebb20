import { createPrivateKey } from 'node:crypto';
import type { JWK } from 'jose';
import { calculateJwkThumbprint } from 'jose';
import {
  EC_PRIVATE_JWK,
  KEYS_URL,
  OTHER_RSA_PRIVATE_JWK,
  RSA_PRIVATE_JWK,
} from '../test-support/keys';
import {
  createKeyRing,
  exportJwks,
  findPublicKey,
  rotateKeyRing,
} from './key-ring';
import {
  exportPublicJwk,
  generateSigningKey,
  importSigningKey,
} from './signing-key';

const pem = (jwk: JWK, type: 'pkcs8' | 'pkcs1' | 'sec1') =>
  createPrivateKey({ key: jwk as never, format: 'jwk' }).export({
    type,
    format: 'pem',
  }) as string;

describe('when a signing key is generated', () => {
  it.each(['RS256', 'ES256'] as const)(
    '%s: the kid is the keys URL plus the RFC 7638 thumbprint, and only public members are published',
    async (alg) => {
      const generated = await generateSigningKey(alg, {
        keysUrl: `${KEYS_URL}/`,
      });
      const thumbprint = await calculateJwkThumbprint(
        generated.publicJwk,
        'sha256',
      );
      expect(generated.kid).toBe(`${KEYS_URL}/${thumbprint}`);
      expect(generated.privateJwk).toEqual(
        expect.objectContaining({
          kid: generated.kid,
          alg,
          use: 'sig',
          d: expect.any(String) as string,
        }),
      );
      const members =
        alg === 'RS256' ? ['kty', 'n', 'e'] : ['kty', 'crv', 'x', 'y'];
      expect(Object.keys(generated.publicJwk)).toEqual([
        ...members,
        'kid',
        'alg',
        'use',
      ]);
    },
  );
});

describe('when a key is imported', () => {
  it('gives the same kid from a private JWK, a PKCS#8 PEM and a PKCS#1 PEM', async () => {
    const fromJwk = await importSigningKey(RSA_PRIVATE_JWK, {
      keysUrl: KEYS_URL,
    });
    const fromPkcs8 = await importSigningKey(pem(RSA_PRIVATE_JWK, 'pkcs8'), {
      keysUrl: KEYS_URL,
    });
    const fromPkcs1 = await importSigningKey(pem(RSA_PRIVATE_JWK, 'pkcs1'), {
      keysUrl: KEYS_URL,
    });
    expect(fromJwk.kid).toBe(
      'https://badges.vilniustech.lt/keys/mpLawNNXSAlEmCbTrX0Fj5iatxOxPp8gfGpDOfNr17o',
    );
    expect([fromPkcs8.kid, fromPkcs1.kid]).toEqual([fromJwk.kid, fromJwk.kid]);
    expect(fromPkcs8.publicJwk).toEqual(fromJwk.publicJwk);
  });

  it('infers ES256 from a P-256 key (JWK or SEC1 PEM)', async () => {
    const fromPem = await importSigningKey(pem(EC_PRIVATE_JWK, 'sec1'), {
      keysUrl: KEYS_URL,
    });
    expect(fromPem.alg).toBe('ES256');
    expect(fromPem.publicJwk).toEqual(
      expect.objectContaining({
        kty: 'EC',
        crv: 'P-256',
        alg: 'ES256',
        use: 'sig',
      }),
    );
  });

  it('keeps the kid a stored JWK already has', async () => {
    const key = await importSigningKey({
      ...RSA_PRIVATE_JWK,
      kid: 'https://badges.example.edu/keys/k1',
    });
    expect(key.kid).toBe('https://badges.example.edu/keys/k1');
  });

  it.each([
    [
      'a public key',
      () =>
        importSigningKey(
          exportPublicJwk(RSA_PRIVATE_JWK, 'https://x.test/keys/1'),
        ),
      'INVALID_KEY',
    ],
    [
      'an Ed25519 key',
      () =>
        importSigningKey(
          { kty: 'OKP', crv: 'Ed25519', d: 'AA', x: 'AA' },
          { keysUrl: KEYS_URL },
        ),
      'UNSUPPORTED_ALGORITHM',
    ],
    [
      'an RSA key declared ES256',
      () =>
        importSigningKey(RSA_PRIVATE_JWK, { keysUrl: KEYS_URL, alg: 'ES256' }),
      'UNSUPPORTED_ALGORITHM',
    ],
    [
      'text that is not PEM',
      () => importSigningKey('-----BEGIN NOTHING-----', { keysUrl: KEYS_URL }),
      'INVALID_KEY',
    ],
  ])('rejects %s with a coded error', async (_label, act, code) => {
    await expect(act()).rejects.toMatchObject({ code });
  });
});

describe('when the key ring is rotated', () => {
  it('activates the new kid and keeps publishing the old public key', async () => {
    const first = await importSigningKey(RSA_PRIVATE_JWK, {
      keysUrl: KEYS_URL,
    });
    const second = await importSigningKey(EC_PRIVATE_JWK, {
      keysUrl: KEYS_URL,
    });
    const ring = rotateKeyRing(createKeyRing(first), second);
    expect(ring.activeKid).toBe(second.kid);
    expect(exportJwks(ring).keys.map((key) => key.kid)).toEqual([
      first.kid,
      second.kid,
    ]);
    expect(findPublicKey(ring, first.kid)).toEqual(first.publicJwk);
    expect(JSON.stringify(exportJwks(ring))).not.toMatch(/"d"/);
  });

  it('only re-activates a kid already in the ring', async () => {
    const first = await importSigningKey(RSA_PRIVATE_JWK, {
      keysUrl: KEYS_URL,
    });
    const second = await importSigningKey(OTHER_RSA_PRIVATE_JWK, {
      keysUrl: KEYS_URL,
    });
    const ring = rotateKeyRing(
      rotateKeyRing(createKeyRing(first), second),
      first,
    );
    expect(ring).toEqual({
      activeKid: first.kid,
      keys: [first.publicJwk, second.publicJwk],
    });
  });

  it('refuses a different key under a kid already used', async () => {
    const first = await importSigningKey(RSA_PRIVATE_JWK, {
      keysUrl: KEYS_URL,
    });
    const impostor = await importSigningKey({
      ...OTHER_RSA_PRIVATE_JWK,
      kid: first.kid,
    });
    expect(() => rotateKeyRing(createKeyRing(first), impostor)).toThrow(
      expect.objectContaining({ code: 'INVALID_KEY' }) as Error,
    );
  });
});
