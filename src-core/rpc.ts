/**
 * Transport-neutral dispatch of the contract: validates arguments with the method's
 * schema, calls the core, and maps every outcome to an Envelope. Electron's IPC
 * registration and the e2e HTTP harness both use it, so only the transport differs.
 */
import { CONTRACT_ARGS, type Envelope, type TesseraApi, type TesseraMethod } from '../src-shared/contract.js';
import { formatIssue } from '../src-shared/issues.js';
import { TesseraError, toErrorInfo } from './errors.js';

export function isContractMethod(name: unknown): name is TesseraMethod {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(CONTRACT_ARGS, name);
}

/** Validates `args` for `method`; throws TesseraError('INVALID_INPUT') naming the offending field, never its value. */
export function parseArgs(method: TesseraMethod, args: unknown): unknown[] {
  const schema = CONTRACT_ARGS[method];
  const parsed = schema.safeParse(Array.isArray(args) ? args : [args]);
  if (!parsed.success) {
    throw new TesseraError('INVALID_INPUT', formatIssue(parsed.error.issues[0]));
  }
  return parsed.data as unknown[];
}

export async function dispatch(api: TesseraApi, method: unknown, args: unknown): Promise<Envelope<unknown>> {
  try {
    if (!isContractMethod(method)) throw new TesseraError('INVALID_INPUT', 'Unknown method');
    const parsed = parseArgs(method, args);
    const fn = api[method] as (...a: unknown[]) => Promise<unknown>;
    const value = await fn.apply(api, parsed);
    return { ok: true, value: value === undefined ? null : value };
  } catch (error) {
    return { ok: false, error: toErrorInfo(error) };
  }
}
