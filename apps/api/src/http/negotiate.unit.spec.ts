import { NotAcceptableException } from '@nestjs/common';
import { chooseType, negotiate } from './negotiate';

const CREDENTIAL = ['application/json', 'application/ld+json', 'application/jwt'] as const;

describe('when a caller says what it accepts', () => {
  it.each([
    [undefined, 'application/json'],
    ['', 'application/json'],
    ['application/jwt', 'application/jwt'],
    ['application/ld+json', 'application/ld+json'],
    ['application/json', 'application/json'],
    ['*/*', 'application/json'],
    ['application/*', 'application/json'],
    ['application/json, application/jwt', 'application/json'],
    ['application/jwt, application/json', 'application/jwt'],
    ['application/json;q=0.5, application/jwt', 'application/jwt'],
    ['application/jwt;q=0, application/json', 'application/json'],
    ['*/*;q=0.1, application/ld+json', 'application/ld+json'],
    ['*/*, application/json;q=0', 'application/ld+json'],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'application/json'],
    ['APPLICATION/LD+JSON', 'application/ld+json'],
    // A range with parameters takes only a type offered with the same parameters (as Express decides).
    ['application/ld+json; profile="https://www.w3.org/ns/credentials/v2"', undefined],
    ['application/ld+json; profile="https://www.w3.org/ns/credentials/v2", application/json;q=0.5', 'application/json'],
    ['text/html', undefined],
    ['application/xml, text/*', undefined],
    ['application/json;q=0', undefined],
    ['nonsense', undefined],
  ])('for %p answers %p', (accept, type) => {
    expect(negotiate(accept, CREDENTIAL)).toBe(type);
  });
});

describe('when nothing offered is acceptable', () => {
  it('refuses with a 406 naming every type it could have served', () => {
    expect(() => chooseType('text/html', CREDENTIAL, 'a credential')).toThrow(NotAcceptableException);
    expect(() => chooseType('text/html', CREDENTIAL, 'a credential')).toThrow(
      'a credential is served as application/json, application/ld+json or application/jwt; Accept: text/html takes none of them: ask for one of them, or send no Accept header',
    );
  });
});
