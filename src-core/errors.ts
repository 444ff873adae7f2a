/**
 * The core's error type. It is defined with the error codes in src-shared/errors.ts (it
 * is part of the contract) so that a face's start-up code, such as the CLI's argument
 * checks, can throw and map it without loading the core; the core imports it from here.
 */
export { TesseraError, isTesseraError, toErrorInfo } from '../src-shared/errors.js';
