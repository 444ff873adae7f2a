/**
 * zod schemas for TSS responses (the TSS APIs as public client code uses them).
 *
 * Tolerant where the platform varies: unknown fields pass through untouched
 * (`looseObject`), status and subState are free text (new workflow states are data,
 * not errors), optional fields may be missing or null. Strict where a wrong value
 * would corrupt the cache: ids are non-empty strings, dates must parse, page numbers
 * and counts are non-negative integers.
 *
 * The schemas validate and do not transform: the parsed value is the server's JSON as
 * sent (kept as the case's `raw`); normalize.ts derives what the cache indexes.
 *
 * TssCaseSchema and TssCasePageSchema have hand-written twins in check.ts, which the
 * client uses for speed (a sync reads them by the thousand): a rule changed here must
 * change there too (test/unit/tss-check.test.ts fails until it does).
 */
import * as z from '../../src-shared/zod.js';
import { isDateText } from './dates.js';

/** Absent, null or the schema. */
const nullish = <T extends z.core.SomeType>(schema: T) => z.optional(z.nullable(schema));

const TssIdSchema = z.string().check(z.trim(), z.minLength(1, 'an id must not be empty'), z.maxLength(256));

/** Free text that some tenants send as numbers (MRNs, sample ids). */
const Text = nullish(z.union([z.string(), z.number()]));

const DateText = nullish(z.string()).check(
  z.refine((v) => v === null || v === undefined || v === '' || isDateText(v), { message: 'not an ISO-8601 date' }),
);

const Count = z.number().check(z.int(), z.gte(0));

const TssSampleSchema = z.looseObject({
  id: Text,
  externalSampleId: Text,
  externalSampleName: Text,
  sampleType: nullish(z.string()),
  status: nullish(z.string()),
  dateReceived: DateText,
  dateCollected: DateText,
});

const TssSubjectSchema = z.looseObject({
  id: Text,
  firstName: Text,
  lastName: Text,
  mrn: Text,
  dateOfBirth: nullish(z.string()),
  gender: nullish(z.string()),
});

const TssCaseSubjectSchema = z.looseObject({
  id: Text,
  relationshipToProband: nullish(z.string()),
  subject: nullish(TssSubjectSchema),
  samples: nullish(z.array(TssSampleSchema)),
});

/** Tags arrive as strings in public code; accept `{name}`/`{value}` objects too rather than fail a sync over them. */
const TagSchema = z.union([z.string(), z.looseObject({ name: z.string() }), z.looseObject({ value: z.string() })]);

export const TssCaseSchema = z.looseObject({
  id: TssIdSchema,
  displayId: z.string().check(z.trim(), z.minLength(1, 'a displayId must not be empty'), z.maxLength(256)),
  status: z.string().check(z.maxLength(128)),
  subState: nullish(z.string().check(z.maxLength(128))),
  activationState: nullish(z.string()),
  testDefinition: nullish(
    z.looseObject({
      id: TssIdSchema,
      name: nullish(z.string()),
      type: nullish(z.string()),
    }),
  ),
  tags: nullish(z.array(TagSchema)),
  createdDate: DateText,
  updatedDate: DateText,
  startDate: DateText,
  dueDate: DateText,
  completedDate: DateText,
  createdBy: nullish(z.string()),
  updatedBy: nullish(z.string()),
  externalCaseId: Text,
  caseSubjects: nullish(z.array(TssCaseSubjectSchema)),
});
export type TssCase = z.infer<typeof TssCaseSchema>;

/** Spring's page envelope; `content` is validated by the caller's item schema. */
function pageSchema<T extends z.core.SomeType>(item: T) {
  return z.looseObject({
    content: z.array(item),
    totalElements: Count,
    totalPages: Count,
    number: Count,
    size: Count,
    numberOfElements: z.optional(Count),
    first: z.optional(z.boolean()),
    last: z.optional(z.boolean()),
    empty: z.optional(z.boolean()),
  });
}

export const TssCasePageSchema = pageSchema(TssCaseSchema);
export type TssCasePage = z.infer<typeof TssCasePageSchema>;

export const TssTestDefinitionSchema = z.looseObject({
  id: TssIdSchema,
  name: nullish(z.string()),
  version: nullish(z.union([z.string(), z.number()])),
  type: nullish(z.string()),
  testType: nullish(z.string()),
  reports: nullish(z.array(z.looseObject({ id: TssIdSchema }))),
});
export type TssTestDefinition = z.infer<typeof TssTestDefinitionSchema>;

/** `{"items": [...]}` as public clients see it; a Spring page (`content`) is accepted too. */
export const TssTestDefinitionsSchema = z.union([
  z.looseObject({ items: z.array(TssTestDefinitionSchema) }),
  z.looseObject({ content: z.array(TssTestDefinitionSchema) }),
]);

const TssAuditEventSchema = z.looseObject({
  id: nullish(z.union([TssIdSchema, z.number()])),
  createdDate: DateText,
  eventName: nullish(z.string()),
  entityType: nullish(z.string()),
  entityId: Text,
  caseId: Text,
});
export const TssAuditPageSchema = pageSchema(TssAuditEventSchema);
export type TssAuditPage = z.infer<typeof TssAuditPageSchema>;

/** `GET /crs/api/v1/cases/{id}/reports/json`: the report arrives as a JSON string inside `jsonContent`. */
export const TssReportEnvelopeSchema = z.looseObject({ jsonContent: z.string() });

const Position = nullish(z.union([z.number(), z.string()]));

export const TssReportVariantSchema = z.looseObject({
  gene: Text,
  chromosome: Text,
  start: Position,
  stop: Position,
  refAllele: Text,
  altAllele: Text,
  transcript: nullish(
    z.looseObject({
      name: Text,
      hgvsc: Text,
      hgvsp: Text,
      exons: Text,
      proteinId: Text,
      consequences: nullish(z.array(z.string())),
    }),
  ),
});

export const TssReportTypeSchema = z.looseObject({
  id: Text,
  reportType: Text,
  reportTypeId: Text,
  reportDetails: nullish(
    z.looseObject({
      reportId: Text,
      status: Text,
      subState: Text,
      name: Text,
      editStatus: Text,
      variants: nullish(z.array(TssReportVariantSchema)),
    }),
  ),
});

/** The parsed `jsonContent`; unknown fields (other sections of the report) pass through. */
export const TssReportSchema = z.looseObject({
  reportTypes: nullish(z.array(TssReportTypeSchema)),
  truSightSoftwareSuiteVersion: Text,
  dragenVersion: Text,
});
export type TssReport = z.infer<typeof TssReportSchema>;
