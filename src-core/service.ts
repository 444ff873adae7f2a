import type { TesseraApi, TesseraEvent } from '../src-shared/contract.js';
import type { Cached, Icav2ConfigFacts, Icav2ImportOptions, Icav2ImportResult, Icav2Locate, ReportPdf, RevealedToken, TokenOptions, TokenStatus } from '../src-shared/schemas.js';
import type { TokenFormat } from '../src-shared/token-formats.js';
import type { ExecOptions } from './exec/environment.js';
import type { TokenEndpoint } from './exec/token-endpoint.js';
import type { AwsEndpoint } from './aws/endpoint.js';
import type { AwsCredentialRequest, AwsCredentials } from './aws/credentials.js';

/**
 * The one service every face uses, returned by `createTessera(ports)`.
 * It implements the contract plus what only trusted faces (main, CLI) need.
 */
export interface TesseraCore extends TesseraApi {
  /** Push events (token state, sync progress, profile changes); returns an unsubscribe function. */
  onEvent(listener: (event: TesseraEvent) => void): () => void;
  /** A fresh token for the CLI and main's tray: same policy as revealToken. */
  token(name: string, options?: TokenOptions): Promise<RevealedToken>;
  /** The same token as text in a format (`tessera token --format`): the formatter the clipboard copies use. */
  tokenText(name: string, format: TokenFormat, options?: TokenOptions): Promise<{ profile: string; text: string; status: TokenStatus }>;
  /**
   * Environment for `tessera exec` and `tessera shell`: ICAV2_ACCESS_TOKEN, ICAV2_SERVER_URL (host),
   * ICAV2_BASE_URL, ICAV2_PROJECT_ID (with `project`), TSS base URL, domain, workgroup, profile.
   */
  execEnvironment(name: string, options?: ExecOptions): Promise<Record<string, string>>;
  /**
   * Starts a loopback token endpoint for one child process (`exec --serve`, `shell`); it
   * serves fresh tokens of the profile until closed, and is closed by `dispose()` at the latest.
   */
  serveToken(name: string, options?: TokenOptions): Promise<TokenEndpoint>;
  /**
   * One report type's PDF (by its id or name) for the CLI and main, which write it only
   * where the person chose; the renderer never receives the bytes.
   */
  getReportPdf(name: string, idOrDisplayId: string, reportTypeId: string): Promise<Cached<ReportPdf>>;
  /** The contract's, plus another file (the CLI's --config). */
  findIcav2Config(options?: Icav2Locate): Promise<Icav2ConfigFacts>;
  /** The contract's, plus the CLI's --config, --ica-url and --tss-url. */
  importIcav2(options: Icav2ImportOptions): Promise<Icav2ImportResult>;
  /**
   * Temporary AWS credentials for an ICA project folder, keys included (`tessera
   * aws-credentials` prints them for the AWS tools); cached in the secret store.
   */
  awsCredentials(name: string, request: AwsCredentialRequest): Promise<AwsCredentials>;
  /**
   * Starts a loopback AWS container-credentials endpoint for one child process (`exec
   * --aws-project`); closed by `dispose()` at the latest.
   */
  serveAwsCredentials(name: string, request: AwsCredentialRequest): Promise<AwsEndpoint>;
  /** Forgets in-memory tokens, closes caches, cancels timers. */
  dispose(): Promise<void>;
}
