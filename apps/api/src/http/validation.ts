import { BadRequestException, ValidationPipe, type ArgumentMetadata, type Type, type ValidationError } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { didYouMean } from '@laurel/rules';

/** Constraints on a value's JSON type: when one fails, the rules about its size, range or format say nothing useful. */
const TYPE_CONSTRAINTS = ['isArray', 'isString', 'isNumber', 'isBoolean', 'hasAtMostDecimals'];

/**
 * Each bad field with what to fix. A required field left out says so, and a
 * value of the wrong type says which type it must be, rather than listing
 * every rule its value would have had to follow.
 */
function flatten(errors: ValidationError[], prefix = ''): { field: string; messages: string[] }[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const constraints = e.constraints;
    if (!constraints) return flatten(e.children ?? [], field);
    const missing = e.value === undefined && !('whitelistValidation' in constraints);
    const wrongType = TYPE_CONSTRAINTS.filter((c) => c in constraints);
    const messages = missing ? [`${field} is required`] : wrongType.length > 0 ? wrongType.map((c) => constraints[c]!) : Object.values(constraints);
    return [{ field, messages }, ...flatten(e.children ?? [], field)];
  });
}

/**
 * What to fix in a body class-validator refused, field by field: a field
 * left out is required, a field sent that the DTO does not have is to be
 * removed. The 400 of every endpoint and the rejected rows of a batch say it
 * the same way.
 */
export function fieldProblems(errors: ValidationError[]): { field: string; messages: string[] }[] {
  const known = knownFields(errors);
  return flatten(errors).map((f) => {
    if (!f.messages.some((m) => m.includes('should not exist'))) return f;
    // `hour`, `activity`, `student_id`: a misspelt field is a field meant, so name it.
    const meant = f.field.includes('.') ? undefined : didYouMean(f.field, known);
    return { field: f.field, messages: [`${f.field} is not a known field; ${meant === undefined ? 'remove it' : `did you mean ${meant}?`}`] };
  });
}

/** The fields of the DTO the top-level errors are about (its validated properties). */
function knownFields(errors: ValidationError[]): string[] {
  const target = errors.find((e) => e.target !== undefined)?.target;
  if (target === undefined) return [];
  return [
    ...new Set(
      getMetadataStorage()
        .getTargetValidationMetadatas(target.constructor, '', true, false)
        .map((m) => m.propertyName),
    ),
  ];
}

/**
 * A check of a body against one DTO class that may only answer yes when
 * class-validator would find nothing wrong with it: anything it is unsure of
 * goes through class-validator, which also words the 400.
 */
export type QuickCheck = (body: Record<string, unknown>) => boolean;

const isPlainRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;

/**
 * Nest's pipe, except that a body of a DTO class with a quick check that
 * passes it becomes the DTO without class-validator's metadata walk (a
 * tenth of the CPU of a `POST /participations`). The DTO is built as
 * class-transformer builds one from flat JSON: the class's instance with the
 * body's fields.
 */
class QuickValidationPipe extends ValidationPipe {
  constructor(
    options: ConstructorParameters<typeof ValidationPipe>[0],
    private readonly quick: ReadonlyMap<Type, QuickCheck>,
  ) {
    super(options);
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const dto = metadata.type === 'body' ? metadata.metatype : undefined;
    const check = dto === undefined ? undefined : this.quick.get(dto);
    if (dto !== undefined && check !== undefined && isPlainRecord(value) && check(value)) {
      return Object.assign(new (dto as Type<object>)(), value);
    }
    // JSON sent as text/plain arrives as a string: say so, instead of naming every field as missing.
    if (metadata.type === 'body' && value !== undefined && !isPlainRecord(value) && this.toValidate(metadata)) {
      throw new BadRequestException({
        error: 'Bad Request',
        message: `the body must be a JSON object, sent with content-type: application/json (got ${Array.isArray(value) ? 'an array' : typeof value === 'string' ? 'text' : JSON.stringify(value)})`,
      });
    }
    return super.transform(value, metadata);
  }
}

/**
 * Validates bodies and queries with class-validator: unknown fields are
 * rejected, and the 400 names each bad field with what to fix. `quick`
 * lists the DTOs whose well-formed bodies skip class-validator.
 */
export const validationPipe = (quick: [Type, QuickCheck][] = []) =>
  new QuickValidationPipe(
    {
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transform: true,
      // The value tells a field left out from one sent wrong, the target which fields a misspelt one may have meant;
      // neither is echoed back.
      validationError: { target: true, value: true },
      exceptionFactory: (errors) => {
        const fields = fieldProblems(errors);
        return new BadRequestException({
          error: 'Bad Request',
          message: fields.map((f) => f.messages.join(', ')).join('; '),
          errors: fields,
        });
      },
    },
    new Map(quick),
  );
