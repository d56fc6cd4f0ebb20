export * from './config';
export * from './redis';
export * from './open-event-store';
export * from './platform.module';
export * from './local-auth-key';
export * from './lookup-index';
export * from './rule-set-registry';
export * from './signing-keys';
