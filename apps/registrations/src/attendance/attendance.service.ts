import type {
  AttendanceRecordedFactsV1,
  CarerAttendanceRecordedFactsV1,
  CarerRelationship,
} from '@lib/contracts';
import { deterministicEventId } from '@lib/kafka';
import { isRealDate, problemsException, ukToday, type FieldProblem } from '@lib/platform';
import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { ActivitiesService } from '../activities/activities.service';
import type { Actor } from '../families/families.service';
import { FamiliesService } from '../families/families.service';
import { childKey, type Carer, type FamilyState } from '../families/family';
import { RegistrationEvents, type NewRegistrationEvent } from '../registration-events';
import { CHILD_TOPIC, FAMILY_TOPIC, familyKey } from '../topics';
import type { SessionRegisterDto } from './session.dto';

/** One person marked present: a child or a carer of a family. */
export interface Attendee {
  attendanceId: string;
  familyId: string;
  childId?: string;
  carerId?: string;
  /** For a carer: mother, father or other carer (fathers are a target group). */
  relationship?: CarerRelationship;
}

/** A session's register as stored (collection `sessions`, `_id` = the session id). */
export interface Session {
  _id: string;
  centreId: string;
  activityId: string;
  date: string;
  attendees: Attendee[];
  recordedAt: Date;
  recordedBy: string;
}

/** Who may be on a register: families whose centre the caller serves. */
export type FamilyCheck = (family: FamilyState, index: number) => Promise<void>;

/**
 * Session registers: many children and carers at once, each published as its own attendance
 * event (a child's on its key, a carer's on the family's, with the carer's relationship so that
 * fathers count as such). The register is stored after its events.
 */
@Injectable()
export class AttendanceService {
  private readonly sessions: Collection<Session>;

  constructor(
    @InjectConnection() connection: Connection,
    private readonly families: FamiliesService,
    private readonly activities: ActivitiesService,
    private readonly events: RegistrationEvents,
  ) {
    this.sessions = connection.collection<Session>('sessions');
  }

  async recordSession(
    centreId: string,
    dto: SessionRegisterDto,
    actor: Actor,
    mayRegister: FamilyCheck,
  ): Promise<Session> {
    const now = new Date();
    const problems: FieldProblem[] = [];
    const activity = this.activities.get(dto.activityId);
    if (!activity || activity.centreId !== centreId) {
      problems.push({
        field: 'activityId',
        reason: 'activityId is not an activity of this centre',
      });
    }
    if (!isRealDate(dto.date)) problems.push({ field: 'date', reason: 'date is not a real date' });
    else if (dto.date > ukToday(now))
      problems.push({ field: 'date', reason: 'date is in the future' });

    const sessionId = actor.idempotencyKey
      ? deterministicEventId(`registrations-session:${actor.subject}|${actor.idempotencyKey}`)
      : randomUUID();
    const held = await this.sessions.findOne({ _id: sessionId });
    if (held) return held;

    const attendees: Attendee[] = [];
    const seen = new Set<string>();
    for (const [i, a] of dto.attendees.entries()) {
      const field = `attendees.${i}`;
      if ((a.childId === undefined) === (a.carerId === undefined)) {
        problems.push({ field, reason: 'give either childId or carerId' });
        continue;
      }
      const family = this.families.get(a.familyId);
      if (!family) {
        problems.push({ field: `${field}.familyId`, reason: 'no such family' });
        continue;
      }
      await mayRegister(family, i);
      if (family.withdrawal) {
        problems.push({ field: `${field}.familyId`, reason: 'the family has left the register' });
        continue;
      }
      const person = a.childId ?? a.carerId!;
      if (seen.has(person)) continue; // listed twice: present once
      seen.add(person);
      const attendanceId = deterministicEventId(`registrations-attendance:${sessionId}|${person}`);
      if (a.childId !== undefined) {
        if (!family.children.some((c) => c.childId === a.childId)) {
          problems.push({ field: `${field}.childId`, reason: 'not a child of that family' });
          continue;
        }
        attendees.push({ attendanceId, familyId: family._id, childId: a.childId });
      } else {
        const carer = family.carers.find((c) => c.carerId === a.carerId);
        if (!carer) {
          problems.push({ field: `${field}.carerId`, reason: 'not a carer of that family' });
          continue;
        }
        attendees.push({
          attendanceId,
          familyId: family._id,
          carerId: carer.carerId,
          relationship: carerRole(carer),
        });
      }
    }
    if (problems.length > 0 || !activity) throw problemsException(problems);

    const session: Session = {
      _id: sessionId,
      centreId,
      activityId: activity._id,
      date: dto.date,
      attendees,
      recordedAt: now,
      recordedBy: actor.subject,
    };
    const events = attendees.map((a): NewRegistrationEvent => {
      const family = this.families.get(a.familyId)!;
      const common = {
        attendanceId: a.attendanceId,
        sessionId,
        centreId,
        activityId: activity._id,
        activityCategory: activity.category,
        date: dto.date,
        familyId: a.familyId,
      };
      if (a.childId !== undefined) {
        const child = family.children.find((c) => c.childId === a.childId)!;
        const facts: AttendanceRecordedFactsV1 = { ...common, childId: a.childId };
        return {
          topic: CHILD_TOPIC,
          key: childKey(child),
          type: 'AttendanceRecorded',
          eventId: deterministicEventId(`attendance-recorded:${a.attendanceId}`),
          date: dto.date,
          facts,
        };
      }
      const facts: CarerAttendanceRecordedFactsV1 = {
        ...common,
        carerId: a.carerId!,
        relationship: a.relationship!,
      };
      return {
        topic: FAMILY_TOPIC,
        key: familyKey(a.familyId),
        type: 'CarerAttendanceRecorded',
        eventId: deterministicEventId(`carer-attendance-recorded:${a.attendanceId}`),
        date: dto.date,
        facts,
      };
    });
    await this.events.append(events, now);
    await this.sessions.insertOne(session);
    return session;
  }
}

/** Father if the carer is any child's father, else mother if any child's, else other carer. */
function carerRole(carer: Carer): CarerRelationship {
  const roles = new Set(carer.relationships.map((r) => r.relationship));
  if (roles.has('father')) return 'father';
  if (roles.has('mother')) return 'mother';
  return 'other_carer';
}
