import {
  centreOfPath,
  createdRefsOf,
  emptyRefMaps,
  learnIds,
  resolveBody,
  resolvePath,
  UnresolvedRef,
} from './refs';

describe('synthetic sender: registrations refs', () => {
  const maps = emptyRefMaps();
  learnIds(
    createdRefsOf({ family: 'F1', children: ['F1-K1', 'F1-K2'], carers: ['F1-M'] }),
    {
      familyId: 'C01-ABC123',
      children: [{ childId: 'child-1' }, { childId: 'child-2' }],
      carers: [{ carerId: 'carer-1' }],
    },
    maps,
  );
  learnIds(createdRefsOf({ activityRef: 'A1' }), { activityId: 'activity-1' }, maps);

  it('should learn ids from a 201 answer in the order of the body', () => {
    expect(maps).toEqual({
      family: { F1: 'C01-ABC123' },
      child: { 'F1-K1': 'child-1', 'F1-K2': 'child-2' },
      carer: { 'F1-M': 'carer-1' },
      activity: { A1: 'activity-1' },
    });
  });

  it('should fill ids into paths and bodies', () => {
    expect(resolvePath('/families/{family:F1}/changes', maps)).toBe('/families/C01-ABC123/changes');
    expect(
      resolveBody(
        {
          activityRef: 'A1',
          date: '2026-10-06',
          attendees: [
            { familyRef: 'F1', childRef: 'F1-K2' },
            { familyRef: 'F1', carerRef: 'F1-M' },
          ],
        },
        maps,
      ),
    ).toEqual({
      activityId: 'activity-1',
      date: '2026-10-06',
      attendees: [
        { familyId: 'C01-ABC123', childId: 'child-2' },
        { familyId: 'C01-ABC123', carerId: 'carer-1' },
      ],
    });
  });

  it('should fill ids given as {kind:ref} strings', () => {
    expect(
      resolveBody(
        { activityId: '{activity:A1}', childIds: ['{child:F1-K1}', '{child:F1-K2}'] },
        maps,
      ),
    ).toEqual({ activityId: 'activity-1', childIds: ['child-1', 'child-2'] });
  });

  it('should refuse a ref it has no id for', () => {
    expect(() => resolvePath('/families/{family:F9}/changes', maps)).toThrow(UnresolvedRef);
    expect(() => resolveBody({ attendees: [{ childRef: 'nobody' }] }, maps)).toThrow(
      'unresolved child ref nobody',
    );
  });

  it('should know the centre a request acts for', () => {
    expect(centreOfPath('/centres/C01/sessions')).toBe('C01');
    expect(centreOfPath('/families/SC-01-ABC123/changes')).toBe('SC-01');
    expect(centreOfPath('/contacts')).toBeUndefined();
  });
});
