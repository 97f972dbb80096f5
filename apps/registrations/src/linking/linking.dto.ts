import { UNLINK_REASONS, type UnlinkReason } from '@lib/contracts';
import { IsNhsNumber } from '@lib/nhs-number';
import { ApiProperty } from '@nestjs/swagger';
import { IsIn, ValidateIf } from 'class-validator';

/** A manager's decision on a review: one of its candidates, or null for none of them. */
export class ReviewDecisionDto {
  @ApiProperty({
    type: String,
    nullable: true,
    description: "The chosen candidate's NHS number, or null: none of the candidates",
  })
  @ValidateIf((d: ReviewDecisionDto) => d.nhsNumber !== null)
  @IsNhsNumber()
  nhsNumber!: string | null;
}

export class UnlinkDto {
  @ApiProperty({ enum: UNLINK_REASONS })
  @IsIn(UNLINK_REASONS, { message: `reason must be one of ${UNLINK_REASONS.join(', ')}` })
  reason!: UnlinkReason;
}
