import { AsyncResource } from 'node:async_hooks';

// eslint-disable-next-line @typescript-eslint/unbound-method -- called with its resource as `this`
const original = AsyncResource.prototype.bind;
let installed = false;

/**
 * Replaces Node's `AsyncResource#bind` with one that binds the same way
 * (the function runs in the resource's async scope, with the caller's `this`
 * or the one given) without wrapping the deprecated `asyncResource`
 * accessors (DEP0172) in `util.deprecate`. Node 20 does that on every call,
 * and each call then makes a fresh function the prototype of another: about
 * 20 µs and a few hidden classes that survive young-generation collections.
 * Fastify binds one function per request body (its content-type parser; fixed
 * upstream after 5.11, the version @nestjs/platform-fastify 11 pins), which
 * made this a twentieth of the CPU of a `POST /participations` and most of
 * what each scavenge promoted. `asyncResource` stays readable, as a plain
 * property. Safe to call more than once.
 *
 * @example
 * ```ts
 * useFastAsyncResourceBind();
 * const done = new AsyncResource('parse').bind(onDone);
 * ```
 */
export function useFastAsyncResourceBind(): void {
  if (installed) return;
  installed = true;
  type Bindable = (this: unknown, ...args: unknown[]) => unknown;
  function bind(this: AsyncResource, fn: Bindable, thisArg?: unknown): Bindable {
    // Node's own argument check and error.
    if (typeof fn !== 'function') return Reflect.apply(original, this, [fn, thisArg]) as Bindable;
    const run = this.runInAsyncScope.bind(this);
    const bound: Bindable =
      thisArg === undefined
        ? function (this: unknown, ...args: unknown[]) {
            return run(fn, this, ...args);
          }
        : (...args: unknown[]) => run(fn, thisArg, ...args);
    Object.defineProperty(bound, 'length', { configurable: true, enumerable: false, value: fn.length, writable: false });
    return Object.assign(bound, { asyncResource: this });
  }
  AsyncResource.prototype.bind = bind as typeof original;
}
