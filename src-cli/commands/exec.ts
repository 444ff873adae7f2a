/**
 * `tessera exec <name> [--serve] [--project <name|id>] [--aws-project <name|id> --aws-path <folder/> [--aws-read-only]] [--min-ttl <s>] -- <command> [args...]`:
 * runs a command with a fresh token and the profile's URLs in its environment
 * (ICAV2_ACCESS_TOKEN, ICAV2_SERVER_URL, ICAV2_BASE_URL, ICAV2_PROJECT_ID, the TSS base
 * URL, domain and workgroup), never in its argv. With --serve, a loopback token endpoint
 * (TESSERA_TOKEN_URL, TESSERA_TOKEN_AUTH) serves fresh tokens for as long as the command
 * runs. With --aws-project and --aws-path, an AWS container-credentials endpoint
 * (AWS_CONTAINER_CREDENTIALS_FULL_URI, AWS_CONTAINER_AUTHORIZATION_TOKEN) serves temporary
 * credentials for that ICA project folder, with TESSERA_S3_URI and AWS_REGION, and the
 * variables that would make AWS tools prefer other credentials are left out. The child's
 * exit code and signals pass through (../child.ts).
 */
import { InvalidArgumentError } from 'commander';
import { AWS_OVERRIDING_VARIABLES, TesseraError } from '../../src-core/index.js';
import { childEnvironment, runChild } from '../child.js';
import type { CliContext, Registrar } from '../context.js';
import { parseSeconds } from './token.js';

export interface ChildOptions {
  serve?: boolean;
  project?: string;
  minTtl?: number;
  awsProject?: string;
  awsPath?: string;
  awsReadOnly?: boolean;
}

const USAGE =
  'tessera exec <name> [--serve] [--project <name|id>] [--aws-project <name|id> --aws-path <folder/> [--aws-read-only]] [--min-ttl <seconds>] -- <command> [args...]';

function seconds(value: string | undefined): number {
  if (value === undefined) throw new TesseraError('INVALID_INPUT', `--min-ttl needs a number of seconds: ${USAGE}`);
  try {
    return parseSeconds(value);
  } catch (error) {
    throw new TesseraError('INVALID_INPUT', `--min-ttl: ${error instanceof InvalidArgumentError ? error.message : 'invalid value'}`);
  }
}

/**
 * Tessera's own options may also stand between the profile name and the command
 * (`tessera exec lab --serve -- cmd`), where commander has already stopped parsing
 * (everything after the name could belong to the command). They end at `--` or at the
 * first word that is not one of them.
 */
export function splitCommand(first: string, rest: string[], parsed: ChildOptions): { options: ChildOptions; command?: string; args: string[] } {
  const words = [first, ...rest];
  const options = { ...parsed };
  let i = 0;
  for (; i < words.length; i++) {
    const word = words[i]!;
    if (word === '--') {
      i += 1;
      break;
    }
    const [flag, inline] = word.startsWith('--') && word.includes('=') ? [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)] : [word, undefined];
    if (flag === '--serve' && inline === undefined) options.serve = true;
    else if (flag === '--project') options.project = inline ?? words[++i];
    else if (flag === '--min-ttl') options.minTtl = seconds(inline ?? words[++i]);
    else if (flag === '--aws-project') options.awsProject = inline ?? words[++i];
    else if (flag === '--aws-path') options.awsPath = inline ?? words[++i];
    else if (flag === '--aws-read-only' && inline === undefined) options.awsReadOnly = true;
    else if (word.startsWith('-')) throw new TesseraError('INVALID_INPUT', `Unknown option ${flag} before the command; put the command's own options after \`--\`: ${USAGE}`);
    else break;
    if (flag === '--project' && !options.project) throw new TesseraError('INVALID_INPUT', `--project needs a project name or id: ${USAGE}`);
    if (flag === '--aws-project' && !options.awsProject) throw new TesseraError('INVALID_INPUT', `--aws-project needs a project name or id: ${USAGE}`);
    if (flag === '--aws-path' && !options.awsPath) throw new TesseraError('INVALID_INPUT', `--aws-path needs a folder path: ${USAGE}`);
  }
  if ((options.awsProject === undefined) !== (options.awsPath === undefined) || (options.awsReadOnly && options.awsProject === undefined)) {
    throw new TesseraError('INVALID_INPUT', `--aws-project and --aws-path go together (and --aws-read-only with them): ${USAGE}`);
  }
  const [command, ...args] = words.slice(i);
  return { options, ...(command !== undefined && { command }), args };
}

/**
 * Composes the environment for one child and runs it. Serving keeps the core composed
 * while the child runs (the endpoint mints with it); otherwise nothing of ours stays open
 * for what may be hours.
 */
export async function runWithProfile(ctx: CliContext, name: string, options: ChildOptions, command: string, args: string[]): Promise<void> {
  const core = await ctx.core({ readMostly: true });
  const tokenOptions = options.minTtl !== undefined ? { minTtlSeconds: options.minTtl } : {};
  const extra = await core.execEnvironment(name, { ...tokenOptions, ...(options.project !== undefined && { project: options.project }) });
  const aws = options.awsProject !== undefined && options.awsPath !== undefined;
  if (!options.serve && !aws) {
    await ctx.dispose();
    await runChild(ctx, command, args, childEnvironment(ctx.env, extra));
    return;
  }
  const endpoints: Array<{ env: object; close(): Promise<void> }> = [];
  try {
    if (options.serve) endpoints.push(await core.serveToken(name, tokenOptions));
    if (aws) endpoints.push(await core.serveAwsCredentials(name, { project: options.awsProject!, path: options.awsPath!, ...(options.awsReadOnly && { readOnly: true }) }));
    const base = aws ? withoutAwsOverrides(ctx.env) : ctx.env;
    await runChild(ctx, command, args, childEnvironment(base, extra, ...endpoints.map((e) => e.env as Record<string, string>)));
  } finally {
    await Promise.all(endpoints.map((e) => e.close()));
  }
}

/** The environment without what would make AWS tools use other credentials than the endpoint's. */
function withoutAwsOverrides(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  for (const key of AWS_OVERRIDING_VARIABLES) delete copy[key];
  return copy;
}

export const registerExec: Registrar = (program, ctx) => {
  program
    .command('exec')
    .description('run a command with ICAV2_ACCESS_TOKEN and the profile\'s URLs in its environment (--serve: fresh tokens for as long as it runs; --aws-project/--aws-path: S3 credentials for an ICA folder)')
    // Short, so the command list stays narrow; `tessera exec --help` lists the options.
    .usage('<name> [options] -- <command> [args...]')
    .argument('<name>', 'profile name')
    .argument('<command>', 'the command to run (after --)')
    .argument('[args...]', 'its arguments')
    .option('--serve', 'serve fresh tokens to the command on 127.0.0.1 (TESSERA_TOKEN_URL, TESSERA_TOKEN_AUTH) while it runs')
    .option('--project <name|id>', 'set ICAV2_PROJECT_ID to this ICA project (looked up in the profile\'s tenant)')
    .option('--aws-project <name|id>', 'serve temporary AWS credentials for a folder of this ICA project to the command (AWS container-credentials protocol)')
    .option('--aws-path <folder/>', 'the folder for --aws-project, from the project root (sets TESSERA_S3_URI)')
    .option('--aws-read-only', 'with --aws-project: read-only credentials')
    .option('--min-ttl <seconds>', 'minimum lifetime left of every token handed out (default: the minTtlSeconds setting, 300)', parseSeconds)
    // Options after the command belong to it, not to tessera.
    .passThroughOptions()
    .action(async (name: string, first: string, rest: string[], parsed: ChildOptions) => {
      const { options, command, args } = splitCommand(first, rest, parsed);
      if (!command) throw new TesseraError('INVALID_INPUT', `No command given: ${USAGE}`);
      await runWithProfile(ctx, name, options, command, args);
    });
};
