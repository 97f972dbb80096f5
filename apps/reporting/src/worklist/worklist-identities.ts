import type { ConsumedEvent } from '@lib/kafka';
import { Pseudonymiser } from '@lib/personal-data';
import { Injectable } from '@nestjs/common';

/**
 * The worklist's only identifier: the NHS number behind each pseudonym of a child births told us
 * about (born or moved in). Held in memory, rebuilt by the same replay as the figures; the
 * figures themselves never see it. Names and addresses stay in the journey (read one child at a
 * time, audited), so the list carries the least that lets staff act.
 */
@Injectable()
export class WorklistIdentities {
  private readonly nhsNumbers = new Map<string, string>();

  constructor(private readonly pseudonymiser: Pseudonymiser) {}

  apply({ event }: ConsumedEvent): void {
    switch (event.type) {
      case 'BirthNotified':
      case 'BirthCorrected':
      case 'ResidenceChanged': {
        const { nhsNumber } = (event.data as { facts: { nhsNumber: string } }).facts;
        this.nhsNumbers.set(this.pseudonymiser.pseudonym(nhsNumber), nhsNumber);
        return;
      }
      default:
        return;
    }
  }

  nhsNumberOf(pseudonym: string): string | undefined {
    return this.nhsNumbers.get(pseudonym);
  }
}
