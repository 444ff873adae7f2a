/**
 * The lines Tessera prints or offers to copy for ICA project data with the AWS tools:
 * the `credential_process` line for ~/.aws/config, the `tessera aws-config` command and
 * an `aws s3 ls` to try. Every argument is quoted by the one shell rule (shell/quote.ts):
 * the AWS CLI splits `credential_process` like a POSIX shell (Python's shlex.split), so
 * the same quoting serves both. The project is written as its id, which survives a rename.
 */
import { shellQuote } from '../shell/quote.js';

export interface AwsCommandInput {
  /** The words that start the CLI: its absolute path (or Node and the script), or `tessera` when it is on PATH (the app). */
  tessera: readonly string[];
  profile: string;
  projectId: string;
  path: string;
  readOnly: boolean;
  awsProfile: string;
  s3Uri: string;
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');

/** A default AWS profile name: `<profile>-<project>-<folder>`, lower case, at most 64 characters. */
export function defaultAwsProfileName(profile: string, projectName: string, path: string, readOnly: boolean): string {
  const parts = [slug(profile), slug(projectName), slug(path), readOnly ? 'ro' : ''].filter(Boolean);
  return (parts.join('-') || 'ica').slice(0, 64).replace(/-+$/, '');
}

/** An AWS profile name Tessera writes: a word the config file's section header and `--profile` take as is. */
export const AWS_PROFILE_NAME = /^[A-Za-z0-9_.+@-]{1,64}$/;

function selection(input: AwsCommandInput): string[] {
  return [shellQuote(input.profile), '--project', shellQuote(input.projectId), '--path', shellQuote(input.path), ...(input.readOnly ? ['--read-only'] : [])];
}

export function credentialProcessCommand(input: AwsCommandInput): string {
  return [...input.tessera.map(shellQuote), 'aws-credentials', ...selection(input)].join(' ');
}

export function awsCommandLines(input: AwsCommandInput): { awsLs: string; credentialProcess: string; awsConfig: string } {
  return {
    awsLs: `aws s3 ls ${shellQuote(input.s3Uri)} --profile ${shellQuote(input.awsProfile)}`,
    credentialProcess: `credential_process = ${credentialProcessCommand(input)}`,
    awsConfig: [...input.tessera.map(shellQuote), 'aws-config', ...selection(input), '--name', shellQuote(input.awsProfile)].join(' '),
  };
}
