import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';

function flatten(errors: ValidationError[], prefix = ''): { field: string; messages: string[] }[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, messages: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/**
 * Validates bodies and queries with class-validator: unknown fields are
 * rejected, and the 400 names each bad field with what to fix.
 */
export const validationPipe = () =>
  new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fields = flatten(errors).map((f) =>
        f.messages.some((m) => m.includes('should not exist'))
          ? {
              field: f.field,
              messages: [`${f.field} is not a known field; remove it`],
            }
          : f,
      );
      return new BadRequestException({
        error: 'Bad Request',
        message: fields.map((f) => f.messages.join(', ')).join('; '),
        errors: fields,
      });
    },
  });
