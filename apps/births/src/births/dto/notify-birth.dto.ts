import { IsNhsNumber } from '@lib/nhs-number';
import { ApiProperty } from '@nestjs/swagger';
import { BirthStateDto } from './birth-state.dto';

/** The minimum a birth notification needs: the baby's NHS number and the birth's state. */
export class NotifyBirthDto extends BirthStateDto {
  @ApiProperty({
    description: "The baby's NHS number (10 digits, Modulus 11)",
    example: '9995000016',
  })
  @IsNhsNumber()
  nhsNumber!: string;
}
