import type { CloudEvent, SubjectErasedV1 } from '@lib/contracts';
import { InMemorySubjectKeys } from './in-memory-key-source';
import { PersonalDataCipher } from './personal-data-cipher';
import { PersonalDataReader } from './personal-data-reader';

const CHILD = '9995000016';
const facts = { nhsNumber: CHILD, birthDate: '2026-01-02', postcodeDistrict: 'SO14' };

function subjectErased(keyId: string): CloudEvent<SubjectErasedV1> {
  return {
    specversion: '1.0',
    id: 'e0e0e0e0-0000-5000-8000-000000000000',
    type: 'SubjectErased',
    source: 'births',
    subject: CHILD,
    time: '2026-02-02T10:00:00.000Z',
    dataschema: 'urn:early-years:contracts:privacy:SubjectErased:v1',
    data: {
      facts: { subjectKeyId: keyId, erasedAt: '2026-02-02T10:00:00.000Z', reason: 'withdrawal' },
    },
  };
}

describe(PersonalDataReader, () => {
  let keys: InMemorySubjectKeys;
  let cipher: PersonalDataCipher;
  let sut: PersonalDataReader;

  beforeEach(() => {
    keys = new InMemorySubjectKeys();
    cipher = new PersonalDataCipher(keys);
    sut = new PersonalDataReader(cipher, keys);
  });

  it('should give facts and identities with their key id while the subject is known', async () => {
    const personal = (await cipher.seal(CHILD, { givenName: 'Ada' }))!;
    await expect(sut.openPersonal({ facts, personal })).resolves.toEqual({
      facts,
      identity: 'present',
      personal: { givenName: 'Ada' },
      keyId: keys.keyIdOf(CHILD),
    });
  });

  it('should give facts only when there is no personal block', async () => {
    await expect(sut.openPersonal({ facts })).resolves.toEqual({
      facts,
      identity: 'absent',
      personal: null,
    });
  });

  it('should keep the facts and no identity once the subject is erased (also on replay)', async () => {
    const personal = (await cipher.seal(CHILD, { givenName: 'Ada' }))!;
    const keyId = keys.keyIdOf(CHILD);
    const forgotten: string[] = [];
    const handled = await sut.applySubjectErased(subjectErased(keyId), (id) => {
      forgotten.push(id);
      return Promise.resolve();
    });
    expect(handled).toBe(true);
    expect(forgotten).toEqual([keyId]);
    await expect(sut.openPersonal({ facts, personal })).resolves.toEqual({
      facts,
      identity: 'erased',
      personal: null,
      keyId,
    });
  });

  it('should keep the facts and no identity for an unreadable block, with the reason', async () => {
    const personal = (await cipher.seal(CHILD, { givenName: 'Ada' }))!;
    await expect(
      sut.openPersonal({ facts, personal: { ...personal, tag: 'A'.repeat(22) + '==' } }),
    ).resolves.toMatchObject({
      facts,
      identity: 'unreadable',
      personal: null,
      reason: 'authentication-failed',
    });
  });

  it('should ignore events that are not SubjectErased', async () => {
    const other = { ...subjectErased('x'), type: 'BirthNotified' };
    await expect(sut.applySubjectErased(other, () => Promise.reject(new Error()))).resolves.toBe(
      false,
    );
  });
});
