import { nearMatches } from './issues';

const ACTIVITIES = [
  'basketball-league',
  'volleyball-tournament',
  'running-club',
  'vilnius-marathon-team',
  'robotics-club',
  'photo-club',
  'food-bank',
];

describe('nearMatches', () => {
  it('offers the ids a few edits away, closest first', () => {
    expect(nearMatches('robotics-clb', ACTIVITIES)).toEqual(['robotics-club']);
    expect(nearMatches('2025052', ['20250052', '20250520', '20241111'])).toEqual(['20250052', '20250520']);
  });

  it('offers the ids a shortened one names word for word, a slip in a word included, fewest words added first', () => {
    expect(nearMatches('basketball', ACTIVITIES)).toEqual(['basketball-league']);
    expect(nearMatches('basketbal', ACTIVITIES)).toEqual(['basketball-league']);
    expect(nearMatches('marathon', ACTIVITIES)).toEqual(['vilnius-marathon-team']);
    expect(nearMatches('marathon-team', ACTIVITIES)).toEqual(['vilnius-marathon-team']);
    expect(nearMatches('meta', ['meta-leadership-and-more', 'meta-leadership'])).toEqual(['meta-leadership', 'meta-leadership-and-more']);
  });

  it('offers at most three, and nothing for an id that names no part of any', () => {
    expect(nearMatches('club', [...ACTIVITIES, 'chess-club'])).toHaveLength(3);
    expect(nearMatches('chess-champion', ACTIVITIES)).toEqual([]);
    expect(nearMatches('no-such-activity', ACTIVITIES)).toEqual([]);
    // Too short to name a part: `art` would match every id with that word in it.
    expect(nearMatches('art', ['art-club', 'art-studio-night'])).toEqual([]);
  });
});
