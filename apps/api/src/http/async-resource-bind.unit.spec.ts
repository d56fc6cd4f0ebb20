import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import { useFastAsyncResourceBind } from './async-resource-bind';

describe('useFastAsyncResourceBind', () => {
  beforeAll(() => useFastAsyncResourceBind());

  describe('when a function is bound to a resource', () => {
    it("runs it in the resource's async context, with the caller's this and arguments", () => {
      const store = new AsyncLocalStorage<string>();
      const bound = store.run('request-1', () =>
        new AsyncResource('test').bind(function (this: unknown, a: number, b: number) {
          return [store.getStore(), this, a + b];
        }),
      );
      expect(store.run('request-2', () => bound.call('caller', 1, 2))).toEqual(['request-1', 'caller', 3]);
    });

    it('keeps the length of the function and names its resource', () => {
      const resource = new AsyncResource('test');
      const bound = resource.bind((_a: number, _b: number, _c: number) => undefined);
      expect(bound.length).toBe(3);
      expect((bound as unknown as { asyncResource: AsyncResource }).asyncResource).toBe(resource);
    });
  });

  describe('when a this is given', () => {
    it('calls the function with it, whoever calls', () => {
      const target = { name: 'target' };
      const bound = AsyncResource.bind(
        function (this: unknown, a: number) {
          return [this, a];
        },
        'test',
        target,
      );
      expect(bound.call({ name: 'other' }, 7)).toEqual([target, 7]);
    });
  });

  describe('when what is bound is not a function', () => {
    it("throws Node's own TypeError", () => {
      expect(() => new AsyncResource('test').bind(42 as unknown as () => void)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    });
  });
});
