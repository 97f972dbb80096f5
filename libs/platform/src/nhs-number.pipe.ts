import { problemsException } from './validation';
import { nhsNumberProblem } from '@lib/nhs-number';
import { Injectable, PipeTransform } from '@nestjs/common';

/** A route parameter that must be an NHS number: 400 naming the parameter and the reason. */
@Injectable()
export class NhsNumberPipe implements PipeTransform<unknown, string> {
  transform(value: unknown): string {
    const problem = nhsNumberProblem(value);
    if (problem) {
      throw problemsException([{ field: 'nhsNumber', reason: `nhsNumber ${problem}` }]);
    }
    return value as string;
  }
}
