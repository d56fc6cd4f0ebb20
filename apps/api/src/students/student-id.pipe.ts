import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';
import { ID_PATTERN, ID_RULE } from '@laurel/progression';

/** Validates a `:id` path parameter that names a student (it becomes a stream name). */
@Injectable()
export class StudentIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!ID_PATTERN.test(value)) throw new BadRequestException(`student id "${value.slice(0, 80)}" is not valid: use ${ID_RULE}`);
    return value;
  }
}
