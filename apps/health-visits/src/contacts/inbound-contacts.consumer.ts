import { EventConsumer, EventConsumerFactory, RejectedEvent, type ConsumedEvent } from '@lib/kafka';
import {
  BeforeApplicationShutdown,
  ConflictException,
  Injectable,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { parseContact } from './contact';
import { ContactRefused, ContactsService } from './contacts.service';

export const INBOUND_TOPIC = 'health-visits.inbound.v1';

/**
 * Contacts that HV record systems publish on the inbound topic instead of calling the API:
 * applied exactly as the API applies them (channel `hv-topic`). A message that breaks the
 * contract is dead-lettered by the consumer; one that breaks a contact rule, or names another
 * organisation than its envelope's `sourceorg`, is rejected to the dead-letter topic with the
 * reason. Either way the partition moves on.
 */
@Injectable()
export class InboundContactsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly consumer: EventConsumer;

  constructor(
    factory: EventConsumerFactory,
    private readonly contacts: ContactsService,
  ) {
    this.consumer = factory.create({
      groupId: 'health-visits.inbound',
      topics: [INBOUND_TOPIC],
      handler: (consumed) => this.apply(consumed),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }

  private async apply({ event }: ConsumedEvent): Promise<void> {
    const parsed = parseContact(event.data);
    if (parsed.problems) throw new RejectedEvent(reasons(parsed.problems));
    const { contact } = parsed;
    if (event.sourceorg !== contact.organisationCode) {
      throw new RejectedEvent(
        `organisationCode: an HV system publishes only its own organisation's contacts ` +
          `(sourceorg ${event.sourceorg ?? 'absent'})`,
      );
    }
    try {
      await this.contacts.recordContact(contact, 'hv-topic', new Date());
    } catch (error) {
      if (error instanceof ContactRefused) throw new RejectedEvent(reasons(error.problems));
      if (error instanceof ConflictException) throw new RejectedEvent(error.message);
      throw error;
    }
  }
}

function reasons(problems: readonly { field: string; reason: string }[]): string {
  return problems.map((p) => `${p.field}: ${p.reason}`).join('; ');
}
