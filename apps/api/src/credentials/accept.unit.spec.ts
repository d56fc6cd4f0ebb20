import { withoutJwtClaims } from './accept';

describe('when a VC-JWT payload is shown as JSON', () => {
  it('drops the registered JWT claims and keeps the credential', () => {
    expect(withoutJwtClaims({ id: 'urn:uuid:1', iss: 'x', sub: 'y', jti: 'urn:uuid:1', nbf: 1, exp: 2, name: 'Badge' })).toEqual({
      id: 'urn:uuid:1',
      name: 'Badge',
    });
  });
});
