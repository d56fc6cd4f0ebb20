import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  describe('when choosing what a process runs', () => {
    it('runs the projection and the award worker by default', () => {
      const config = loadConfig({});
      expect(config).toMatchObject({ role: 'all', projection: true, awardWorker: true });
    });

    it('lets a worker process run only the awards, or only the projection', () => {
      expect(loadConfig({ LAUREL_ROLE: 'worker', LAUREL_PROJECTION: 'off' })).toMatchObject({ projection: false, awardWorker: true });
      expect(loadConfig({ LAUREL_ROLE: 'worker', LAUREL_AWARD_WORKER: 'off' })).toMatchObject({ projection: true, awardWorker: false });
    });

    it('refuses a projection turned off where the API would serve read models nobody updates', () => {
      expect(() => loadConfig({ LAUREL_PROJECTION: 'off' })).toThrow(ConfigError);
      expect(() => loadConfig({ LAUREL_PROJECTION: 'off' })).toThrow(/LAUREL_ROLE=all/);
    });

    it('refuses a worker with nothing to do', () => {
      expect(() => loadConfig({ LAUREL_ROLE: 'worker', LAUREL_PROJECTION: 'off', LAUREL_AWARD_WORKER: 'off' })).toThrow(/nothing to do/);
    });

    it('names the setting and its values when one is misspelt', () => {
      expect(() => loadConfig({ LAUREL_PROJECTION: 'no' })).toThrow('LAUREL_PROJECTION=no is not valid: use one of on, off');
    });
  });
});
