import { ukToday } from '@lib/platform';
import { BadRequestException, ServiceUnavailableException } from '@nestjs/common';
import { AreaMap, FigureRequestError } from './figures';
import { FiguresService } from './figures.service';
import { PeriodError } from './periods';

/**
 * How every route over the in-memory figures answers: 503 until the replay from offset 0 has
 * caught up, then the work under the chosen boundary version (default: in force today); a period,
 * area or boundary version that does not exist is the caller's mistake, a 400 saying which.
 */
export async function answerFigureRequest<T>(
  figures: FiguresService,
  boundaries: string | undefined,
  work: (map: AreaMap, today: string) => T | Promise<T>,
): Promise<T> {
  if (!figures.caughtUp) {
    throw new ServiceUnavailableException(
      'figures are being rebuilt from the event log; try again shortly',
    );
  }
  const today = ukToday();
  try {
    return await work(figures.calculator.boundaryVersion(boundaries, today), today);
  } catch (error) {
    if (error instanceof PeriodError || error instanceof FigureRequestError)
      throw new BadRequestException(error.message);
    throw error;
  }
}

/** A whole-number query parameter from 0 to `max` (digits only), or the default when absent. */
export function wholeNumberParam(
  field: string,
  value: string | undefined,
  fallback: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n > max) {
    throw new BadRequestException(`${field}: a whole number from 0 to ${max}`);
  }
  return n;
}
