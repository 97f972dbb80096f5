/**
 * One shard of the synthetic world: the children born (or moving in) in one month, one part of
 * that month's births, and everything that happens to them up to --as-of, written as the records
 * each interface receives, each with its truth. A shard draws from its own PRNG stream and owns a
 * fixed block of NHS-number ordinals, so shards are independent: generated in any order (or in
 * parallel) they give the same bytes.
 */
import { firstOfMonth, isoOf, monthOf } from './dates';
import {
  birthExtractRow,
  contactExtractRow,
  contactSubmittedEvent,
  FAMILY,
  GIVEN_F,
  GIVEN_M,
  nemsBirthBundle,
  NICKNAMES,
  type ContactBody,
} from './channels';
import { POSTCODES_PER_LSOA, streetFor, type GeographyIndex } from './geography';
import { withWrongCheckDigit, type NhsNumberPool } from './nhs-numbers';
import { Rng } from './prng';
import { rateFor } from './rates';
import type {
  Address,
  BirthFact,
  Channel,
  ContactType,
  DeliveryMethod,
  EthnicCategory,
  FamilyFact,
  Sex,
  Treatment,
  WorldEvent,
} from './world';

export type Stream = 'world' | Channel;

export interface WorldContext {
  seed: number;
  asOfDay: number;
  spanStartDay: number;
  geo: GeographyIndex;
  pool: NhsNumberPool;
  mothersNumbered: boolean;
}

export interface ShardPlan {
  id: number;
  monthStart: number;
  /** Days of the month covered (the last month ends at --as-of). */
  days: number;
  births: number;
  moveIns: number;
  childBase: number;
  motherBase: number;
}

/** Truth kept beside a record until the merge gives it its file reference. */
export interface PendingTruth {
  subject?: string;
  fault?: string;
  treatment: Treatment;
}

/** Lines of one shard, per stream: `key \t file \t payload \t truth-json`. */
export class ShardOutput {
  readonly lines = new Map<Stream, string[]>();
  private seq = 0;

  constructor(private readonly tag: string) {}

  emit(stream: Stream, day: number, file: string, payload: string, truth?: PendingTruth): void {
    const key = `${isoOf(day)}|${this.tag}|${String(this.seq++).padStart(8, '0')}`;
    let list = this.lines.get(stream);
    if (!list) this.lines.set(stream, (list = []));
    list.push(`${key}\t${file}\t${payload}\t${truth ? JSON.stringify(truth) : ''}`);
  }

  /** A world event; `reportedOn`: the day the first record the services accept about it is sent
   * (absent when none is sent by the as-of date), so expected figures use only what they know. */
  world(event: WorldEvent, reportedOn?: number | null): void {
    const line: WorldEvent =
      reportedOn === undefined || reportedOn === null || !Number.isFinite(reportedOn)
        ? event
        : { ...event, reportedOn: isoOf(reportedOn) };
    this.emit('world', dayOfIso(event.date), 'truth/world.ndjson', JSON.stringify(line));
  }
}

function dayOfIso(iso: string): number {
  return Math.round(Date.parse(`${iso}T00:00:00Z`) / 86_400_000);
}

const ACCEPTED: Treatment = { expect: 'accepted' };
const DUPLICATE: Treatment = { expect: 'duplicate' };
const POSTCODE_WARNING =
  'postcode not in the lookup: counted in LA totals and listed for data quality';
const MINORITY: EthnicCategory[] = ['B', 'C', 'D', 'E', 'F', 'G', 'H', 'J', 'K', 'L', 'M', 'N', 'P', 'R', 'S']; // prettier-ignore
const MINORITY_WEIGHTS = [4, 1, 2, 2, 1.5, 2, 8, 6, 4, 3, 3, 6, 3, 1, 4];
const LANGUAGES = ['en', 'en', 'en', 'en', 'pl', 'ur', 'pa', 'bn', 'so', 'ro', 'ar'];
const LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

interface Kid {
  ordinal: number;
  nhs: string;
  birth: BirthFact;
  birthDay: number;
  bornHere: boolean;
  deathDay: number;
  /** The day the births service first knows the child (Infinity: not by --as-of). */
  knownDay: number;
  /** The channel that told births of the birth (NEMS carries no delivery method or smoking). */
  knownVia?: 'births-extract' | 'births-nems';
  childRef: string;
}

interface Residence {
  from: number;
  lsoaIdx: number;
  address: Address;
}

export function generateShard(ctx: WorldContext, plan: ShardPlan): ShardOutput {
  const out = new ShardOutput(String(plan.id).padStart(4, '0'));
  const rng = new Rng(ctx.seed, `shard:${plan.id}`);
  const { geo } = ctx;
  const nLsoa = geo.geography.lsoas.length;
  let childOrdinal = plan.childBase;
  let motherOrdinal = plan.motherBase;
  let hvSeq = 0;

  const decileOf = (lsoaIdx: number) => geo.geography.lsoas[lsoaIdx].imdDecile;
  const send = (day: number) => day >= ctx.spanStartDay && day <= ctx.asOfDay;
  const month = (day: number) => monthOf(day);
  const expDays = (perYear: number) => Math.floor((-Math.log(1 - rng.float()) / perYear) * 365.25);

  function addressIn(lsoaIdx: number, allowFault: boolean): Address {
    const line1 = streetFor(lsoaIdx, rng);
    const town = geo.geography.la.name;
    if (allowFault && rng.chance(rateFor('extractUnknownPostcode'))) {
      return { line1, town, postcode: rng.pick(geo.geography.unknownPostcodes) };
    }
    if (allowFault && rng.chance(rateFor('pseudoPostcode'))) {
      return { line1: 'No fixed abode', town, postcode: 'ZZ99 3VZ' };
    }
    const entry =
      geo.geography.postcodes[lsoaIdx * POSTCODES_PER_LSOA + rng.int(0, POSTCODES_PER_LSOA - 1)];
    return { line1, town, postcode: entry.postcode, lsoa: entry.lsoa };
  }

  function pickLsoa(): number {
    return rng.int(0, nLsoa - 1);
  }

  function ethnicity(decile: number): EthnicCategory {
    if (rng.chance(rateFor('ethnicityNotStated'))) return 'Z';
    if (!rng.chance(rateFor('minorityEthnic', decile))) return 'A';
    return rng.weighted(MINORITY.map((c, i) => [c, MINORITY_WEIGHTS[i]] as const));
  }

  function deliveryMethod(): DeliveryMethod {
    return rng.weighted<DeliveryMethod>([
      ['spontaneous', rateFor('deliverySpontaneous')],
      ['instrumental', rateFor('deliveryInstrumental')],
      ['caesarean_elective', rateFor('deliveryCaesareanElective')],
      ['caesarean_emergency', rateFor('deliveryCaesareanEmergency')],
      ['unknown', rateFor('deliveryUnknown')],
    ]);
  }

  function sex(): Sex {
    if (rng.chance(rateFor('sexIndeterminateOrUnknown'))) return rng.chance(0.5) ? 'I' : 'U';
    return rng.chance(rateFor('sexMale')) ? 'M' : 'F';
  }

  function weight(gestation: number, decile: number): number {
    if (gestation >= 37) {
      if (rng.chance(rateFor('termLowBirthWeight', decile))) return rng.int(1900, 2499);
      return Math.max(2500, Math.min(5200, Math.round(rng.normal(3450, 430))));
    }
    const mean = 3400 - (40 - gestation) * 190;
    return Math.max(450, Math.min(3600, Math.round(rng.normal(mean, 300))));
  }

  /** A delivery of 1-3 babies (born here) or one child moving in (born elsewhere). */
  function makeDelivery(count: number, bornHere: boolean, day: number, lsoaIdx: number): Kid[] {
    const decile = decileOf(lsoaIdx);
    const teen = rng.chance(rateFor('teenageMother', decile));
    const motherAge = teen
      ? rng.int(15, 19)
      : Math.max(20, Math.min(46, Math.round(rng.normal(31, 5.5))));
    // A mother born between her (age+1)th and age-th birthday before the birth.
    const motherBirthDay = day - Math.round(motherAge * 365.25) - rng.int(5, 355);
    const familyName = rng.pick(FAMILY);
    const mother = {
      ...(ctx.mothersNumbered && bornHere
        ? { nhsNumber: ctx.pool.motherNumber(motherOrdinal++) }
        : {}),
      givenName: rng.pick(GIVEN_F),
      familyName,
      birthDate: isoOf(motherBirthDay),
    };
    const address = addressIn(lsoaIdx, true);
    const multiple = count > 1;
    const gestation = rng.chance(multiple ? rateFor('pretermOfMultiple') : rateFor('preterm'))
      ? rng.weighted([
          [rng.int(24, 31), 1],
          [rng.int(32, 36), 5],
        ] as const)
      : rng.weighted([
          [37, 1],
          [38, 2.5],
          [39, 4],
          [40, 4],
          [41, 2.5],
          [42, 0.6],
        ] as const);
    const method = deliveryMethod();
    const ethnic = ethnicity(decile);
    const smoking = rng.chance(rateFor('smokingUnknown'))
      ? 'U'
      : rng.chance(rateFor('smokingAtDelivery', decile))
        ? 'Y'
        : 'N';
    const objection = rng.chance(rateFor('sharingObjectionAtBirth'));
    const hour = rng.int(0, 23);
    const kids: Kid[] = [];
    for (let k = 0; k < count; k++) {
      const ordinal = childOrdinal++;
      const nhs = ctx.pool.childNumber(ordinal);
      const s = sex();
      const minute = Math.min(59, rng.int(0, 50) + k * 4);
      const birth: BirthFact = {
        nhsNumber: nhs,
        birthDate: isoOf(day),
        birthTime: `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`,
        sex: s,
        givenName: rng.pick(
          s === 'M' ? GIVEN_M : s === 'F' ? GIVEN_F : rng.chance(0.5) ? GIVEN_M : GIVEN_F,
        ),
        familyName,
        birthWeightGrams: weight(gestation, decile) - (multiple ? 250 : 0),
        gestationWeeks: gestation,
        deliveryMethod: method,
        multipleBirthOrder: multiple ? k + 1 : 1,
        deliveryId: `D${ordinal}`,
        ethnicCategory: ethnic,
        smokingAtDelivery: smoking,
        mother,
        address,
        sharingObjection: objection,
        sensitive: false,
      };
      if (k > 0) birth.deliveryId = kids[0].birth.deliveryId;
      const infantDeath = bornHere && rng.chance(rateFor('infantDeathInFirstYear'));
      const deathDay = infantDeath
        ? day + Math.min(364, Math.floor(-Math.log(1 - rng.float()) * 40))
        : Infinity;
      kids.push({
        ordinal,
        nhs,
        birth,
        birthDay: day,
        bornHere,
        deathDay,
        knownDay: Infinity,
        childRef: '',
      });
    }
    return kids;
  }

  // ---- births channels ------------------------------------------------------------------------

  function extractFile(day: number): string {
    return `births/extracts/${month(day)}.csv`;
  }

  function reportBirthByExtract(kid: Kid): void {
    const { birth } = kid;
    let sendDay = firstOfMonth(kid.birthDay, 1) + 4;
    const warn = birth.address.lsoa === undefined;
    const accepted: Treatment = warn
      ? { expect: 'accepted-with-warning', warning: POSTCODE_WARNING }
      : ACCEPTED;
    const fault = rng.float();
    if (fault < rateFor('extractInvalidNhsNumber')) {
      if (send(sendDay)) {
        out.emit('births-extract', sendDay, extractFile(sendDay),
          birthExtractRow(birth, { nhs_number: withWrongCheckDigit(birth.nhsNumber) }),
          { subject: kid.nhs, fault: 'invalid-nhs-number', treatment: { expect: 'rejected', reason: 'nhs_number: fails the Modulus 11 check digit' } }); // prettier-ignore
      }
      sendDay = firstOfMonth(sendDay, 1) + 4; // corrected in the next extract
    } else if (fault < rateFor('extractInvalidNhsNumber') + rateFor('extractBadDate')) {
      const [y, m, d] = birth.birthDate.split('-');
      if (send(sendDay)) {
        out.emit('births-extract', sendDay, extractFile(sendDay),
          birthExtractRow(birth, { birth_date: `${d}/${m}/${y}` }),
          { subject: kid.nhs, fault: 'bad-date', treatment: { expect: 'rejected', reason: 'birth_date: must be a real date as YYYY-MM-DD' } }); // prettier-ignore
      }
      sendDay = firstOfMonth(sendDay, 1) + 4;
    }
    if (!send(sendDay)) return;
    const row = birthExtractRow(birth);
    out.emit('births-extract', sendDay, extractFile(sendDay), row, {
      subject: kid.nhs,
      ...(warn ? { fault: 'unknown-postcode' } : {}),
      treatment: accepted,
    });
    kid.knownDay = sendDay;
    kid.knownVia = 'births-extract';
    if (rng.chance(rateFor('resend'))) {
      const again = firstOfMonth(sendDay, 1) + 4;
      if (send(again)) {
        out.emit('births-extract', again, extractFile(again), row, {
          subject: kid.nhs,
          fault: 'resend',
          treatment: DUPLICATE,
        });
      }
    }
  }

  function reportBirthByNems(kid: Kid): void {
    const sendDay = kid.birthDay + rng.int(1, 4);
    if (!send(sendDay)) return;
    const file = `births/nems/${month(sendDay)}.ndjson`;
    const bundle = JSON.stringify(nemsBirthBundle(kid.birth, isoOf(sendDay)));
    // The NEMS answer lists the message's own problems (a dropped mother link); an unknown
    // postcode is accepted quietly there and appears on the data-quality list instead.
    const unknownPostcode = kid.birth.address.lsoa === undefined;
    out.emit('births-nems', sendDay, file, bundle, {
      subject: kid.nhs,
      ...(unknownPostcode ? { fault: 'unknown-postcode' } : {}),
      treatment: ACCEPTED,
    });
    kid.knownDay = sendDay;
    kid.knownVia = 'births-nems';
    if (rng.chance(rateFor('resend'))) {
      const again = sendDay + rng.int(1, 3);
      if (send(again)) {
        out.emit('births-nems', again, `births/nems/${month(again)}.ndjson`, bundle, {
          subject: kid.nhs,
          fault: 'resend',
          treatment: DUPLICATE,
        });
      }
    }
    if (kid.birth.sharingObjection) {
      birthsApi(kid, sendDay, `/births/${kid.nhs}/sharing-objection`, {
        effectiveDate: kid.birth.birthDate,
      });
    }
  }

  /** A births API request about a known child: sent no earlier than the child is known. */
  function birthsApi(
    kid: Kid,
    eventSendDay: number,
    path: string,
    body: unknown,
    resend = false,
  ): number | null {
    const sendDay = Math.max(eventSendDay, kid.knownDay);
    if (!send(sendDay)) return null;
    const payload = JSON.stringify({ method: 'POST', path, body });
    out.emit('births-api', sendDay, `births/api/${month(sendDay)}.ndjson`, payload, {
      subject: kid.nhs,
      treatment: ACCEPTED,
    });
    if (resend && rng.chance(rateFor('resend'))) {
      const again = sendDay + rng.int(1, 20);
      if (send(again)) {
        out.emit('births-api', again, `births/api/${month(again)}.ndjson`, payload, {
          subject: kid.nhs,
          fault: 'resend',
          treatment: DUPLICATE,
        });
      }
    }
    return sendDay;
  }

  // ---- health visiting ------------------------------------------------------------------------

  function hvContact(
    kid: Kid | null,
    subjectNhs: string,
    lsoaIdx: number,
    contactType: ContactType,
    day: number,
    extra: Partial<ContactBody>,
    allowFaults: boolean,
  ): number | null {
    if (day > ctx.asOfDay) return null;
    const provider = geo.hvOrgs[geo.clusterOfLsoa[lsoaIdx]];
    const body: ContactBody = {
      sourceSystem: provider.sourceSystem,
      organisationCode: provider.org,
      sourceContactId: `HV-${plan.id}-${hvSeq++}`,
      nhsNumber: subjectNhs,
      contactType,
      contactDate: isoOf(day),
      location: contactType === 'new_birth_visit' || contactType === 'antenatal' ? 'home' : rng.weighted([['clinic', 7], ['home', 2], ['childrens_centre', 1]] as const), // prettier-ignore
      outcome: 'completed',
      ...extra,
      sharingStatus: extra.sharingStatus ?? 'not_asked',
    };
    const extractChannel = provider.channel === 'hv-extract';
    const late = rng.chance(rateFor('lateArrival'));
    /** The first send of a contact: days after it (API, topic) or the next monthly extract. */
    const firstSend = (d: number) =>
      extractChannel
        ? firstOfMonth(d, late ? 2 : 1) + 2
        : d + (late ? rng.int(21, 70) : rng.int(1, 5));
    /** A later send: a correction or a re-send, always after the one before. */
    const nextSend = (after: number) =>
      extractChannel ? firstOfMonth(after, 1) + 2 : after + rng.int(1, 20);
    let attempt = 0;
    const emit = (sendDay: number, c: ContactBody, truth: PendingTruth) => {
      const a = attempt++;
      if (!send(sendDay)) return false;
      const m = month(sendDay);
      if (provider.channel === 'hv-api') {
        out.emit('hv-api', sendDay, `health-visits/api/${m}.ndjson`,
          JSON.stringify({ org: c.organisationCode, method: 'POST', path: '/contacts', body: c }), truth); // prettier-ignore
      } else if (extractChannel) {
        out.emit('hv-extract', sendDay, `health-visits/extracts/${c.organisationCode}-${m}.csv`, contactExtractRow(c), truth); // prettier-ignore
      } else {
        out.emit('hv-topic', sendDay, `health-visits/inbound/${m}.ndjson`,
          JSON.stringify({ key: c.contactType === 'antenatal' ? `mother:${c.nhsNumber}` : c.nhsNumber, value: contactSubmittedEvent(c, isoOf(sendDay), a) }), truth); // prettier-ignore
      }
      return true;
    };
    const happened: WorldEvent = {
      kind: 'hv-contact',
      date: body.contactDate,
      contact: {
        sourceSystem: body.sourceSystem,
        organisationCode: body.organisationCode,
        sourceContactId: body.sourceContactId,
        nhsNumber: subjectNhs,
        contactType,
        location: body.location as 'home',
        outcome: body.outcome as 'completed',
        ...(body.feedingStatus ? { feedingStatus: body.feedingStatus as 'unknown' } : {}),
        ...(body.maternalSmoking ? { maternalSmoking: body.maternalSmoking as 'unknown' } : {}),
        ...(body.referredToCentre !== undefined ? { referredToCentre: body.referredToCentre } : {}),
        ...(body.asq3Completed !== undefined ? { asq3Completed: body.asq3Completed } : {}),
        sharingStatus: body.sharingStatus as 'not_asked',
      },
    };
    const reportedOn = sendContact();
    out.world(happened, reportedOn);
    return reportedOn;

    /** Sends the contact (faults first, then the accepted record): the accepted one's day. */
    function sendContact(): number | null {
      let sendDay = firstSend(day);
      if (allowFaults && kid) {
        const u = rng.float();
        const pInvalid = rateFor('contactInvalidNhsNumber');
        const pBadDate = extractChannel ? rateFor('contactBadDate') : 0;
        // Only 6-8 week reviews get the impossible type: scaled so ~the table's share of all contacts.
        const pImpossible =
          contactType === 'review_6_8_week' ? rateFor('contactImpossibleReview') * 4 : 0;
        let faulty = false;
        if (u < pInvalid) {
          const bad = { ...body, nhsNumber: withWrongCheckDigit(body.nhsNumber) };
          emit(sendDay, bad, { subject: kid.nhs, fault: 'invalid-nhs-number', treatment: { expect: 'rejected',
          reason: extractChannel ? 'nhs_number: fails the Modulus 11 check digit' : 'nhsNumber: nhsNumber fails the Modulus 11 check digit' } }); // prettier-ignore
          faulty = true;
        } else if (u < pInvalid + pBadDate) {
          const bad = { ...body, contactDate: `${body.contactDate.slice(0, 8)}32` };
          emit(sendDay, bad, { subject: kid.nhs, fault: 'bad-date', treatment: { expect: 'rejected', reason: 'contact_date: must be a real date, YYYY-MM-DD' } }); // prettier-ignore
          faulty = true;
        } else if (
          u < pInvalid + pBadDate + pImpossible &&
          kid.bornHere &&
          sendMonthAfter(kid.knownDay, sendDay)
        ) {
          // Coded as a 2-2½ year review: impossible at 6-8 weeks once births has told HV the birth date.
          const bad: ContactBody = { ...body, contactType: 'review_2_2_5_year' };
          delete bad.feedingStatus;
          const age = day - kid.birthDay;
          emit(sendDay, bad, { subject: kid.nhs, fault: 'impossible-review', treatment: { expect: 'rejected',
          reason: `${extractChannel ? 'contact_type' : 'contactType'}: a review_2_2_5_year is not possible for a child ${describeAge(age)} old on ${body.contactDate} (possible from 17 months to 4.0 years)` } }); // prettier-ignore
          faulty = true;
        }
        if (faulty) sendDay = nextSend(sendDay); // corrected and sent again
      }
      if (!emit(sendDay, body, { subject: kid?.nhs ?? subjectNhs, treatment: ACCEPTED }))
        return null;
      const acceptedOn = sendDay;
      if (rng.chance(rateFor('resend'))) {
        emit(nextSend(sendDay), body, {
          subject: kid?.nhs ?? subjectNhs,
          fault: 'resend',
          treatment: DUPLICATE,
        });
      }
      if (provider.channel === 'hv-api' && kid && rng.chance(rateFor('contactCancelled'))) {
        // A contact entered in error on the same child, then cancelled by the HV system.
        const wrong: ContactBody = {
          ...body,
          sourceContactId: `HV-${plan.id}-${hvSeq++}`,
          contactType: 'other',
        };
        delete wrong.feedingStatus;
        delete wrong.asq3Completed;
        if (
          emit(sendDay, wrong, { subject: kid.nhs, fault: 'entered-in-error', treatment: ACCEPTED })
        ) {
          const cancelDay = sendDay + rng.int(1, 10);
          if (send(cancelDay)) {
            const key = { sourceSystem: wrong.sourceSystem, organisationCode: wrong.organisationCode, sourceContactId: wrong.sourceContactId }; // prettier-ignore
            out.emit('hv-api', cancelDay, `health-visits/api/${month(cancelDay)}.ndjson`,
            JSON.stringify({ org: wrong.organisationCode, method: 'POST', path: '/contacts/cancellation', body: key }),
            { subject: kid.nhs, fault: 'cancellation', treatment: ACCEPTED }); // prettier-ignore
          }
        }
      }
      return acceptedOn;
    }
  }

  // ---- a family's life --------------------------------------------------------------------------

  function live(kids: Kid[], fromDay: number, lsoaIdx: number): void {
    const first = kids[0];
    const residences: Residence[] = [{ from: fromDay, lsoaIdx, address: first.birth.address }];
    const outDay = fromDay + 1 + expDays(rateFor('moveOutPerYear'));
    const withinDay = fromDay + 14 + expDays(rateFor('moveWithinPerYear'));
    const lastResident = Math.min(outDay - 1, ctx.asOfDay);
    if (withinDay <= lastResident) {
      const newLsoa = pickLsoa();
      residences.push({ from: withinDay, lsoaIdx: newLsoa, address: addressIn(newLsoa, false) });
    }
    const residenceAt = (day: number) =>
      day >= withinDay && residences[1] ? residences[1] : residences[0];
    const alive = (kid: Kid, day: number) => day < kid.deathDay;

    for (const kid of kids) {
      if (kid.bornHere) {
        out.world(
          { kind: 'born', date: kid.birth.birthDate, birth: kid.birth, ...(kid.knownVia ? { via: kid.knownVia } : {}) },
          kid.knownDay,
        ); // prettier-ignore
      }
    }
    if (residences[1]) {
      const r = residences[1];
      for (const kid of kids.filter((k) => alive(k, r.from))) {
        const reportedOn = birthsApi(kid, r.from + rng.int(2, 30), `/births/${kid.nhs}/moves`, {
          direction: 'within', effectiveDate: isoOf(r.from), postcode: r.address.postcode, addressLine1: r.address.line1, town: r.address.town,
        }, true); // prettier-ignore
        out.world({ kind: 'moved', date: isoOf(r.from), nhsNumber: kid.nhs, from: residences[0].address, to: r.address }, reportedOn); // prettier-ignore
      }
    }
    if (outDay <= ctx.asOfDay) {
      for (const kid of kids.filter((k) => alive(k, outDay))) {
        const reportedOn = birthsApi(kid, outDay + rng.int(2, 30), `/births/${kid.nhs}/moves`, { direction: 'out', effectiveDate: isoOf(outDay) }, true); // prettier-ignore
        out.world(
          { kind: 'moved', date: isoOf(outDay), nhsNumber: kid.nhs, from: residenceAt(outDay - 1).address },
          reportedOn,
        ); // prettier-ignore
      }
    }
    for (const kid of kids) {
      if (kid.deathDay <= lastResident) {
        const reportedOn = birthsApi(kid, kid.deathDay + rng.int(1, 7), `/births/${kid.nhs}/death`, { dateOfDeath: isoOf(kid.deathDay) }, true); // prettier-ignore
        out.world({ kind: 'died', date: isoOf(kid.deathDay), nhsNumber: kid.nhs }, reportedOn);
      }
      if (kid.birth.sharingObjection && rng.chance(rateFor('objectionLaterWithdrawn'))) {
        const day = kid.birthDay + rng.int(30, 400);
        if (day <= ctx.asOfDay) {
          const reportedOn = birthsApi(kid, day + rng.int(1, 10), `/births/${kid.nhs}/sharing-objection/withdrawal`, { effectiveDate: isoOf(day) }); // prettier-ignore
          out.world(
            { kind: 'sharing-choice', date: isoOf(day), nhsNumber: kid.nhs, objects: false, statedAt: 'births' },
            reportedOn,
          ); // prettier-ignore
        }
      }
    }

    // Health-visitor contacts (reviews after the family came to live here).
    const decile = decileOf(lsoaIdx);
    const resident = (kid: Kid, day: number) =>
      day >= fromDay && day <= lastResident && alive(kid, day);
    if (first.bornHere && first.birth.mother.nhsNumber && rng.chance(rateFor('antenatalContact'))) {
      const day = first.birthDay - rng.int(70, 90);
      hvContact(null, first.birth.mother.nhsNumber, lsoaIdx, 'antenatal', day, {}, false);
    }
    const bfNbv = rateFor('breastfedAtNbv', decile);
    const bf68 = rateFor('breastfedAt68Week', decile);
    for (const kid of kids) {
      const at = (offset: number) => kid.birthDay + offset;
      const breastfedNbv = rng.chance(bfNbv);
      const breastfed68 = breastfedNbv && rng.chance(bf68 / bfNbv);
      const feeding = (bf: boolean) =>
        rng.chance(rateFor('feedingStatusMissing'))
          ? {}
          : { feedingStatus: bf ? (rng.chance(rateFor('totallyOfBreastfed')) ? 'totally_breastfed' : 'partially_breastfed') : 'not_breastfed' }; // prettier-ignore
      const review = (
        type: ContactType,
        day: number,
        extra: Partial<ContactBody>,
      ): number | null => {
        if (!resident(kid, day)) return null;
        const r = residenceAt(day);
        if (rng.chance(rateFor('reviewDidNotAttend')) && type !== 'new_birth_visit') {
          const dna: Partial<ContactBody> = { ...extra, outcome: 'did_not_attend' };
          delete dna.feedingStatus;
          delete dna.asq3Completed;
          hvContact(kid, kid.nhs, r.lsoaIdx, type, day, dna, true);
          day += rng.int(7, 14);
          if (!resident(kid, day)) return null;
        }
        return hvContact(kid, kid.nhs, r.lsoaIdx, type, day, extra, true);
      };
      // New-birth visit: mostly by day 14, some late, some missed; a move-in gets none.
      if (kid.bornHere) {
        const u = rng.float();
        const nbvDay = u < rateFor('nbvWithin14Days') ? at(rng.int(7, 14)) : u < rateFor('nbvWithin14Days') + rateFor('nbvLate') ? at(rng.int(15, 40)) : Infinity; // prettier-ignore
        if (nbvDay !== Infinity) {
          const objects = rng.chance(rateFor('objectionAtNbv'));
          const reportedOn = review('new_birth_visit', nbvDay, {
            ...feeding(breastfedNbv),
            maternalSmoking: kid.birth.smokingAtDelivery === 'Y' ? 'smoker' : kid.birth.smokingAtDelivery === 'N' ? 'non_smoker' : 'unknown',
            referredToCentre: rng.chance(0.3),
            sharingStatus: objects ? 'objects' : 'not_asked',
          }); // prettier-ignore
          if (objects && resident(kid, nbvDay)) {
            out.world({ kind: 'sharing-choice', date: isoOf(nbvDay), nhsNumber: kid.nhs, objects: true, statedAt: 'hv-contact' }, reportedOn); // prettier-ignore
          }
        }
      }
      const u68 = rng.float();
      const d68 = u68 < rateFor('review68Week') ? at(rng.int(42, 56)) : u68 < rateFor('review68Week') + 0.1 ? at(rng.int(57, 90)) : Infinity; // prettier-ignore
      if (d68 !== Infinity) review('review_6_8_week', d68, feeding(breastfed68));
      const u12 = rng.float();
      const d12 = u12 < rateFor('review12Month') ? at(rng.int(300, 365)) : u12 < rateFor('review12Month') + 0.12 ? at(rng.int(366, 450)) : Infinity; // prettier-ignore
      if (d12 !== Infinity) review('review_12_month', d12, {});
      if (rng.chance(rateFor('review2Year'))) review('review_2_2_5_year', at(rng.int(730, 900)), { asq3Completed: rng.chance(0.9) }); // prettier-ignore
    }

    register(kids, fromDay, lastResident, residenceAt, decile);
  }

  // ---- children's centres -----------------------------------------------------------------------

  function centreNear(lsoaIdx: number): string {
    for (let d = 0; d < nLsoa; d++) {
      const c = geo.centreOfLsoa[(lsoaIdx + d) % nLsoa];
      if (c) return c;
    }
    return geo.geography.centres[0].id;
  }

  function register(
    kids: Kid[],
    fromDay: number,
    lastResident: number,
    residenceAt: (day: number) => Residence,
    decile: number,
  ): void {
    if (!rng.chance(rateFor('registeredWithCentre', decile))) return;
    const regDay = fromDay + 7 + Math.floor(-Math.log(1 - rng.float()) * 70);
    const living = kids.filter((k) => regDay < k.deathDay);
    if (regDay > lastResident || living.length === 0) return;
    const first = living[0];
    const familyRef = `F${first.ordinal}`;
    const residence = residenceAt(regDay);
    const centreId = centreNear(residence.lsoaIdx);
    const lone = rng.chance(0.08)
      ? 'unknown'
      : rng.chance(rateFor('loneParent', decile))
        ? 'yes'
        : 'no';
    const workless = rng.chance(rateFor('worklessHousehold', decile));
    const mother = first.birth.mother;
    const motherLang = first.birth.ethnicCategory === 'A' ? 'en' : rng.pick(LANGUAGES);
    const carers: FamilyFact['carers'] = [
      {
        carerRef: `${familyRef}-M`,
        givenName: mother.givenName,
        familyName: mother.familyName,
        birthDate: mother.birthDate,
        relationship: 'mother',
        ethnicCategory: first.birth.ethnicCategory,
        languages: motherLang === 'en' ? ['en'] : [motherLang, 'en'],
        employmentStatus: workless ? rng.pick(['unemployed', 'not_working_caring']) : rng.pick(['employed', 'employed', 'self_employed', 'not_working_caring']), // prettier-ignore
        disability: rng.chance(rateFor('disabledParent'))
          ? 'yes'
          : rng.chance(0.1)
            ? 'unknown'
            : 'no',
      },
    ];
    if (lone === 'no' && rng.chance(rateFor('fatherOnForm'))) {
      carers.push({
        carerRef: `${familyRef}-P`,
        givenName: rng.pick(GIVEN_M),
        familyName: rng.chance(0.7) ? mother.familyName : rng.pick(FAMILY),
        relationship: 'father',
        languages: ['en'],
        employmentStatus: workless
          ? 'unemployed'
          : rng.pick(['employed', 'employed', 'self_employed']),
        disability: rng.chance(rateFor('disabledParent')) ? 'yes' : 'no',
      });
    }
    let invalidNhsForm = false;
    const children: FamilyFact['children'] = living.map((kid, i) => {
      const errors: string[] = [];
      let givenName = kid.birth.givenName;
      let familyName = kid.birth.familyName;
      let birthDate = kid.birth.birthDate;
      if (NICKNAMES[givenName] && rng.chance(rateFor('formNickname') * 4)) {
        givenName = NICKNAMES[givenName];
        errors.push('nickname');
      } else if (rng.chance(rateFor('formTypo'))) {
        givenName = typo(givenName, rng);
        errors.push('typo');
      }
      if (familyName.includes('-') && rng.chance(rateFor('formHyphen') * 10)) {
        familyName = familyName.replace('-', ' ');
        errors.push('hyphen');
      }
      const [y, m, d] = birthDate.split('-');
      if (
        Number(d) <= 12 &&
        d !== m &&
        rng.chance(rateFor('formDayMonthSwap')) &&
        `${y}-${d}-${m}` <= isoOf(regDay)
      ) {
        birthDate = `${y}-${d}-${m}`;
        errors.push('day-month-swapped');
      }
      const givesNhs = rng.chance(rateFor('registrationGivesNhsNumber'));
      if (givesNhs && rng.chance(rateFor('formInvalidNhsNumber'))) invalidNhsForm = true;
      kid.childRef = `${familyRef}-${i + 1}`;
      return {
        childRef: kid.childRef,
        nhsNumber: kid.nhs,
        form: {
          ...(givesNhs ? { nhsNumber: kid.nhs } : {}),
          givenName,
          familyName,
          birthDate,
          sex: kid.birth.sex,
        },
        formErrors: errors,
        disabilityOrSen: rng.chance(rateFor('disabledChild'))
          ? 'yes'
          : rng.chance(0.1)
            ? 'unknown'
            : 'no',
      };
    });
    let postcode = residence.address.postcode;
    const formErrorsAddress: string[] = [];
    if (rng.chance(rateFor('formPostcodeSlip')) && postcode !== 'ZZ99 3VZ') {
      const last = postcode[postcode.length - 1];
      postcode = rng.chance(0.5)
        ? postcode.replace(' ', '')
        : `${postcode.slice(0, -1)}${LETTERS[(LETTERS.indexOf(last) + 1) % LETTERS.length]}`;
      formErrorsAddress.push('postcode-slip');
    }
    if (formErrorsAddress.length > 0) children[0].formErrors.push(...formErrorsAddress);
    const family: FamilyFact = {
      familyRef,
      centreId,
      carers,
      children,
      address: { ...residence.address },
      loneParent: lone,
      heardVia: rng.pick(['health_visitor', 'health_visitor', 'midwife', 'friend_or_family', 'leaflet_or_poster', 'social_media', 'outreach_visit', 'not_stated']), // prettier-ignore
    };
    const body = (withBadNhs: boolean) => ({
      carers: carers.map((c) => ({
        givenName: c.givenName,
        familyName: c.familyName,
        ...(c.birthDate ? { birthDate: c.birthDate } : {}),
        relationships: children.map((_, i) => ({ childIndex: i, relationship: c.relationship })),
        ...(c.ethnicCategory ? { ethnicCategory: c.ethnicCategory } : {}),
        languages: c.languages,
        employmentStatus: c.employmentStatus,
        disability: c.disability,
      })),
      children: children.map((c, i) => ({
        ...(c.form.nhsNumber
          ? {
              nhsNumber:
                withBadNhs && i === 0 ? withWrongCheckDigit(c.form.nhsNumber) : c.form.nhsNumber,
            }
          : {}),
        givenName: c.form.givenName,
        familyName: c.form.familyName,
        birthDate: c.form.birthDate,
        ...(c.form.sex ? { sex: c.form.sex } : {}),
        ...(living[i].birth.ethnicCategory
          ? { ethnicCategory: living[i].birth.ethnicCategory }
          : {}),
        disabilityOrSen: c.disabilityOrSen,
      })),
      address: { line1: family.address.line1, town: family.address.town, postcode },
      loneParent: lone,
      heardVia: family.heardVia,
      consentToHoldDetails: true,
      registeredOn: isoOf(regDay),
    });
    const refs = { family: familyRef, children: children.map((c) => c.childRef), carers: carers.map((c) => c.carerRef) }; // prettier-ignore
    const regFile = (day: number) => `registrations/${month(day)}.ndjson`;
    let regSend = regDay + rng.int(0, 3);
    if (invalidNhsForm && children[0].form.nhsNumber) {
      if (send(regSend)) {
        out.emit('registrations-api', regSend, regFile(regSend),
          JSON.stringify({ method: 'POST', path: `/centres/${centreId}/families`, body: body(true), idempotencyKey: `reg-${familyRef}-bad`, refs: { family: `${familyRef}-bad` } }),
          { subject: familyRef, fault: 'invalid-nhs-number', treatment: { expect: 'rejected', reason: 'children.0.nhsNumber: nhsNumber fails the Modulus 11 check digit' } }); // prettier-ignore
      }
      // Re-keyed without the number the next day.
      delete children[0].form.nhsNumber;
      regSend += 1;
    }
    if (!send(regSend)) return;
    out.emit('registrations-api', regSend, regFile(regSend),
      JSON.stringify({ method: 'POST', path: `/centres/${centreId}/families`, body: body(false), idempotencyKey: `reg-${familyRef}`, refs }),
      { subject: familyRef, ...(children.some((c) => c.formErrors.length > 0) ? { fault: 'form-errors' } : {}), treatment: ACCEPTED }); // prettier-ignore
    out.world({ kind: 'family-registered', date: isoOf(regDay), family }, regSend);

    const regPath = (suffix: string) => `/families/{family:${familyRef}}/${suffix}`;
    // Outreach: a home visit soon after registration, more in deprived areas.
    if (rng.chance(rateFor('outreachVisit', decile))) {
      const day = regDay + rng.int(3, 60);
      if (day <= lastResident) {
        const outcome = rng.weighted([
          ['completed', 8],
          ['no_answer', 1.5],
          ['declined', 0.5],
        ] as const);
        const visitType = first.bornHere ? 'new_birth_visit' : 'move_in_visit';
        const sendDay = Math.max(regSend, day + rng.int(0, 5));
        const childRefs = children.map((c) => c.childRef);
        if (send(sendDay)) {
          out.emit('registrations-api', sendDay, regFile(sendDay),
            JSON.stringify({ method: 'POST', path: regPath('outreach'), body: { visitType, date: isoOf(day), outcome, childIds: childRefs.map((r) => `{child:${r}}`) }, idempotencyKey: `out-${familyRef}` }),
            { subject: familyRef, treatment: ACCEPTED }); // prettier-ignore
          out.world({ kind: 'outreach', date: isoOf(day), outreach: { outreachRef: `out-${familyRef}`, familyRef, visitType, outcome, childRefs } }, sendDay); // prettier-ignore
        }
      }
    }
    // A change of lone-parent status.
    if (lone !== 'unknown' && rng.chance(rateFor('loneParentChange'))) {
      const day = regDay + rng.int(30, 500);
      const sendDay = day + rng.int(0, 10);
      if (day <= lastResident && send(sendDay)) {
        const loneParent = lone === 'yes' ? 'no' : 'yes';
        out.emit('registrations-api', sendDay, regFile(sendDay),
          JSON.stringify({ method: 'POST', path: regPath('changes'), body: { effectiveDate: isoOf(day), loneParent }, idempotencyKey: `chg-${familyRef}` }),
          { subject: familyRef, treatment: ACCEPTED }); // prettier-ignore
        out.world({ kind: 'family-changed', date: isoOf(day), familyRef, loneParent }, sendDay);
      }
    }
    // Sessions: this family's attendances at its centre's activities.
    if (!rng.chance(rateFor('attendsSessions'))) return;
    const months = Math.max(0, (lastResident - regDay) / 30.44);
    const n = Math.min(60, rng.poisson(rateFor('sessionsPerMonth') * months));
    const days = Array.from({ length: n }, () => regDay + rng.int(1, Math.max(1, lastResident - regDay))).sort((a, b) => a - b); // prettier-ignore
    const father = carers.find((c) => c.relationship === 'father');
    days.forEach((day, k) => {
      const present = living.filter((kid) => day < kid.deathDay);
      if (present.length === 0 || day > lastResident) return;
      const dad = father && rng.chance(rateFor('fatherAttends'));
      const activityRef = dad
        ? `${centreId}-A3`
        : day - first.birthDay < 365
          ? `${centreId}-A2`
          : `${centreId}-A1`;
      const carerRef = dad ? father.carerRef : `${familyRef}-M`;
      const attendees = [
        ...present.map((kid) => ({ familyRef, childRef: kid.childRef })),
        { familyRef, carerRef },
      ];
      const sendDay = Math.max(regSend, day + rng.int(0, 7));
      if (!send(sendDay)) return;
      const sessionRef = `ses-${familyRef}-${k}`;
      out.emit('registrations-api', sendDay, regFile(sendDay),
        JSON.stringify({ method: 'POST', path: `/centres/${centreId}/sessions`, body: { activityId: `{activity:${activityRef}}`, date: isoOf(day), attendees }, idempotencyKey: sessionRef }),
        { subject: familyRef, treatment: ACCEPTED }); // prettier-ignore
      out.world(
        { kind: 'session', date: isoOf(day), session: { sessionRef, centreId, activityRef, attendees } },
        sendDay,
      ); // prettier-ignore
    });
  }

  // ---- the shard's children ---------------------------------------------------------------------

  let born = 0;
  while (born < plan.births) {
    const lsoaIdx = pickLsoa();
    let count = 1;
    if (rng.chance(rateFor('multipleDelivery')))
      count = rng.chance(rateFor('tripletsOfMultiple')) ? 3 : 2;
    count = Math.min(count, plan.births - born);
    const day = plan.monthStart + rng.int(0, plan.days - 1);
    const kids = makeDelivery(count, true, day, lsoaIdx);
    born += count;
    const viaNems = rng.chance(rateFor('birthViaNems'));
    for (const kid of kids) {
      if (viaNems) reportBirthByNems(kid);
      else reportBirthByExtract(kid);
    }
    live(kids, day, lsoaIdx);
  }
  for (let i = 0; i < plan.moveIns; i++) {
    const lsoaIdx = pickLsoa();
    const moveDay = plan.monthStart + rng.int(0, plan.days - 1);
    const birthDay = moveDay - rng.int(20, 700);
    const [kid] = makeDelivery(1, false, birthDay, lsoaIdx);
    const sendDay = moveDay + rng.int(3, 20);
    if (send(sendDay)) {
      const warn = kid.birth.address.lsoa === undefined;
      const payload = JSON.stringify({ method: 'POST', path: `/births/${kid.nhs}/moves`, body: {
        direction: 'in', effectiveDate: isoOf(moveDay), postcode: kid.birth.address.postcode, addressLine1: kid.birth.address.line1,
        town: kid.birth.address.town, birthDate: kid.birth.birthDate, givenName: kid.birth.givenName, familyName: kid.birth.familyName,
      } }); // prettier-ignore
      out.emit('births-api', sendDay, `births/api/${month(sendDay)}.ndjson`, payload, {
        subject: kid.nhs,
        ...(warn ? { fault: 'unknown-postcode' } : {}),
        treatment: warn ? { expect: 'accepted-with-warning', warning: POSTCODE_WARNING } : ACCEPTED,
      });
      kid.knownDay = sendDay;
    }
    out.world(
      { kind: 'moved', date: isoOf(moveDay), nhsNumber: kid.nhs, to: kid.birth.address, birth: kid.birth },
      kid.knownDay,
    ); // prettier-ignore
    live([kid], moveDay, lsoaIdx);
  }
  return out;
}

/** Whether `later` falls in a month after the one `earlier` falls in (Kafka has caught up). */
function sendMonthAfter(earlier: number, later: number): boolean {
  return earlier !== Infinity && monthOf(later) > monthOf(earlier);
}

/** The child's age as the HV contact rules describe it. */
export function describeAge(days: number): string {
  if (days < 61) return `${days} days`;
  if (days < 730) return `${Math.floor(days / 30.44)} months`;
  return `${(days / 365.25).toFixed(1)} years`;
}

function typo(name: string, rng: Rng): string {
  if (name.length < 3) return name;
  const i = rng.int(1, name.length - 2);
  if (
    rng.chance(0.5) &&
    /\p{L}/u.test(name[i]) &&
    /\p{L}/u.test(name[i + 1]) &&
    name[i] !== name[i + 1]
  ) {
    return `${name.slice(0, i)}${name[i + 1]}${name[i]}${name.slice(i + 2)}`;
  }
  const letters = 'aeiourstnl';
  let c = letters[rng.int(0, letters.length - 1)];
  if (c === name[i]) c = c === 'a' ? 'e' : 'a';
  return `${name.slice(0, i)}${c}${name.slice(i + 1)}`;
}
