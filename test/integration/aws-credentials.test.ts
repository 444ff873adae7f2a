/**
 * Temporary AWS credentials in the core, against the simulator over HTTP and the real
 * keychain: the cache per profile/project/folder/mode, what happens to expired, nearly
 * expired or unreadable entries, removal with the profile, and what crosses the contract.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index.js';
import { CONTRACT_ARGS } from '../../src-shared/contract.js';
import { accounts } from '../../src-core/secrets/accounts.js';
import { addKeyProfile, makeCore, startTestSim, type CoreSetup } from '../helpers/tessera.js';

const PROJECT = 'Oncology Validation';
let sim: Sim;
let setup: CoreSetup;
let profileId: string;

beforeAll(async () => {
  sim = await startTestSim();
  setup = makeCore();
  await addKeyProfile(setup.core, sim);
  const { readFile } = await import('node:fs/promises');
  const config = JSON.parse(await readFile(`${setup.dataDir}/config.json`, 'utf8')) as { profiles: Array<{ id: string; name: string }> };
  profileId = config.profiles.find((p) => p.name === 'lab')!.id;
});

afterAll(async () => {
  await setup.core.dispose();
  await sim.close();
});

const slot = () => accounts.awsCredentials({ id: profileId, name: 'lab' });
async function cachedMap(): Promise<{ entries: Record<string, { expiresAt: number; accessKeyId: string }> }> {
  return JSON.parse((await setup.secrets.get(slot())) ?? 'null');
}
async function editEntries(fn: (entry: { expiresAt: number }) => void): Promise<void> {
  const map = await cachedMap();
  for (const entry of Object.values(map.entries)) fn(entry);
  await setup.secrets.set(slot(), JSON.stringify(map));
}

describe('temporary AWS credentials in the core', () => {
  it('caches one set per project, folder and mode, in the profile\'s secret slot', async () => {
    const a = await setup.core.awsCredentials('lab', { project: PROJECT, path: '/runs/' });
    expect(a.source).toBe('issued');
    const b = await setup.core.awsCredentials('lab', { project: PROJECT, path: 'runs' });
    expect(b.source).toBe('cache');
    expect(b.accessKeyId).toBe(a.accessKeyId);
    const ro = await setup.core.awsCredentials('lab', { project: PROJECT, path: '/runs/', readOnly: true });
    expect(ro.source).toBe('issued');
    expect(ro.accessKeyId).not.toBe(a.accessKeyId);
    expect(Object.keys((await cachedMap()).entries)).toHaveLength(2);
  });

  it('requests new credentials when the cached ones are expired, have less than an hour left, or cannot be read', async () => {
    const first = await setup.core.awsCredentials('lab', { project: PROJECT, path: '/analysis/' });
    await editEntries((e) => (e.expiresAt = Date.now() - 1000));
    const afterExpiry = await setup.core.awsCredentials('lab', { project: PROJECT, path: '/analysis/' });
    expect(afterExpiry.source).toBe('issued');
    expect(afterExpiry.accessKeyId).not.toBe(first.accessKeyId);

    await editEntries((e) => (e.expiresAt = Date.now() + 30 * 60_000));
    const nearlyExpired = await setup.core.awsCredentials('lab', { project: PROJECT, path: '/analysis/' });
    expect(nearlyExpired.source).toBe('issued');

    await setup.secrets.set(slot(), '{not json');
    const unreadable = await setup.core.awsCredentials('lab', { project: PROJECT, path: '/analysis/' });
    expect(unreadable.source).toBe('issued');
    // The damaged map was replaced by a readable one.
    expect(Object.keys((await cachedMap()).entries)).toHaveLength(1);
  });

  it('never hands out expired cached credentials when ICA cannot be reached: the error says why', async () => {
    await setup.core.awsCredentials('lab', { project: PROJECT, path: '/runs/2024-run-01/' });
    await editEntries((e) => (e.expiresAt = Date.now() - 1000));
    sim.faults.add({ match: { path: /:createTemporaryCredentials$/ }, times: Infinity, fault: { kind: 'status', status: 503 } });
    try {
      await expect(setup.core.awsCredentials('lab', { project: PROJECT, path: '/runs/2024-run-01/' })).rejects.toMatchObject({ code: 'SERVER_ERROR' });
    } finally {
      sim.faults.clear();
    }
  });

  it('ensureAwsAccess returns only facts and commands: nothing secret crosses the contract', async () => {
    const access = await setup.core.ensureAwsAccess('lab', { project: PROJECT, path: '/runs/' });
    // What a transport would send, validated like IPC arguments on the way in.
    expect(CONTRACT_ARGS.ensureAwsAccess.safeParse(['lab', { project: PROJECT, path: '/runs/' }]).success).toBe(true);
    const wire = JSON.stringify(access);
    for (const issued of sim.aws.issued()) {
      expect(wire.includes(issued.secretKey), 'no secret key').toBe(false);
      expect(wire.includes(issued.sessionToken), 'no session token').toBe(false);
      expect(wire.includes(issued.accessKey), 'not even the access key id').toBe(false);
    }
    expect(Object.keys(access).sort()).toEqual(['awsProfile', 'bucket', 'commands', 'expiresAt', 'path', 'prefix', 'projectId', 'projectName', 'readOnly', 'region', 's3Uri']);
    expect(access.s3Uri).toBe(`s3://${access.bucket}/${access.prefix}`);
    expect(access.commands.awsLs).toBe(`aws s3 ls ${access.s3Uri} --profile ${access.awsProfile}`);
    expect(access.commands.credentialProcess).toBe(`credential_process = tessera aws-credentials lab --project ${access.projectId} --path /runs/`);
    expect(access.commands.awsConfig).toBe(`tessera aws-config lab --project ${access.projectId} --path /runs/ --name ${access.awsProfile}`);

    const projects = await setup.core.listIcaProjects('lab');
    expect(projects.map((p) => p.name)).toContain(PROJECT);
    for (const p of projects) expect(Object.keys(p).sort()).toEqual(['id', 'name', 'region']);
  });

  it('removing the profile deletes its cached AWS credentials', async () => {
    await setup.core.awsCredentials('lab', { project: PROJECT, path: '/runs/' });
    expect(await setup.secrets.get(slot())).not.toBeNull();
    await setup.core.removeProfile('lab');
    expect(await setup.secrets.get(slot())).toBeNull();
  });
});
