import { v5 as uuidv5 } from 'uuid';
import { awardIdOf, derivedId } from './derived-events';

const NAMESPACE = 'a7c3e5f1-2b4d-4c6e-8f0a-1b3d5e7f9a2c';
const reference = (...parts: (string | number)[]) => uuidv5(parts.join('\u0000'), NAMESPACE);

describe('derived ids', () => {
  it('are the ids already stored: fixed values made by uuid v5', () => {
    // A change here would give every award, level and credential a new id, and so award them all again.
    expect(awardIdOf('vilnius-tech', '20231234', 'sports-participant', 0)).toBe('ece5f64e-b82d-5692-87f2-27f69b006014');
    expect(derivedId('CredentialIssued', '6f1d5b8e-4a43-4c6e-9d3c-7f1c2e9a8b10')).toBe('b6445109-06e9-5740-a88f-7c0dcd9bb733');
    expect(derivedId('level', 'vilnius-tech', 'studentas-ž', 'activity')).toBe('246c20ab-2b02-566a-9b56-ce0e18d18b60');
  });

  it('equal uuid v5 with the namespace as a string, for every kind of part: ASCII, Lithuanian and other non-ASCII letters, emoji, numbers, empty, long', () => {
    const alphabet = ['a', 'Z', '0', '-', '_', ':', '/', 'ą', 'č', 'ę', 'ė', 'į', 'š', 'ų', 'ū', 'ž', 'Ž', '日', '本', '😀', '\u0000', ' ', 'ß'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const part = () => Array.from({ length: next() % 40 }, () => alphabet[next() % alphabet.length]).join('');
    for (let i = 0; i < 500; i++) {
      const parts = Array.from({ length: 1 + (next() % 5) }, (_, k) => (k === 4 ? next() % 1000 : part()));
      expect(derivedId(...parts)).toBe(reference(...parts));
    }
    expect(derivedId('')).toBe(reference(''));
    const long = 'ž'.repeat(5000);
    expect(derivedId('award', long)).toBe(reference('award', long));
  });

  it('fail like uuid v5 on a lone surrogate, which has no UTF-8 encoding', () => {
    expect(() => reference('award', '\uD800')).toThrow(URIError);
    expect(() => derivedId('award', '\uD800')).toThrow(URIError);
  });
});
