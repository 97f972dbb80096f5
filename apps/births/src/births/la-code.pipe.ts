import { problemsException } from '@lib/platform';
import { Injectable, PipeTransform } from '@nestjs/common';
import { LA_CODE } from '../geography/geography-codes';

/** An ONS local authority code such as E06000999 (route parameter). */
@Injectable()
export class LaCodePipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (LA_CODE.test(value)) return value;
    throw problemsException([{ field: 'la', reason: 'must be an ONS LA code such as E06000999' }]);
  }
}
