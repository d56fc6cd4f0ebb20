import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JWK } from 'jose';
import {
  CredentialsError,
  createKeyRing,
  exportJwks,
  generateSigningKey,
  importSigningKey,
  rotateKeyRing,
  type KeyRing,
  type PublicJwk,
  type SigningAlgorithm,
  type SigningKey,
} from '@laurel/credentials';
import { ConfigError, LAUREL_CONFIG, type LaurelConfig } from './config';

/** Why the key store refused: rotation asked of an operator-provided key, or a key that cannot be found or read. */
export class SigningKeysError extends Error {
  constructor(
    readonly code: 'ROTATION_UNAVAILABLE' | 'PRIVATE_KEY_MISSING' | 'KEY_RING_LOCKED',
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export interface RotationResult {
  kid: string;
  alg: SigningAlgorithm;
  previousKid: string;
  /** Every kid still published, oldest first. */
  kids: string[];
}

const RING_FILE = 'key-ring.json';
const LOCK_FILE = 'key-ring.lock';
/** How often a process looks at the ring file for rotations made by another process. */
const REFRESH_MS = 1000;
/** A lock older than this was left by a process that died while holding it. */
const STALE_LOCK_MS = 15_000;

const thumbprintOf = (kid: string): string => kid.slice(kid.lastIndexOf('/') + 1);
const isErrno = (err: unknown, code: string): boolean => (err as NodeJS.ErrnoException | undefined)?.code === code;

/**
 * The issuer's credential signing keys. Generated on first start into
 * `<dataDir>/keys/credentials/` (one private JWK file per key, mode 0600, and
 * `key-ring.json`, the public keys with the active kid), or loaded from the
 * PEM / JWK file in LAUREL_SIGNING_KEY_FILE. Rotation adds a key and keeps
 * every earlier public key published, so credentials signed before still
 * verify.
 *
 * Several processes (API, workers) may share the data folder: the ring is
 * changed only under a lock file created with `wx`, and replaced by rename,
 * so a reader never sees half a file; each process re-reads the ring when its
 * mtime changes (checked at most every second) or when asked for a kid it
 * does not know.
 */
@Injectable()
export class SigningKeys implements OnModuleInit {
  private readonly logger = new Logger('signing-keys');
  private readonly dir: string;
  private readonly keysUrl: string;
  private ring: KeyRing | undefined;
  private ringStamp = '';
  private checkedAt = 0;
  private readonly privateKeys = new Map<string, Promise<SigningKey>>();
  private fileKey: SigningKey | undefined;
  private starting: Promise<void> | undefined;

  constructor(@Inject(LAUREL_CONFIG) private readonly config: LaurelConfig) {
    this.dir = config.signing.keysDir;
    this.keysUrl = `${config.publicUrl}/keys`;
  }

  onModuleInit(): Promise<void> {
    return this.ready();
  }

  /** Loads (or creates) the keys; idempotent. */
  ready(): Promise<void> {
    this.starting ??= this.start();
    return this.starting;
  }

  /** Keys come from LAUREL_SIGNING_KEY_FILE (rotate by replacing the file) or are generated here (rotate with {@link rotate}). */
  get source(): 'file' | 'generated' {
    return this.config.signing.keyFile ? 'file' : 'generated';
  }

  /** The key that signs now. Picks up a rotation made by another process within a second. */
  async activeKey(): Promise<SigningKey> {
    await this.ready();
    const ring = this.refresh(false);
    return this.privateKey(ring.activeKid);
  }

  /** Every public key ever used, and the active kid. */
  async keyRing(): Promise<KeyRing> {
    await this.ready();
    return this.refresh(false);
  }

  /** The JWK Set for `/.well-known/jwks.json`. */
  async jwks(): Promise<{ keys: PublicJwk[] }> {
    return exportJwks(await this.keyRing());
  }

  /** A published key by its full kid or by its thumbprint (the last segment of the kid URL). */
  async publicKey(kidOrThumbprint: string): Promise<PublicJwk | undefined> {
    await this.ready();
    const find = (ring: KeyRing) => ring.keys.find((key) => key.kid === kidOrThumbprint || thumbprintOf(key.kid) === kidOrThumbprint);
    // Unknown here may be a key another process just rotated in.
    return find(this.refresh(false)) ?? find(this.refresh(true));
  }

  /** Generates a key (`alg`, default the configured one), makes it active and keeps every earlier public key. */
  async rotate(alg: SigningAlgorithm = this.config.signing.alg): Promise<RotationResult> {
    await this.ready();
    if (this.source === 'file') {
      throw new SigningKeysError(
        'ROTATION_UNAVAILABLE',
        'the signing key comes from LAUREL_SIGNING_KEY_FILE: put the new key in that file and restart to rotate (earlier keys stay published)',
      );
    }
    const previousKid = this.refresh(true).activeKid;
    const generated = await generateSigningKey(alg, { keysUrl: this.keysUrl });
    this.writePrivateKey(generated.kid, generated.privateJwk);
    const ring = await this.updateRing((current) => (current ? rotateKeyRing(current, generated) : createKeyRing(generated)));
    this.logger.log(`rotated the credential signing key: ${previousKid} -> ${generated.kid}`);
    return { kid: generated.kid, alg, previousKid, kids: ring.keys.map((key) => key.kid) };
  }

  private async start(): Promise<void> {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    chmodSync(this.dir, 0o700);
    if (this.config.signing.keyFile) {
      const key = await this.loadKeyFile(this.config.signing.keyFile);
      this.fileKey = key;
      const current = this.readRing();
      if (current?.activeKid !== key.kid) {
        // A new operator key is a rotation: it becomes active, the keys before it stay published.
        await this.updateRing((ring) => (ring ? rotateKeyRing(ring, key) : createKeyRing(key)));
      }
      this.refresh(true);
      return;
    }
    const wanted = this.config.signing.alg;
    const active = (ring: KeyRing | undefined) => ring?.keys.find((key) => key.kid === ring.activeKid);
    if (active(this.readRing())?.alg !== wanted) {
      const generated = await generateSigningKey(wanted, { keysUrl: this.keysUrl });
      let used = false;
      await this.updateRing((ring) => {
        // Another process may have created (or rotated) the ring while this one generated its key.
        if (ring && active(ring)?.alg === wanted) return ring;
        this.writePrivateKey(generated.kid, generated.privateJwk);
        used = true;
        return ring ? rotateKeyRing(ring, generated) : createKeyRing(generated);
      });
      if (used) this.logger.log(`generated a ${wanted} credential signing key ${generated.kid} in ${this.dir}`);
    }
    const ring = this.refresh(true);
    // Fail at start, not at the first award, when the active key cannot sign.
    await this.privateKey(ring.activeKid);
  }

  private async loadKeyFile(file: string): Promise<SigningKey> {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError(`LAUREL_SIGNING_KEY_FILE=${file} cannot be read: ${(err as Error).message}`);
    }
    let source: string | JWK = text;
    if (text.trim().startsWith('{')) {
      try {
        // The kid is always <publicUrl>/keys/<thumbprint>, so it dereferences to the key here.
        const { kid: _kid, ...jwk } = JSON.parse(text) as JWK;
        source = jwk;
      } catch {
        throw new ConfigError(`LAUREL_SIGNING_KEY_FILE=${file} is neither a PEM private key nor a JSON JWK`);
      }
    }
    try {
      return await importSigningKey(source, { keysUrl: this.keysUrl, alg: this.config.signing.alg });
    } catch (err) {
      if (err instanceof CredentialsError) {
        throw new ConfigError(
          `LAUREL_SIGNING_KEY_FILE=${file}: ${err.message} (LAUREL_SIGNING_ALG=${this.config.signing.alg}: RS256 needs an RSA key, ES256 a P-256 key)`,
        );
      }
      throw err;
    }
  }

  private privateKey(kid: string): Promise<SigningKey> {
    if (this.fileKey?.kid === kid) return Promise.resolve(this.fileKey);
    let key = this.privateKeys.get(kid);
    if (!key) {
      const file = join(this.dir, `${thumbprintOf(kid)}.private.jwk.json`);
      key = (async () => {
        if (!existsSync(file)) {
          throw new SigningKeysError('PRIVATE_KEY_MISSING', `the active signing key ${kid} has no private key file ${file}: restore it, or rotate`);
        }
        return importSigningKey(JSON.parse(readFileSync(file, 'utf8')) as JWK);
      })();
      void key.catch(() => this.privateKeys.delete(kid));
      this.privateKeys.set(kid, key);
    }
    return key;
  }

  private writePrivateKey(kid: string, jwk: JWK): void {
    const file = join(this.dir, `${thumbprintOf(kid)}.private.jwk.json`);
    try {
      // `wx`: never overwrite a key file; the name is the key's thumbprint, so an existing file is this very key.
      writeFileSync(file, JSON.stringify(jwk, null, 2), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if (!isErrno(err, 'EEXIST')) throw err;
    }
  }

  private readRing(): KeyRing | undefined {
    try {
      return JSON.parse(readFileSync(join(this.dir, RING_FILE), 'utf8')) as KeyRing;
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return undefined;
      throw err;
    }
  }

  /** The ring as this process knows it, re-read when the file changed (at most every second unless `force`). */
  private refresh(force: boolean): KeyRing {
    const now = Date.now();
    if (!force && this.ring && now - this.checkedAt < REFRESH_MS) return this.ring;
    this.checkedAt = now;
    const file = join(this.dir, RING_FILE);
    const stat = statSync(file, { throwIfNoEntry: false });
    if (!stat) throw new SigningKeysError('PRIVATE_KEY_MISSING', `the key ring ${file} is missing`);
    const stamp = `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
    if (!this.ring || stamp !== this.ringStamp) {
      const ring = this.readRing();
      if (!ring) throw new SigningKeysError('PRIVATE_KEY_MISSING', `the key ring ${file} is missing`);
      this.ring = ring;
      this.ringStamp = stamp;
    }
    return this.ring;
  }

  /** Read-modify-write of the ring under the lock file; the new ring replaces the old by rename. */
  private async updateRing(change: (ring: KeyRing | undefined) => KeyRing): Promise<KeyRing> {
    const lock = join(this.dir, LOCK_FILE);
    for (let waited = 0; ; waited += 25) {
      try {
        writeFileSync(lock, String(process.pid), { flag: 'wx', mode: 0o600 });
        break;
      } catch (err) {
        if (!isErrno(err, 'EEXIST')) throw err;
        const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
        if (age > STALE_LOCK_MS) {
          try {
            unlinkSync(lock);
          } catch (unlinkErr) {
            if (!isErrno(unlinkErr, 'ENOENT')) throw unlinkErr;
          }
          continue;
        }
        if (waited > 2 * STALE_LOCK_MS) throw new SigningKeysError('KEY_RING_LOCKED', `${lock} is held by another process`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }
    try {
      const current = this.readRing();
      const next = change(current);
      if (next !== current) {
        const tmp = join(this.dir, `${RING_FILE}.${process.pid}.${randomUUID()}.tmp`);
        writeFileSync(tmp, JSON.stringify(next, null, 2), { mode: 0o644, flag: 'wx' });
        renameSync(tmp, join(this.dir, RING_FILE));
      }
      this.refresh(true);
      return next;
    } finally {
      unlinkSync(lock);
    }
  }
}
