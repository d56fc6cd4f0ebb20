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

  describe('when a worker process is given a health port', () => {
    it('opens none by default and the given one when set', () => {
      expect(loadConfig({ LAUREL_ROLE: 'worker' }).workerHealthPort).toBeUndefined();
      expect(loadConfig({ LAUREL_ROLE: 'worker', LAUREL_WORKER_HEALTH_PORT: '3001' }).workerHealthPort).toBe(3001);
    });

    it('names the setting when it is not a port', () => {
      expect(() => loadConfig({ LAUREL_WORKER_HEALTH_PORT: 'http' })).toThrow('LAUREL_WORKER_HEALTH_PORT=http is not a TCP port (0-65535)');
    });
  });

  describe('when setting the worker priority', () => {
    it('runs worker processes at nice 5 by default, or at the nice value given', () => {
      expect(loadConfig({ LAUREL_ROLE: 'worker' }).workerNice).toBe(5);
      expect(loadConfig({ LAUREL_ROLE: 'worker', LAUREL_WORKER_NICE: '0' }).workerNice).toBe(0);
      expect(loadConfig({ LAUREL_ROLE: 'worker', LAUREL_WORKER_NICE: '19' }).workerNice).toBe(19);
    });

    it.each(['-5', '20', '5.5', 'low', ''])('refuses LAUREL_WORKER_NICE=%s and says which values work', (value) => {
      expect(() => loadConfig({ LAUREL_WORKER_NICE: value })).toThrow(
        `LAUREL_WORKER_NICE=${value} is not valid: use a whole number from 0 (the API's priority) to 19 (the lowest)`,
      );
    });
  });
});
