/** Shapes of the simulated TSS data, as public client code shows the fields. */

export interface SimTestDefinition {
  id: string;
  name: string;
  version: string;
  type: string;
  testType: string;
  description: string;
  status: string;
  pedigreeSize: number;
  createdDate: string;
  updatedDate: string;
  reports: Array<{ id: string; name: string }>;
}

export interface SimSample {
  id: string;
  externalSampleId: string;
  externalSampleName: string;
  sampleType: string;
  status: string;
  dateReceived: string | null;
  dateCollected: string | null;
}

/** Patient identifiers are optional: they are present only in the full case with `directIdentifiers=true`. */
export interface SimSubject {
  id: string;
  gender: string;
  firstName?: string;
  lastName?: string;
  mrn?: string;
  dateOfBirth?: string;
}

export interface SimCaseSubject {
  id: string;
  relationshipToProband: string;
  isProband: boolean;
  subject: SimSubject;
  phenotypes: Array<{ id: string; name: string }>;
  samples: SimSample[];
}

export interface SimCase {
  id: string;
  displayId: string;
  status: string;
  subState: string;
  activationState: string | null;
  createdDate: string;
  updatedDate: string;
  createdBy: string;
  updatedBy: string;
  startDate: string | null;
  dueDate: string;
  completedDate: string | null;
  tat: number | null;
  tags: string[];
  caseOwners: string[];
  testDefinition: { id: string; name: string; type: string };
  testType: string;
  clientId: string;
  pedigreeSize: number;
  externalCaseId: string;
  caseSubjects: SimCaseSubject[];
}

export interface SimAuditEvent {
  id: string;
  createdDate: string;
  userName: string;
  eventName: string;
  entityType: string;
  entityId: string;
  caseId: string;
  caseDisplayId: string;
  description: string;
}
