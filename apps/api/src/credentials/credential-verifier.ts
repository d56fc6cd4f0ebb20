import { Injectable } from '@nestjs/common';
import { exportJwks, verifyCredential, type VerificationResult } from '@laurel/credentials';
import { SigningKeys } from '@laurel/platform';
import { StatusLists } from './status-lists';

/**
 * Verifies VC-JWTs against this issuer's published keys (every key ever
 * rotated in) and its own status lists, with every check named. Keys or
 * lists of other issuers are not fetched: they fail `issuerKey` / `status`
 * with the reason.
 */
@Injectable()
export class CredentialVerifier {
  constructor(
    private readonly keys: SigningKeys,
    private readonly statusLists: StatusLists,
  ) {}

  async verify(jwt: string, now = new Date()): Promise<VerificationResult> {
    return verifyCredential(jwt, {
      jwks: exportJwks(await this.keys.keyRing()),
      // A kid rotated in by another process a moment ago is not in the ring this process last read.
      resolveKey: (kid) => this.keys.publicKey(kid),
      resolveStatusList: (url) => this.statusLists.resolve(url),
      now,
    });
  }
}
