/** FHIR STU3 OperationOutcome: how a FHIR receiver says why it rejected a message. */
export type IssueType =
  'invalid' | 'structure' | 'required' | 'value' | 'not-supported' | 'conflict' | 'not-found';

export interface OperationOutcomeIssue {
  severity: 'error';
  code: IssueType;
  /** The element path first, then the reason: "Patient.birthDate: is required". */
  diagnostics: string;
  /** FHIRPath of the element at fault, where there is one. */
  expression?: string[];
}

export interface OperationOutcome {
  resourceType: 'OperationOutcome';
  issue: OperationOutcomeIssue[];
}

export function issue(code: IssueType, path: string, reason: string): OperationOutcomeIssue {
  return { severity: 'error', code, diagnostics: `${path}: ${reason}`, expression: [path] };
}

/** Thrown inside the parser; parseNemsMessage turns it into `{ ok: false, outcome }`. */
export class NemsRejection extends Error {
  constructor(readonly issues: OperationOutcomeIssue[]) {
    super(issues.map((i) => i.diagnostics).join('; '));
  }

  static of(code: IssueType, path: string, reason: string): NemsRejection {
    return new NemsRejection([issue(code, path, reason)]);
  }

  get outcome(): OperationOutcome {
    return { resourceType: 'OperationOutcome', issue: this.issues };
  }
}
