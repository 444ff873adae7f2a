/**
 * ICA project data with the AWS tools (docs/aws.md):
 *
 * - `tessera aws-credentials <name> --project <name|id> --path <folder/> [--read-only]`
 *   prints the AWS `credential_process` JSON on stdout (the keys are for the AWS tool
 *   reading it; nothing secret goes to stderr).
 * - `tessera aws-config <name> --project … --path … [--name <aws profile>] [--read-only]`
 *   writes a `[profile …]` section with a `credential_process` line that runs the
 *   command above, and the bucket's region; prints the `s3://bucket/prefix` to use.
 */
import { constants, promises as fs } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { loadAwsConfig, TesseraError } from '../../src-core/index.js';
import type { Registrar } from '../context.js';

interface AwsOptions {
  project: string;
  path: string;
  readOnly?: boolean;
  name?: string;
}

/**
 * How the AWS tools should start this CLI: its script when that is executable (bin/tessera,
 * an installed launcher), else Node with the script.
 */
async function tesseraProgram(): Promise<string[]> {
  const script = process.argv[1];
  if (!script) return [process.execPath];
  const path = await realpath(script).catch(() => script);
  try {
    await fs.access(path, constants.X_OK);
    return [path];
  } catch {
    return [process.execPath, path];
  }
}

export const registerAws: Registrar = (program, ctx) => {
  program
    .command('aws-credentials')
    .description('print temporary AWS credentials for an ICA project folder as AWS credential_process JSON (cached; renewed well before they expire)')
    .argument('<name>', 'profile name')
    .requiredOption('--project <name|id>', 'the ICA project (name or id)')
    .requiredOption('--path <folder/>', 'a folder in the project, from its root (e.g. /runs/2024/)')
    .option('--read-only', 'ask ICA for read-only credentials')
    .action(async (name: string, opts: AwsOptions) => {
      const core = await ctx.core({ readMostly: true });
      const c = await core.awsCredentials(name, { project: opts.project, path: opts.path, ...(opts.readOnly && { readOnly: true }) });
      await ctx.out(`${JSON.stringify({ Version: 1, AccessKeyId: c.accessKeyId, SecretAccessKey: c.secretAccessKey, SessionToken: c.sessionToken, Expiration: c.expiresAt })}\n`);
    });

  program
    .command('aws-config')
    .description('add or update an AWS CLI profile (in ~/.aws/config or AWS_CONFIG_FILE) whose credential_process runs `tessera aws-credentials` for an ICA project folder')
    .argument('<name>', 'profile name')
    .requiredOption('--project <name|id>', 'the ICA project (name or id)')
    .requiredOption('--path <folder/>', 'a folder in the project, from its root (e.g. /runs/2024/)')
    .option('--name <aws profile>', 'the AWS profile to write (default: <profile>-<project>-<folder>)')
    .option('--read-only', 'ask ICA for read-only credentials')
    .action(async (name: string, opts: AwsOptions) => {
      const [{ AWS_PROFILE_NAME, credentialProcessCommand, defaultAwsProfileName }, { assertAwsProfileFree, awsConfigPath, awsCredentialsPath, writeAwsProfile }] = await loadAwsConfig();
      if (opts.name !== undefined && !AWS_PROFILE_NAME.test(opts.name)) {
        throw new TesseraError('INVALID_INPUT', '--name must be 1 to 64 letters, digits or _ . + @ - (an AWS profile name).');
      }
      const core = await ctx.core();
      // Checks the selection (and warms the cache) before anything is written.
      const c = await core.awsCredentials(name, { project: opts.project, path: opts.path, ...(opts.readOnly && { readOnly: true }) });
      const profile = (await core.listProfiles()).find((p) => p.name.toLowerCase() === name.toLowerCase())?.name ?? name;
      const awsProfile = opts.name ?? defaultAwsProfileName(profile, c.projectName, c.path, c.readOnly);
      const line = credentialProcessCommand({ tessera: await tesseraProgram(), profile, projectId: c.projectId, path: c.path, readOnly: c.readOnly, awsProfile, s3Uri: c.s3Uri });
      const file = awsConfigPath(ctx.env);
      await assertAwsProfileFree(file, awsCredentialsPath(ctx.env), awsProfile);
      const { created } = await writeAwsProfile(file, awsProfile, [
        ['credential_process', line],
        ['region', c.region],
      ]);
      await ctx.out(`${c.s3Uri}\n`);
      await ctx.err(
        `tessera: ${created ? 'created' : 'updated'} AWS profile "${awsProfile}" in ${file} (project "${c.projectName}", ${c.path}${c.readOnly ? ', read-only' : ''}, region ${c.region}).\n` +
          `Try: aws s3 ls ${c.s3Uri} --profile ${awsProfile}\n`,
      );
    });
};
