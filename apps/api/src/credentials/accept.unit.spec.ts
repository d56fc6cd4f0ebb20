import { prefersJwt, withoutJwtClaims } from './accept';

describe('when a caller says what it accepts', () => {
  it.each([
    [undefined, false],
    ['application/jwt', true],
    ['application/vc+jwt', true],
    ['application/json', false],
    ['*/*', false],
    ['application/json, application/jwt', false],
    ['application/jwt, application/json', true],
    ['application/json;q=0.5, application/jwt', true],
    ['application/jwt;q=0, application/json', false],
    ['text/html', false],
  ])('for %s serves the JWT: %s', (accept, jwt) => {
    expect(prefersJwt(accept)).toBe(jwt);
  });
});

describe('when a VC-JWT payload is shown as JSON', () => {
  it('drops the registered JWT claims and keeps the credential', () => {
    expect(withoutJwtClaims({ id: 'urn:uuid:1', iss: 'x', sub: 'y', jti: 'urn:uuid:1', nbf: 1, exp: 2, name: 'Badge' })).toEqual({
      id: 'urn:uuid:1',
      name: 'Badge',
    });
  });
});
