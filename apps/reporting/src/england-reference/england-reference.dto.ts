import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { INDICATORS, type IndicatorId } from '../figures/figure-types';

/** Response shapes of the England reference routes (for Swagger). */

export class EnglandReferenceUploaded {
  @ApiProperty({ example: 3, description: 'The version the upload was stored as' })
  version!: number;

  @ApiProperty({ example: 24 })
  rowCount!: number;
}

export class EnglandReferenceRowView {
  @ApiProperty({ enum: INDICATORS })
  indicator!: IndicatorId;

  @ApiProperty({ example: 'quarter:2026-27-Q1' })
  period!: string;

  @ApiProperty({ example: 0.074, minimum: 0, maximum: 1, description: 'A proportion' })
  value!: number;

  @ApiPropertyOptional({ example: 'NHS Digital SATOD 2026-27 Q1', maxLength: 200 })
  source?: string;
}

export class EnglandReferenceView {
  @ApiProperty({ example: 3 })
  version!: number;

  @ApiProperty({ example: 'england-reference:3' })
  versionId!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  uploadedAt!: Date;

  @ApiProperty({ example: 24 })
  rowCount!: number;

  @ApiProperty({ type: [EnglandReferenceRowView] })
  rows!: EnglandReferenceRowView[];
}

export class EnglandReferenceRowError {
  @ApiProperty({ example: 4, description: 'Line in the file (the header is line 1)' })
  line!: number;

  @ApiProperty({
    example: 'value',
    description: 'A column, or `row` (wrong number of cells), `header` or `file`',
  })
  field!: string;

  @ApiProperty({
    example:
      'value 1.2 is not a proportion between 0 and 1: write 0.125, or 12.5% for a percentage',
  })
  message!: string;
}

export class EnglandReferenceRefusal {
  @ApiProperty({ example: 400 })
  statusCode!: number;

  @ApiProperty({ example: 'England reference file refused: nothing was stored' })
  message!: string;

  @ApiProperty({ description: 'Every error in the file (at most 500 listed)' })
  errorCount!: number;

  @ApiProperty({ type: [EnglandReferenceRowError] })
  errors!: EnglandReferenceRowError[];
}
