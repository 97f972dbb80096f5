import type { CloudEvent } from '@lib/contracts';
import {
  deterministicEventId,
  EventProducer,
  insertWithOutbox,
  pendingOutbox,
  type OutboxFields,
} from '@lib/kafka';
import { currentCorrelationId } from '@lib/logging';
import { KeyedSerializer, ukToday, type FieldProblem } from '@lib/platform';
import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { createHash } from 'node:crypto';
import {
  contactKey,
  contactRuleProblems,
  type ContactChannel,
  type ContactInput,
  type ContactKey,
} from './contact';
import { AntenatalLinks } from './antenatal-links';
import { KnownBirths } from './known-births';
import { SharingChoices } from './sharing-choices';
import { CONTACTS_TOPIC, OUTBOX_COLLECTIONS } from './topics';

const MAX_VERSION_ATTEMPTS = 100;
const MAX_REMEMBERED_CONTACTS = 200_000;

/** The contact facts every ContactRecorded / ContactAmended event carries. */
export type ContactFacts = Omit<ContactInput, 'nhsNumber'> & {
  contactId: string;
  channel: ContactChannel;
  nhsNumber?: string;
  motherNhsNumber?: string;
};

/** One version of a contact (collection `contact_versions`), insert-only, with its event. */
interface ContactVersion {
  /** `<contactId>:<version>`: the store looks up only `_id` by index. */
  _id: string;
  contactId: string;
  version: number;
  kind: 'recorded' | 'amended' | 'cancelled';
  /** The Kafka key: the child's NHS number, or `mother:<nhs>` for an antenatal contact. */
  subjectKey: string;
  facts: ContactFacts;
  /** Digest of the contact's content (not the channel it came through). */
  contentHash: string;
  eventId: string;
  receivedAt: Date;
  outbox: OutboxFields;
}

export type ContactOutcome = 'recorded' | 'amended' | 'cancelled' | 'unchanged';

export interface ContactResult {
  contactId: string;
  version: number;
  eventId: string;
  outcome: ContactOutcome;
}

/** A contact that breaks a rule (future date, impossible review, ...): every problem listed. */
export class ContactRefused extends Error {
  constructor(readonly problems: FieldProblem[]) {
    super(problems.map((p) => p.reason).join('; '));
  }
}

/**
 * Health-visitor contacts, one per idempotency key (source system, organisation code, source
 * contact id) whatever the channel: the first arrival is recorded, the same content again changes
 * nothing, different content is an amendment, and a cancellation ends the contact. Each change is
 * a version stored with its event (published by the outbox relay, in version order per contact).
 */
@Injectable()
export class ContactsService {
  private readonly versions: Collection<ContactVersion>;
  private readonly perContact = new KeyedSerializer();
  private readonly latestVersions = new Map<string, number>();

  constructor(
    @InjectConnection() connection: Connection,
    private readonly producer: EventProducer,
    private readonly knownBirths: KnownBirths,
    private readonly antenatal: AntenatalLinks,
    private readonly sharing: SharingChoices,
  ) {
    this.versions = connection.collection<ContactVersion>(OUTBOX_COLLECTIONS.contactVersions);
  }

  /**
   * Records or amends a contact (or changes nothing when it is held as it is). Throws
   * ContactRefused when it breaks a rule, and 409 when the contact was cancelled.
   */
  async recordContact(
    input: ContactInput,
    channel: ContactChannel,
    receivedAt: Date,
  ): Promise<ContactResult> {
    const birthDate =
      input.contactType === 'antenatal'
        ? undefined
        : await this.knownBirths.birthDateOf(input.nhsNumber);
    const problems = contactRuleProblems(input, { today: ukToday(receivedAt), birthDate });
    if (problems.length > 0) throw new ContactRefused(problems);
    const contactId = contactIdOf(input);
    const facts = toFacts(contactId, input, channel);
    const hash = contentHash(facts);
    let previousMother: string | undefined;
    const result = await this.changeContact(contactId, receivedAt, (latest) => {
      previousMother = latest?.facts.motherNhsNumber;
      if (latest?.kind === 'cancelled') {
        throw new ConflictException({
          statusCode: 409,
          error: 'Conflict',
          message: 'this contact was cancelled by its source system; it is not amended again',
        });
      }
      if (latest?.contentHash === hash) return null;
      return {
        kind: latest ? 'amended' : 'recorded',
        type: latest ? 'ContactAmended' : 'ContactRecorded',
        facts,
        contentHash: hash,
      };
    });
    // Also when unchanged: what the last attempt could not finish (a crash) is done now.
    if (facts.nhsNumber && facts.sharingStatus !== 'not_asked') {
      await this.sharing.atContact(
        {
          nhsNumber: facts.nhsNumber,
          ref: `${contactId}:${result.version}`,
          objects: facts.sharingStatus === 'objects',
          effectiveDate: facts.contactDate,
          channel,
          organisationCode: facts.organisationCode,
        },
        receivedAt,
      );
    }
    if (previousMother !== undefined && previousMother !== facts.motherNhsNumber) {
      await this.antenatal.antenatalWithdrawn(previousMother, contactId);
    }
    if (facts.motherNhsNumber) {
      const { sourceSystem, organisationCode, sourceContactId, contactDate } = facts;
      await this.antenatal.antenatalRecorded(
        facts.motherNhsNumber,
        { contactId, sourceSystem, organisationCode, sourceContactId, contactDate },
        receivedAt,
      );
    }
    return result;
  }

  /** Cancels a contact (404 when it was never recorded; a second cancellation changes nothing). */
  async cancelContact(
    key: ContactKey,
    channel: ContactChannel,
    receivedAt: Date,
  ): Promise<ContactResult> {
    const contactId = contactIdOf(key);
    let mother: string | undefined;
    const result = await this.changeContact(contactId, receivedAt, (latest) => {
      mother = latest?.facts.motherNhsNumber;
      if (!latest)
        throw new NotFoundException('no contact with that source system, organisation and id');
      if (latest.kind === 'cancelled') return null;
      return {
        kind: 'cancelled',
        type: 'ContactCancelled',
        facts: { ...latest.facts, channel },
        contentHash: latest.contentHash,
        cancelled: true,
      };
    });
    // Also when already cancelled: what the last attempt could not finish is done now.
    if (mother !== undefined) await this.antenatal.antenatalWithdrawn(mother, contactId);
    return result;
  }

  private async changeContact(
    contactId: string,
    receivedAt: Date,
    decide: (latest: ContactVersion | null) => ContactChange | null,
  ): Promise<ContactResult> {
    return this.perContact.run(contactId, async () => {
      for (let attempt = 0; attempt < MAX_VERSION_ATTEMPTS; attempt++) {
        const latest = await this.latest(contactId);
        const change = decide(latest);
        if (!change) {
          return {
            contactId,
            version: latest!.version,
            eventId: latest!.eventId,
            outcome: 'unchanged' as const,
          };
        }
        const version = (latest?.version ?? 0) + 1;
        const doc = this.toVersion(contactId, version, change, receivedAt, latest);
        if (await insertWithOutbox(this.versions as never, doc)) {
          this.remember(contactId, version);
          return { contactId, version, eventId: doc.eventId, outcome: change.kind };
        }
        // Another process took this version meanwhile: read again and decide again.
      }
      throw new Error(`could not store a version of contact ${contactId}`);
    });
  }

  private toVersion(
    contactId: string,
    version: number,
    change: ContactChange,
    receivedAt: Date,
    latest: ContactVersion | null,
  ): ContactVersion {
    const { facts } = change;
    const subjectKey = facts.motherNhsNumber ? `mother:${facts.motherNhsNumber}` : facts.nhsNumber!;
    const eventId = deterministicEventId(`hv-contact:${contactId}`, version);
    const data = change.cancelled ? { facts: cancelledFacts(facts) } : { facts };
    const event: CloudEvent = this.producer.buildEvent({
      topic: CONTACTS_TOPIC,
      key: subjectKey,
      type: change.type,
      id: eventId,
      subject: subjectKey,
      time: `${facts.contactDate}T00:00:00Z`,
      recordedtime: receivedAt.toISOString(),
      sourceorg: facts.organisationCode,
      subjectversion: version,
      correlationid: currentCorrelationId() ?? eventId,
      data,
    });
    // Refuse now what the relay could never publish.
    this.producer.assertValid(CONTACTS_TOPIC, event);
    return {
      _id: `${contactId}:${version}`,
      contactId,
      version,
      kind: change.kind,
      subjectKey,
      facts,
      contentHash: change.contentHash,
      eventId,
      receivedAt,
      outbox: pendingOutbox(
        CONTACTS_TOPIC,
        subjectKey,
        version,
        event,
        receivedAt,
        latest?._id ?? null,
      ),
    };
  }

  /** The contact's highest version, probed by `_id` upwards from the highest seen here. */
  private async latest(contactId: string): Promise<ContactVersion | null> {
    const seen = this.latestVersions.get(contactId) ?? 0;
    let latest = seen > 0 ? await this.versions.findOne({ _id: `${contactId}:${seen}` }) : null;
    for (let version = latest ? seen + 1 : 1; ; version++) {
      const next = await this.versions.findOne({ _id: `${contactId}:${version}` });
      if (!next) break;
      latest = next;
    }
    if (latest) this.remember(contactId, latest.version);
    return latest;
  }

  private remember(contactId: string, version: number): void {
    if (this.latestVersions.size >= MAX_REMEMBERED_CONTACTS) this.latestVersions.clear();
    this.latestVersions.set(contactId, version);
  }
}

interface ContactChange {
  kind: 'recorded' | 'amended' | 'cancelled';
  type: 'ContactRecorded' | 'ContactAmended' | 'ContactCancelled';
  facts: ContactFacts;
  contentHash: string;
  cancelled?: boolean;
}

/** The service's id of a contact: a UUID (v5) of its idempotency key. */
export function contactIdOf(key: ContactKey): string {
  const { sourceSystem, organisationCode, sourceContactId } = contactKey(key);
  return deterministicEventId(
    `hv-contact-key:${sourceSystem}|${organisationCode}|${sourceContactId}`,
  );
}

function toFacts(contactId: string, input: ContactInput, channel: ContactChannel): ContactFacts {
  const { nhsNumber, ...rest } = input;
  const whose = input.contactType === 'antenatal' ? { motherNhsNumber: nhsNumber } : { nhsNumber };
  return { contactId, ...rest, channel, ...whose };
}

/** A digest of the contact's content: the same contact from another channel is the same. */
function contentHash(facts: ContactFacts): string {
  const canonical = Object.keys(facts)
    .filter((k) => k !== 'channel')
    .sort()
    .map((k) => [k, facts[k as keyof ContactFacts]]);
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

function cancelledFacts(facts: ContactFacts): Record<string, unknown> {
  const { contactId, sourceSystem, organisationCode, sourceContactId, channel } = facts;
  const { nhsNumber, motherNhsNumber, contactType, contactDate } = facts;
  return {
    contactId,
    sourceSystem,
    organisationCode,
    sourceContactId,
    channel,
    ...(nhsNumber ? { nhsNumber } : {}),
    ...(motherNhsNumber ? { motherNhsNumber } : {}),
    contactType,
    contactDate,
  };
}
