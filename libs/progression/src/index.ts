export * from './events';
export * from './domain-error';
export * from './student/student-state';
export * from './student/record-participation';
export * from './student/void-participation';
export * from './student/applications';
export * from './student/revoke-award';
export * from './rule-facts';
