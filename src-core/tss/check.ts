/**
 * Hand-written checks for the bodies a sync reads by the thousand: a case-search page
 * and a single case. They accept exactly what TssCasePageSchema and TssCaseSchema
 * (schemas.ts) accept and reject exactly what they reject, at a fraction of the cost:
 * nothing is copied, no issue objects are built. The schemas stay the definition; on a
 * rejection the HTTP helper runs the schema to say what is wrong, so messages are
 * zod's. test/unit/tss-check.test.ts holds the two to the same answers.
 *
 * A check answers the value it was given, not a copy, and changes it in place only
 * where the schema's copy would differ: ids and display ids trimmed, and an own
 * `__proto__` key (JSON.parse makes one) dropped from every object, as zod drops it.
 * The value is the helper's freshly parsed JSON, which nothing else holds.
 *
 * A rule changed in schemas.ts must change here too; the equivalence test fails until it does.
 */
import { isDateText } from './dates.js';
import type { TssCase, TssCasePage } from './schemas.js';

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** zod's looseObject output leaves out an own `__proto__` (assigning it would replace the prototype). */
function dropProto(o: Obj): void {
  if (Object.hasOwn(o, '__proto__')) delete o.__proto__;
}

const isNil = (v: unknown): v is null | undefined => v === undefined || v === null;

/** z.number(): finite. */
const isNumber = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);

/** `Count`: a safe non-negative integer. */
const isCount = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;

/** `nullish(z.string())`. */
const nullishString = (v: unknown): boolean => isNil(v) || typeof v === 'string';

/** `Text`: nullish string or number. */
const isText = (v: unknown): boolean => isNil(v) || typeof v === 'string' || isNumber(v);

/** `DateText`: nullish, empty, or a date isDateText accepts. */
const isDate = (v: unknown): boolean => isNil(v) || (typeof v === 'string' && (v === '' || isDateText(v)));

/** `nullish(z.string().check(z.maxLength(n)))`. */
const nullishShort = (v: unknown, max: number): boolean => isNil(v) || (typeof v === 'string' && v.length <= max);

/**
 * `TssIdSchema` (and displayId): a string that trims to 1..256 characters. The schema's
 * output is the trimmed string, so a padded id is trimmed in place. False when invalid.
 */
function checkId(o: Obj, key: string): boolean {
  const v = o[key];
  if (typeof v !== 'string') return false;
  const t = v.trim();
  if (t.length < 1 || t.length > 256) return false;
  if (t !== v) o[key] = t;
  return true;
}

function checkSample(s: unknown): boolean {
  if (!isObject(s)) return false;
  dropProto(s);
  return (
    isText(s.id) &&
    isText(s.externalSampleId) &&
    isText(s.externalSampleName) &&
    nullishString(s.sampleType) &&
    nullishString(s.status) &&
    isDate(s.dateReceived) &&
    isDate(s.dateCollected)
  );
}

function checkSubject(s: unknown): boolean {
  if (!isObject(s)) return false;
  dropProto(s);
  return isText(s.id) && isText(s.firstName) && isText(s.lastName) && isText(s.mrn) && nullishString(s.dateOfBirth) && nullishString(s.gender);
}

function checkCaseSubject(cs: unknown): boolean {
  if (!isObject(cs)) return false;
  dropProto(cs);
  if (!isText(cs.id) || !nullishString(cs.relationshipToProband)) return false;
  if (!isNil(cs.subject) && !checkSubject(cs.subject)) return false;
  return isNil(cs.samples) || everyOf(cs.samples, checkSample);
}

/** `TagSchema`: a string, or an object with a string `name` or a string `value`. */
function checkTag(t: unknown): boolean {
  if (typeof t === 'string') return true;
  if (!isObject(t) || (typeof t.name !== 'string' && typeof t.value !== 'string')) return false;
  dropProto(t);
  return true;
}

function checkTestDefinition(t: unknown): boolean {
  if (!isObject(t)) return false;
  dropProto(t);
  return checkId(t, 'id') && nullishString(t.name) && nullishString(t.type);
}

/** Every item passes; checks them all (not `Array.prototype.every`, which skips holes zod would refuse). */
function everyOf(a: unknown, check: (item: unknown) => boolean): boolean {
  if (!Array.isArray(a)) return false;
  for (let i = 0; i < a.length; i++) if (!check(a[i])) return false;
  return true;
}

function isCase(c: unknown): boolean {
  if (!isObject(c)) return false;
  dropProto(c);
  return (
    checkId(c, 'id') &&
    checkId(c, 'displayId') &&
    typeof c.status === 'string' &&
    c.status.length <= 128 &&
    nullishShort(c.subState, 128) &&
    nullishString(c.activationState) &&
    (isNil(c.testDefinition) || checkTestDefinition(c.testDefinition)) &&
    (isNil(c.tags) || everyOf(c.tags, checkTag)) &&
    isDate(c.createdDate) &&
    isDate(c.updatedDate) &&
    isDate(c.startDate) &&
    isDate(c.dueDate) &&
    isDate(c.completedDate) &&
    nullishString(c.createdBy) &&
    nullishString(c.updatedBy) &&
    isText(c.externalCaseId) &&
    (isNil(c.caseSubjects) || everyOf(c.caseSubjects, checkCaseSubject))
  );
}

/** The case when TssCaseSchema accepts it (the same object, see above), otherwise undefined. */
export function checkCase(value: unknown): TssCase | undefined {
  return isCase(value) ? (value as TssCase) : undefined;
}

/** `z.optional(x)`: only undefined, not null, stands for absent. */
const optional = (v: unknown, check: (v: unknown) => boolean): boolean => v === undefined || check(v);
const isBoolean = (v: unknown): boolean => typeof v === 'boolean';

/** The page when TssCasePageSchema accepts it (the same object, see above), otherwise undefined. */
export function checkCasePage(value: unknown): TssCasePage | undefined {
  if (!isObject(value)) return undefined;
  dropProto(value);
  const ok =
    isCount(value.totalElements) &&
    isCount(value.totalPages) &&
    isCount(value.number) &&
    isCount(value.size) &&
    optional(value.numberOfElements, isCount) &&
    optional(value.first, isBoolean) &&
    optional(value.last, isBoolean) &&
    optional(value.empty, isBoolean) &&
    everyOf(value.content, isCase);
  return ok ? (value as TssCasePage) : undefined;
}
