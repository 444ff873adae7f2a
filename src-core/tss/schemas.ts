/**
 * zod schemas for TSS responses (reference/PLATFORM.md, TSS section).
 *
 * Tolerant where the platform varies: unknown fields pass through untouched
 * (`looseObject`), status and subState are free text (new workflow states are data,
 * not errors), optional fields may be missing or null. Strict where a wrong value
 * would corrupt the cache: ids are non-empty strings, dates must parse, page numbers
 * and counts are non-negative integers.
 *
 * The schemas validate and do not transform: the parsed value is the server's JSON as
 * sent (kept as the case's `raw`); normalize.ts derives what the cache indexes.
 */
import { z } from 'zod';
import { isDateText } from './dates.js';

export const TssIdSchema = z.string().trim().min(1, 'an id must not be empty').max(256);

/** Free text that some tenants send as numbers (MRNs, sample ids). */
const Text = z.union([z.string(), z.number()]).nullish();

const DateText = z
  .string()
  .nullish()
  .refine((v) => v === null || v === undefined || v === '' || isDateText(v), { message: 'not an ISO-8601 date' });

const Count = z.number().int().nonnegative();

export const TssSampleSchema = z.looseObject({
  id: Text,
  externalSampleId: Text,
  externalSampleName: Text,
  sampleType: z.string().nullish(),
  status: z.string().nullish(),
  dateReceived: DateText,
  dateCollected: DateText,
});

export const TssSubjectSchema = z.looseObject({
  id: Text,
  firstName: Text,
  lastName: Text,
  mrn: Text,
  dateOfBirth: z.string().nullish(),
  gender: z.string().nullish(),
});

export const TssCaseSubjectSchema = z.looseObject({
  id: Text,
  relationshipToProband: z.string().nullish(),
  subject: TssSubjectSchema.nullish(),
  samples: z.array(TssSampleSchema).nullish(),
});

/** Tags arrive as strings in public code; accept `{name}`/`{value}` objects too rather than fail a sync over them. */
const TagSchema = z.union([z.string(), z.looseObject({ name: z.string() }), z.looseObject({ value: z.string() })]);

export const TssCaseSchema = z.looseObject({
  id: TssIdSchema,
  displayId: z.string().trim().min(1, 'a displayId must not be empty').max(256),
  status: z.string().max(128),
  subState: z.string().max(128).nullish(),
  activationState: z.string().nullish(),
  testDefinition: z
    .looseObject({
      id: TssIdSchema,
      name: z.string().nullish(),
      type: z.string().nullish(),
    })
    .nullish(),
  tags: z.array(TagSchema).nullish(),
  createdDate: DateText,
  updatedDate: DateText,
  startDate: DateText,
  dueDate: DateText,
  completedDate: DateText,
  createdBy: z.string().nullish(),
  updatedBy: z.string().nullish(),
  externalCaseId: Text,
  caseSubjects: z.array(TssCaseSubjectSchema).nullish(),
});
export type TssCase = z.infer<typeof TssCaseSchema>;

/** Spring's page envelope; `content` is validated by the caller's item schema. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.looseObject({
    content: z.array(item),
    totalElements: Count,
    totalPages: Count,
    number: Count,
    size: Count,
    numberOfElements: Count.optional(),
    first: z.boolean().optional(),
    last: z.boolean().optional(),
    empty: z.boolean().optional(),
  });
}

export const TssCasePageSchema = pageSchema(TssCaseSchema);
export type TssCasePage = z.infer<typeof TssCasePageSchema>;

export const TssTestDefinitionSchema = z.looseObject({
  id: TssIdSchema,
  name: z.string().nullish(),
  version: z.union([z.string(), z.number()]).nullish(),
  type: z.string().nullish(),
  testType: z.string().nullish(),
  reports: z.array(z.looseObject({ id: TssIdSchema })).nullish(),
});
export type TssTestDefinition = z.infer<typeof TssTestDefinitionSchema>;

/** `{"items": [...]}` per PLATFORM.md; a Spring page (`content`) is accepted too. */
export const TssTestDefinitionsSchema = z.union([
  z.looseObject({ items: z.array(TssTestDefinitionSchema) }),
  z.looseObject({ content: z.array(TssTestDefinitionSchema) }),
]);

export const TssAuditEventSchema = z.looseObject({
  id: z.union([TssIdSchema, z.number()]).nullish(),
  createdDate: DateText,
  eventName: z.string().nullish(),
  entityType: z.string().nullish(),
  entityId: Text,
  caseId: Text,
});
export type TssAuditEvent = z.infer<typeof TssAuditEventSchema>;
export const TssAuditPageSchema = pageSchema(TssAuditEventSchema);
export type TssAuditPage = z.infer<typeof TssAuditPageSchema>;
