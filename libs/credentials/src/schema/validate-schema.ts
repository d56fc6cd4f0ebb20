import type { AnySchema, ErrorObject, ValidateFunction } from 'ajv';
import Ajv2019 from 'ajv/dist/2019';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import clrSchema from './clr_v2p0_clrcredential_schema_draft4.json';
import obSchema from './ob_v3p0_achievementcredential_schema.json';

/**
 * The vendored 1EdTech schemas (copied unchanged from `shared/ob3/schema`):
 * - `ob-achievement-credential`: OB 3.0 AchievementCredential, JSON Schema 2019-09;
 * - `clr-credential`: CLR 2.0 ClrCredential, JSON Schema draft 4.
 */
export type SchemaName = 'ob-achievement-credential' | 'clr-credential';

/** One schema violation: a JSON Pointer into the credential (`''` is the root), the keyword that failed, and Ajv's message. */
export interface SchemaError {
  path: string;
  keyword: string;
  message: string;
}

const validators = new Map<SchemaName, ValidateFunction>();

// Compiled on first use (about 100 ms each) and kept for the process. The
// official schemas are not written for Ajv's strict mode (tuple `items`,
// `$defs` under draft 4), hence strict: false.
function validatorFor(name: SchemaName): ValidateFunction {
  let validate = validators.get(name);
  if (!validate) {
    const ajv =
      name === 'ob-achievement-credential'
        ? new Ajv2019({ allErrors: true, strict: false })
        : new AjvDraft04({ allErrors: true, strict: false });
    addFormats(ajv);
    validate = ajv.compile(
      (name === 'ob-achievement-credential'
        ? obSchema
        : clrSchema) as AnySchema,
    );
    validators.set(name, validate);
  }
  return validate;
}

function toSchemaError(error: ErrorObject): SchemaError {
  const missing =
    error.keyword === 'required'
      ? (error.params as { missingProperty?: string }).missingProperty
      : undefined;
  return {
    path: error.instancePath,
    keyword: error.keyword,
    message:
      missing === undefined
        ? (error.message ?? error.keyword)
        : `must have required property '${missing}'`,
  };
}

/**
 * Validates a value against one of the vendored schemas; `[]` means valid.
 *
 * @example
 * ```ts
 * validateSchema('ob-achievement-credential', { ...credential, type: ['VerifiableCredential'] });
 * // [{ path: '/type', keyword: 'contains', message: 'must contain at least 1 valid item(s)' }, ...]
 * ```
 */
export function validateSchema(
  name: SchemaName,
  value: unknown,
): SchemaError[] {
  const validate = validatorFor(name);
  if (validate(value)) return [];
  const seen = new Set<string>();
  const errors: SchemaError[] = [];
  for (const error of validate.errors ?? []) {
    const item = toSchemaError(error);
    const key = `${item.path}\u0000${item.keyword}\u0000${item.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      errors.push(item);
    }
  }
  return errors;
}
