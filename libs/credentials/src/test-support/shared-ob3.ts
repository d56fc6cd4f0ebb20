import path from 'node:path';

/** `<repo>/../shared/ob3/<parts>`: the OB 3.0 reference files (CI clones shared/ beside the repository). */
export const sharedOb3 = (...parts: string[]): string => path.resolve(__dirname, '..', '..', '..', '..', '..', 'shared', 'ob3', ...parts);
