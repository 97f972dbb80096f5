import { ServiceConfig } from '@lib/config';
import { IsInt, Max, Min } from 'class-validator';

export class ReportingConfig extends ServiceConfig {
  override PORT: number = 3004;

  /**
   * Days after a birth or move-in before an unreached family shows on the outreach worklist
   * (`?afterDays=` overrides per request). 14: the new-birth visit is due by day 14, so health
   * has usually seen the family; the centre's own target is contact within 30 days.
   */
  @IsInt()
  @Min(0)
  @Max(1826)
  WORKLIST_AFTER_DAYS: number = 14;

  /**
   * Days between the day a record is about and the day it reached the backbone after which it
   * is on the late-records list (`?lateAfterDays=` overrides per request). 30: the centre's own
   * contact target, and a month of figures read without it.
   */
  @IsInt()
  @Min(0)
  @Max(1826)
  LATE_RECORD_DAYS: number = 30;
}
