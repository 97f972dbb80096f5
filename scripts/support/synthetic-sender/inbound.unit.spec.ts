import { attributeInbound, contactKeyOf, correlationOf, inboundValue } from './sender';

describe('synthetic sender: outcomes of the inbound topic', () => {
  it('should mark its correlation id on a CloudEvent and leave anything else as it is', () => {
    expect(JSON.parse(inboundValue({ id: 'e1', data: {} }, 'c1'))).toEqual({
      id: 'e1',
      data: {},
      correlationid: 'c1',
    });
    expect(inboundValue('{"not": "a cloud event"', 'c1')).toBe('{"not": "a cloud event"');
  });

  it('should read the contact key from a submitted contact and from a recorded one', () => {
    const fields = { sourceSystem: 's', organisationCode: 'RYX', sourceContactId: 'C1' };
    expect(contactKeyOf({ data: fields })).toBe('s|RYX|C1');
    expect(contactKeyOf({ data: { facts: fields } }, 'facts')).toBe('s|RYX|C1');
    expect(contactKeyOf('not json')).toBeUndefined();
  });

  it('should give dead letters, then events per contact key in file order, then duplicates', () => {
    const f = 'health-visits/inbound/2026-01.ndjson';
    const sent = [1, 2, 3, 4, 5].map((seq) => ({
      ref: `${f}#${seq}`,
      correlation: correlationOf(f, seq),
      contactKey: seq === 5 ? 'k2' : 'k1',
    }));
    const outcomes = attributeInbound(
      sent,
      new Map([['k1', ['ContactRecorded', 'ContactAmended']]]),
      new Map([[correlationOf(f, 2), 'contactType: not possible']]),
    );
    expect(outcomes.map((o) => [o.ref.split('#')[1], o.treatment, o.reason])).toEqual([
      ['1', 'accepted', undefined],
      ['2', 'rejected', 'contactType: not possible'],
      ['3', 'accepted', 'amended'],
      ['4', 'duplicate', 'no event: same as held'],
      ['5', 'duplicate', 'no event: same as held'],
    ]);
  });
});
