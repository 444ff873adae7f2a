/**
 * ICA project data with the real AWS CLI (Debian's awscli at /usr/bin/aws): Tessera's
 * `aws-credentials`, `aws-config` and `exec --aws-project` against the simulator, whose
 * minimal S3 checks every request's Signature Version 4 against the credentials it issued.
 * AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE point at temp files; nothing leaves 127.0.0.1.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { IssuedAwsCredentials, Sim } from '../../sim/index.js';
import { EXIT_CODES } from '../../src-shared/errors.js';
import { assertNoSecrets, Cli, ensureCliBuilt, profileFlags, readConfig, ROOT, simSecrets, startRecordingSim, type CliResult } from './cli-harness.js';
import { createKeychainStore } from '../../src-core/secrets/keychain.js';
import { accounts, SECRET_SERVICE } from '../../src-core/secrets/accounts.js';
import { newDataDir } from '../helpers/env.js';
import { spawn } from 'node:child_process';

const AWS = '/usr/bin/aws';
const PROJECT = 'Oncology Validation';

let sim: Sim;
let cli: Cli;
let awsDir: string;

/** The AWS CLI with a private config, no other credentials, no metadata lookups, no network beyond loopback. */
function awsEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    AWS_CONFIG_FILE: join(awsDir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(awsDir, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    AWS_REGION: undefined,
    AWS_DEFAULT_REGION: undefined,
    AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
    AWS_CONTAINER_AUTHORIZATION_TOKEN: undefined,
    ...extra,
  };
}

function runAws(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  const merged: NodeJS.ProcessEnv = { ...process.env, TESSERA_HOME: cli.home };
  for (const [k, v] of Object.entries(awsEnv(env))) {
    if (v === undefined) delete merged[k];
    else merged[k] = v;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(AWS, args, { cwd: ROOT, env: merged, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      cli.outputs.push('', stderr);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

const latest = (): IssuedAwsCredentials => {
  const all = sim.aws.issued();
  const last = all[all.length - 1];
  if (!last) throw new Error('no credentials issued');
  return last;
};

/** Fails naming what differs, never the secret values. */
function expectSameKeys(got: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string; Token?: string }, issued: IssuedAwsCredentials): void {
  expect(got.AccessKeyId).toBe(issued.accessKey);
  expect(got.SecretAccessKey === issued.secretKey, 'the secret key is the one ICA issued').toBe(true);
  expect((got.SessionToken ?? got.Token) === issued.sessionToken, 'the session token is the one ICA issued').toBe(true);
}

beforeAll(async () => {
  await ensureCliBuilt();
  sim = await startRecordingSim({ cases: 5 });
  cli = Cli.fresh('aws');
  awsDir = newDataDir('aws-config');
  mkdirSync(awsDir, { recursive: true });
  const add = await cli.run(['profile', 'add', 'lab', ...profileFlags(sim), '--api-key-stdin'], { input: sim.demo.apiKey });
  expect(add.code).toBe(0);
});

afterEach(() => {
  const issued = sim.aws.issued().flatMap((c): Array<[string, string]> => [
    ['AWS secret key', c.secretKey],
    ['AWS session token', c.sessionToken],
  ]);
  // stdout of aws-credentials (and of export-credentials) carries the keys on purpose; stderr never does.
  assertNoSecrets(cli.outputs, simSecrets(sim));
  assertNoSecrets(cli.outputs.filter((_, i) => i % 2 === 1), issued, 'stderr');
  cli.outputs.length = 0;
});

afterAll(async () => {
  await sim?.close();
});

describe.skipIf(!existsSync(AWS) && process.env.CI !== 'true')('tessera with the AWS CLI', () => {
  it('aws-credentials prints credential_process JSON with a conservative expiry, and serves it from the cache next time', async () => {
    const before = Date.now();
    const r = await cli.run(['aws-credentials', 'lab', '--project', PROJECT, '--path', 'runs']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(out).sort()).toEqual(['AccessKeyId', 'Expiration', 'SecretAccessKey', 'SessionToken', 'Version']);
    expect(out.Version).toBe(1);
    const issued = latest();
    expectSameKeys(out, issued);
    expect(issued.readOnly).toBe(false);
    expect(issued.objectPrefix).toMatch(/\/runs\/$/);
    // 36 hours documented, one hour off, counted from before the request.
    const expiration = Date.parse(String(out.Expiration));
    expect(String(out.Expiration)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    expect(expiration).toBeGreaterThanOrEqual(before + 35 * 3_600_000);
    expect(expiration).toBeLessThanOrEqual(issued.issuedAtMs + 35 * 3_600_000);

    const count = sim.aws.issued().length;
    const again = await cli.run(['aws-credentials', 'lab', '--project', PROJECT, '--path', 'runs/']);
    expect(again.code).toBe(0);
    expect(sim.aws.issued().length, 'the cached set is reused').toBe(count);
    expect(JSON.parse(again.stdout)).toEqual(out);

    const ro = await cli.run(['aws-credentials', 'lab', '--project', PROJECT, '--path', '/runs/', '--read-only']);
    expect(ro.code).toBe(0);
    expect(sim.aws.issued().length, 'read-only credentials are a set of their own').toBe(count + 1);
    expect(latest().readOnly).toBe(true);
    expect(JSON.parse(ro.stdout).AccessKeyId).not.toBe(out.AccessKeyId);
  });

  it('aws-config writes a credential_process profile that `aws configure export-credentials` and `aws s3` use', async () => {
    const config = join(awsDir, 'config');
    const original = '# my settings\r\n[default]\r\nregion = eu-west-1\r\noutput = json\r\n\r\n[profile other]\r\nregion = us-west-2';
    writeFileSync(config, original, { mode: 0o640 });
    const r = await cli.run(['aws-config', 'lab', '--project', PROJECT, '--path', '/runs/2024-run-01', '--name', 'ica-runs'], { env: awsEnv() });
    expect(r.code, r.stderr).toBe(0);
    const issued = latest();
    expect(r.stdout).toBe(`s3://${issued.bucket}/${issued.objectPrefix}\n`);
    expect(r.stderr).toContain('ica-runs');
    const text = readFileSync(config, 'utf8');
    expect(text.startsWith(original), 'everything before the new section is unchanged').toBe(true);
    expect(statSync(config).mode & 0o777).toBe(0o640);
    expect(text).toContain('[profile ica-runs]\r\n');
    expect(text).toMatch(/credential_process = \S+ aws-credentials lab --project [0-9a-f-]{36} --path \/runs\/2024-run-01\/\r\n/);
    expect(text).toContain(`region = ${issued.region}\r\n`);
    for (const secret of [issued.secretKey, issued.sessionToken]) expect(text.includes(secret), 'no secret in the AWS config').toBe(false);

    const exported = await runAws(['configure', 'export-credentials', '--profile', 'ica-runs', '--format', 'process']);
    expect(exported.code, exported.stderr).toBe(0);
    expectSameKeys(JSON.parse(exported.stdout), latest());

    // Updating keeps the file apart from the one section.
    const again = await cli.run(['aws-config', 'lab', '--project', PROJECT, '--path', '/runs/2024-run-01/', '--name', 'ica-runs', '--read-only'], { env: awsEnv() });
    expect(again.code, again.stderr).toBe(0);
    const updated = readFileSync(config, 'utf8');
    expect(updated.startsWith(original)).toBe(true);
    expect(updated.match(/\[profile ica-runs\]/g)).toHaveLength(1);
    expect(updated).toMatch(/--read-only\r\n/);

    sim.clearRequests();
    const ls = await runAws(['s3', 'ls', `s3://${issued.bucket}/${issued.objectPrefix}`, '--profile', 'ica-runs', '--endpoint-url', sim.url]);
    expect(ls.code, ls.stderr).toBe(0);
    expect(ls.stdout).toContain('sample-01.bam');
    expect(ls.stdout).toContain('SampleSheet.csv');
    const signed = sim.requests.filter((q) => q.path === `/${issued.bucket}`);
    expect(signed.length).toBeGreaterThan(0);
    const ro = latest();
    expect(ro.readOnly).toBe(true);
    for (const q of signed) expect(q.headers.authorization).toContain(`Credential=${ro.accessKey}/`);

    // A folder name with a space, a quote and a `$`: the credential_process line quotes it for the AWS CLI's shell-like split.
    const quoted = await cli.run(['aws-config', 'lab', '--project', PROJECT, '--path', "/Patient's data $HOME/", '--name', 'ica-quoted'], { env: awsEnv() });
    expect(quoted.code, quoted.stderr).toBe(0);
    expect(readFileSync(config, 'utf8')).toContain(`--path '/Patient'\\''s data $HOME/'`);
    const viaQuoted = await runAws(['configure', 'export-credentials', '--profile', 'ica-quoted', '--format', 'process']);
    expect(viaQuoted.code, viaQuoted.stderr).toBe(0);
    expectSameKeys(JSON.parse(viaQuoted.stdout), latest());
    expect(latest().objectPrefix).toMatch(/\/Patient's data \$HOME\/$/);

    // Read-only credentials cannot write.
    const local = join(awsDir, 'upload.txt');
    writeFileSync(local, 'hello from tessera\n');
    const put = await runAws(['s3', 'cp', local, `s3://${issued.bucket}/${issued.objectPrefix}upload.txt`, '--profile', 'ica-runs', '--endpoint-url', sim.url]);
    expect(put.code).not.toBe(0);
    expect(put.stderr).toMatch(/AccessDenied/);
  });

  it('exec --aws-project serves the credentials through the container endpoint to the AWS CLI, which signs S3 requests with them', async () => {
    const r = await cli.run(['exec', 'lab', '--aws-project', PROJECT, '--aws-path', '/analysis/', '--', AWS, 'configure', 'export-credentials', '--format', 'process'], {
      env: awsEnv({ AWS_ACCESS_KEY_ID: 'AKIAFROMTHEPARENTENV', AWS_SECRET_ACCESS_KEY: 'parent-secret', AWS_PROFILE: 'ica-runs' }),
    });
    expect(r.code, r.stderr).toBe(0);
    const issued = latest();
    expect(issued.objectPrefix).toMatch(/\/analysis\/$/);
    expectSameKeys(JSON.parse(r.stdout), issued);

    const uri = `s3://${issued.bucket}/${issued.objectPrefix}`;
    const local = join(awsDir, 'result.txt');
    writeFileSync(local, 'result of an analysis\n');
    const script = `set -e; test "$TESSERA_S3_URI" = '${uri}'; test "$AWS_REGION" = '${issued.region}'; ${AWS} s3 cp '${local}' "$TESSERA_S3_URI"result.txt --endpoint-url '${sim.url}'; ${AWS} s3 ls "$TESSERA_S3_URI" --endpoint-url '${sim.url}'`;
    sim.clearRequests();
    const run = await cli.run(['exec', 'lab', '--aws-project', PROJECT, '--aws-path', '/analysis/', '--', 'sh', '-c', script], { env: awsEnv() });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('result.txt');
    expect(sim.aws.objects(issued.bucket, issued.objectPrefix).get(`${issued.objectPrefix}result.txt`)).toBe('result of an analysis\n');
    const s3 = sim.requests.filter((q) => q.path.startsWith(`/${issued.bucket}`));
    expect(s3.map((q) => q.method)).toEqual(expect.arrayContaining(['PUT', 'GET']));
    for (const q of s3) expect(q.headers.authorization).toContain(`Credential=${issued.accessKey}/`);
  });

  it('the simulated S3 refuses revoked credentials (so the checks above mean something)', async () => {
    const r = await cli.run(['aws-credentials', 'lab', '--project', PROJECT, '--path', '/runs/']);
    const creds = JSON.parse(r.stdout) as { AccessKeyId: string };
    const issued = sim.aws.issued().find((c) => c.accessKey === creds.AccessKeyId)!;
    sim.aws.revoke(issued.accessKey);
    const ls = await runAws(['s3', 'ls', `s3://${issued.bucket}/${issued.objectPrefix}`, '--endpoint-url', sim.url], {
      AWS_ACCESS_KEY_ID: issued.accessKey,
      AWS_SECRET_ACCESS_KEY: issued.secretKey,
      AWS_SESSION_TOKEN: issued.sessionToken,
      AWS_PROFILE: undefined,
      AWS_DEFAULT_REGION: issued.region,
    });
    expect(ls.code).not.toBe(0);
    expect(ls.stderr).toMatch(/InvalidAccessKeyId/);
  });
});

describe('tessera aws-credentials refuses bad input with a clear error and exit code', () => {
  const run = (path: string, project = PROJECT, profile = 'lab', extra: string[] = []) => cli.run(['aws-credentials', profile, '--project', project, '--path', path, ...extra]);

  it('an unknown project', async () => {
    const r = await run('/runs/', 'No Such Project');
    expect(r.code).toBe(EXIT_CODES.usage);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/No ICA project named "No Such Project"/);
  });

  it('a file instead of a folder', async () => {
    const r = await run('/runs/2024-run-01/SampleSheet.csv');
    expect(r.code).toBe(EXIT_CODES.usage);
    expect(r.stderr).toMatch(/SampleSheet\.csv .* is a file, not a folder/);
  });

  it('a folder that does not exist, and one whose name matches several folders ignoring case', async () => {
    const missing = await run('/nowhere/');
    expect(missing.code).toBe(EXIT_CODES.usage);
    expect(missing.stderr).toMatch(/No folder \/nowhere\/ in project "Oncology Validation"/);
    const twins = await run('/RESULTS/');
    expect(twins.code).toBe(EXIT_CODES.usage);
    expect(twins.stderr).toMatch(/Several folders .* \/results\/ .* \/Results\//);
    const exact = await run('/Results/');
    expect(exact.code, exact.stderr).toBe(0);
  });

  it('a revoked API key', async () => {
    const key = sim.createApiKey(sim.demo.domain);
    const other = Cli.fresh('aws-revoked');
    // Not verified, so no token is cached: the request has to mint, and the platform refuses the key.
    const add = await other.run(['profile', 'add', 'old', ...profileFlags(sim), '--no-verify', '--api-key-stdin'], { input: key });
    expect(add.code).toBe(0);
    sim.revokeKey(key);
    const refused = await other.run(['aws-credentials', 'old', '--project', PROJECT, '--path', '/runs/']);
    expect(refused.code).toBe(EXIT_CODES.credentials);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/refused|rejected|revoked/i);
    assertNoSecrets(other.outputs, simSecrets(sim));
  });

  it('the platform refusing the request (403)', async () => {
    sim.faults.add({ match: { method: 'POST', path: /:createTemporaryCredentials$/ }, fault: { kind: 'status', status: 403 } });
    const r = await run('/analysis/', PROJECT, 'lab', ['--read-only']);
    expect(r.code).toBe(EXIT_CODES.credentials);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/403|Forbidden|permission/i);
  });

  it('expired credentials in the cache: replaced when ICA answers, a clear error (exit 4) and nothing on stdout when it does not', async () => {
    const first = await run('/runs/2024-run-01/');
    expect(first.code, first.stderr).toBe(0);
    const profileId = readConfig(cli.home).profiles.find((p) => p.name === 'lab')!.id;
    const keychain = createKeychainStore({ service: SECRET_SERVICE });
    const expire = async () => {
      const map = JSON.parse((await keychain.get(accounts.awsCredentials({ id: profileId, name: 'lab' })))!) as { entries: Record<string, { expiresAt: number }> };
      for (const entry of Object.values(map.entries)) entry.expiresAt = Date.now() - 60_000;
      await keychain.set(accounts.awsCredentials({ id: profileId, name: 'lab' }), JSON.stringify(map));
    };
    await expire();
    const renewed = await run('/runs/2024-run-01/');
    expect(renewed.code, renewed.stderr).toBe(0);
    expect(JSON.parse(renewed.stdout).AccessKeyId).not.toBe(JSON.parse(first.stdout).AccessKeyId);
    expect(Date.parse(JSON.parse(renewed.stdout).Expiration)).toBeGreaterThan(Date.now() + 34 * 3_600_000);

    await expire();
    sim.faults.add({ match: { path: /:createTemporaryCredentials$/ }, times: Infinity, fault: { kind: 'status', status: 503 } });
    try {
      const failed = await run('/runs/2024-run-01/');
      expect(failed.code).toBe(EXIT_CODES.network);
      expect(failed.stdout).toBe('');
      expect(failed.stderr).toMatch(/503|server/i);
    } finally {
      sim.faults.clear();
    }
  });

  it('aws-config does not take over an AWS profile that gets credentials another way', async () => {
    const dir = newDataDir('aws-config-sso');
    mkdirSync(dir, { recursive: true });
    const config = join(dir, 'config');
    const text = '[profile work]\nsso_session = corp\nregion = eu-west-1\n';
    writeFileSync(config, text);
    const r = await cli.run(['aws-config', 'lab', '--project', PROJECT, '--path', '/runs/', '--name', 'work'], { env: awsEnv({ AWS_CONFIG_FILE: config }) });
    expect(r.code).toBe(EXIT_CODES.usage);
    expect(r.stderr).toMatch(/already gets credentials another way \(sso_session\)/);
    expect(readFileSync(config, 'utf8')).toBe(text);
  });

  it('exec with half of the AWS options is a usage error and starts nothing', async () => {
    const r = await cli.run(['exec', 'lab', '--aws-project', PROJECT, '--', 'true']);
    expect(r.code).toBe(EXIT_CODES.usage);
    expect(r.stderr).toMatch(/--aws-project and --aws-path go together/);
  });

  it('exec with a file as --aws-path fails before the command runs', async () => {
    const marker = join(awsDir, 'ran');
    const r = await cli.run(['exec', 'lab', '--aws-project', PROJECT, '--aws-path', '/README.txt', '--', 'touch', marker]);
    expect(r.code).toBe(EXIT_CODES.usage);
    expect(existsSync(marker)).toBe(false);
  });
});

