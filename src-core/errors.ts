import { ERROR_ACTIONS, isErrorCode, type ErrorCode, type ErrorInfo } from '../src-shared/errors.js';

/**
 * The one error type the core throws. `message` is for people and never contains a
 * secret; `cause` may hold the underlying error for logs (which are redacted).
 */
export class TesseraError extends Error {
  override readonly name = 'TesseraError';
  readonly code: ErrorCode;
  /** HTTP status when the error came from the platform. */
  readonly status?: number;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; status?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options?.status !== undefined) this.status = options.status;
  }

  get action(): string {
    return ERROR_ACTIONS[this.code];
  }

  toInfo(): ErrorInfo {
    return { code: this.code, message: this.message };
  }
}

export function isTesseraError(value: unknown): value is TesseraError {
  return value instanceof TesseraError;
}

/** Maps anything thrown to the `{code, message}` that crosses a boundary; unknown errors never leak their text. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof TesseraError) return error.toInfo();
  if (error && typeof error === 'object' && 'code' in error && isErrorCode((error as { code: unknown }).code)) {
    const e = error as { code: ErrorInfo['code']; message?: unknown };
    return { code: e.code, message: typeof e.message === 'string' ? e.message : ERROR_ACTIONS[e.code] };
  }
  return { code: 'INTERNAL', message: 'An unexpected error occurred.' };
}
