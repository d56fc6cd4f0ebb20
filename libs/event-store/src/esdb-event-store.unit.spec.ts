import { serverFilterFor } from './esdb-event-store';

describe('serverFilterFor', () => {
  describe('when the filter names event types', () => {
    it('matches the whole type, with regex characters escaped', () => {
      const filter = serverFilterFor({
        eventTypes: ['BadgeEarned', 'a.b'],
        streamPrefixes: ['student-'],
      });
      expect(filter).toMatchObject({
        filterOn: 'eventType',
        regex: '^(?:BadgeEarned|a\\.b)$',
      });
      const re = new RegExp((filter as { regex: string }).regex);
      expect(re.test('BadgeEarned')).toBe(true);
      expect(re.test('BadgeEarnedV2')).toBe(false);
      expect(re.test('aXb')).toBe(false);
    });
  });

  describe('when the filter names only stream prefixes', () => {
    it('filters on stream name prefixes', () => {
      expect(serverFilterFor({ streamPrefixes: ['student-'] })).toMatchObject({
        filterOn: 'streamName',
        prefixes: ['student-'],
      });
    });
  });

  describe('when there is no filter', () => {
    it('still excludes system events', () => {
      expect(serverFilterFor(undefined)).toMatchObject({
        filterOn: 'eventType',
        regex: '^[^$].*',
      });
    });
  });
});
