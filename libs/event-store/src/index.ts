export * from './event-store';
export * from './errors';
export { matchesFilter, validateAppend } from './validate-append';
export * from './sqlite-event-store';
export * from './esdb-event-store';
