/** The AWS config file editor and the folder-path rule: byte-for-byte preservation, quoting, modes. */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { awsConfigPath, awsCredentialsPath, conflictOf, upsertProfileSection, writeAwsProfile } from '../../src-core/aws/config-file.js';
import { awsCommandLines, credentialProcessCommand, defaultAwsProfileName } from '../../src-core/aws/commands.js';
import { normaliseFolderPath } from '../../src-core/ica/project-data.js';

const SETTINGS = [
  ['credential_process', '/opt/tessera aws-credentials lab --project p --path /runs/'],
  ['region', 'us-east-1'],
] as const;

describe('upsertProfileSection', () => {
  it('creates a file with the one section', () => {
    expect(upsertProfileSection('', 'ica', SETTINGS)).toBe('[profile ica]\ncredential_process = /opt/tessera aws-credentials lab --project p --path /runs/\nregion = us-east-1\n');
  });

  it('appends a section and keeps every byte before it, even without a final newline', () => {
    const text = '# mine\n[default]\nregion = eu-west-1';
    const out = upsertProfileSection(text, 'ica', SETTINGS);
    expect(out.startsWith(`${text}\n\n[profile ica]\n`)).toBe(true);
  });

  it('updates the owned keys in place, keeps other keys, comments, other sections and CRLF', () => {
    const text = '[profile a]\r\nregion = x\r\n\r\n[profile ica]\r\n; note\r\noutput = json\r\nregion = eu-west-2\r\ns3 =\r\n  addressing_style = path\r\n\r\n[profile z]\r\nregion = y\r\n';
    const out = upsertProfileSection(text, 'ica', SETTINGS);
    expect(out).toBe(
      '[profile a]\r\nregion = x\r\n\r\n[profile ica]\r\n; note\r\noutput = json\r\nregion = us-east-1\r\ns3 =\r\n  addressing_style = path\r\ncredential_process = /opt/tessera aws-credentials lab --project p --path /runs/\r\n\r\n[profile z]\r\nregion = y\r\n',
    );
    // Idempotent.
    expect(upsertProfileSection(out, 'ica', SETTINGS)).toBe(out);
  });

  it('finds the default profile under [default] and leaves profiles with similar names alone', () => {
    const text = '[default]\nregion = a\n[profile ica-2]\nregion = b\n';
    expect(upsertProfileSection(text, 'default', SETTINGS)).toBe(`[default]\nregion = us-east-1\ncredential_process = ${SETTINGS[0][1]}\n[profile ica-2]\nregion = b\n`);
    expect(upsertProfileSection(text, 'ica', SETTINGS).startsWith(text)).toBe(true);
  });

  it('refuses values that would break the file', () => {
    expect(() => upsertProfileSection('', 'ica', [['region', 'x\n[profile evil]']])).toThrow(/break the file/);
  });
});

describe('writeAwsProfile', () => {
  it('writes a new file 0600 and keeps the mode of an existing one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aws-config-'));
    const fresh = join(dir, 'sub', 'config');
    expect(await writeAwsProfile(fresh, 'ica', SETTINGS)).toEqual({ created: true });
    expect(statSync(fresh).mode & 0o777).toBe(0o600);
    const existing = join(dir, 'config');
    writeFileSync(existing, '[default]\n', { mode: 0o644 });
    expect(await writeAwsProfile(existing, 'ica', SETTINGS)).toEqual({ created: false });
    expect(statSync(existing).mode & 0o777).toBe(0o644);
    expect(readFileSync(existing, 'utf8')).toContain('[profile ica]');
  });

  it('honours AWS_CONFIG_FILE, with ~ expanded', () => {
    expect(awsConfigPath({ HOME: '/home/u' })).toBe('/home/u/.aws/config');
    expect(awsConfigPath({ HOME: '/home/u', AWS_CONFIG_FILE: '~/alt/config' })).toBe('/home/u/alt/config');
    expect(awsConfigPath({ HOME: '/home/u', AWS_CONFIG_FILE: '/etc/aws' })).toBe('/etc/aws');
  });
});

describe('conflictOf', () => {
  it('refuses to take over a profile that gets credentials another way, and allows one that is Tessera\'s or bare', () => {
    expect(conflictOf('[profile work]\nsso_session = corp\nregion = x\n', '', 'work')).toMatch(/another way \(sso_session\)/);
    expect(conflictOf('[default]\nrole_arn = arn:aws:iam::1:role/x\n', '', 'default')).toMatch(/role_arn/);
    expect(conflictOf('', '[work]\naws_access_key_id = AKIA\n', 'work')).toMatch(/shared credentials file/);
    expect(conflictOf('[profile ica]\ncredential_process = /opt/tessera aws-credentials lab\nregion = x\n[profile work]\nsso_session = corp\n', '[other]\naws_access_key_id = A\n', 'ica')).toBeNull();
    expect(awsCredentialsPath({ HOME: '/home/u' })).toBe('/home/u/.aws/credentials');
    expect(awsCredentialsPath({ HOME: '/home/u', AWS_SHARED_CREDENTIALS_FILE: '~/c' })).toBe('/home/u/c');
  });
});

describe('AWS command lines', () => {
  const input = { tessera: ['/opt/my apps/tessera'], profile: 'lab', projectId: 'p-1', path: "/Patient's data/", readOnly: true, awsProfile: 'lab-x', s3Uri: 's3://b/t/p/' };
  it('quotes every word for a shell-like split', () => {
    expect(credentialProcessCommand(input)).toBe(`'/opt/my apps/tessera' aws-credentials lab --project p-1 --path '/Patient'\\''s data/' --read-only`);
    expect(awsCommandLines(input).awsLs).toBe('aws s3 ls s3://b/t/p/ --profile lab-x');
  });
  it('names a default AWS profile from the profile, project and folder', () => {
    expect(defaultAwsProfileName('Lab', 'Oncology Validation', '/runs/2024-run-01/', false)).toBe('lab-oncology-validation-runs-2024-run-01');
    expect(defaultAwsProfileName('Lab', 'X', '/a/', true)).toBe('lab-x-a-ro');
  });
});

describe('normaliseFolderPath', () => {
  it('adds the slashes a folder path has and refuses the root and dot segments', () => {
    expect(normaliseFolderPath('runs')).toBe('/runs/');
    expect(normaliseFolderPath(' /runs//2024 ')).toBe('/runs/2024/');
    expect(() => normaliseFolderPath('/')).toThrow(/project root/);
    expect(() => normaliseFolderPath('/a/../b/')).toThrow(/\.\./);
  });
});
