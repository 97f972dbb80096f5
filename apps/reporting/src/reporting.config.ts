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
}
