/** The exec environment's derivations: icav2's server URL from the ICA base, and --project resolution. */
import { describe, expect, it } from 'vitest';
import { icav2ServerUrl } from '../../src-core/exec/environment.js';
import { resolveProject, type IcaProject, type IcaProjectsClient } from '../../src-core/ica/projects.js';

describe('icav2ServerUrl', () => {
  it.each([
    ['https://ica.illumina.com/ica/rest', 'ica.illumina.com'],
    ['https://ica.illumina.com:443/ica/rest/', 'ica.illumina.com'],
    ['https://ica.example.org:8443/ica/rest', 'ica.example.org:8443'],
    ['http://127.0.0.1:8790/ica/rest', '127.0.0.1:8790'],
    // icav2 assumes https (443): a plain-http URL always names its port.
    ['http://localhost/ica/rest', 'localhost:80'],
    ['http://[::1]:8790/ica/rest', '[::1]:8790'],
  ])('%s → %s', (base, expected) => {
    expect(icav2ServerUrl(base)).toBe(expected);
  });
});

const project = (id: string, name: string): IcaProject => ({ id, name, active: true, region: { code: 'US' } });
const ID = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;

function client(projects: IcaProject[]): IcaProjectsClient & { searches: string[] } {
  const searches: string[] = [];
  return {
    searches,
    async search(_base, _jwt, text) {
      searches.push(text);
      return projects.filter((p) => p.name.toLowerCase().includes(text.toLowerCase()));
    },
    async get(_base, _jwt, id) {
      return projects.find((p) => p.id === id);
    },
  };
}

describe('resolveProject', () => {
  const projects = [project(ID(1), 'Oncology'), project(ID(2), 'Rare WGS'), project(ID(3), 'rare wgs'), project(ID(4), 'Oncology Archive')];
  const resolve = (wanted: string, list = projects) => resolveProject(client(list), 'https://ica', 'jwt', wanted);

  it('takes the exact name first, else the one name equal ignoring case', async () => {
    expect((await resolve('Oncology')).id).toBe(ID(1));
    expect((await resolve('rare wgs')).id).toBe(ID(3));
    expect((await resolve('ONCOLOGY archive')).id).toBe(ID(4));
  });

  it('looks an id up directly, and says when the tenant has no such project', async () => {
    const c = client(projects);
    expect((await resolveProject(c, 'https://ica', 'jwt', ID(2))).name).toBe('Rare WGS');
    expect(c.searches).toEqual([]);
    await expect(resolve(ID(9))).rejects.toMatchObject({ code: 'PROJECT_NOT_FOUND', message: expect.stringContaining(ID(9)) });
  });

  it('refuses a name that matches several, listing them', async () => {
    await expect(resolve('RARE WGS')).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/Several.*"Rare WGS".*"rare wgs"/) });
    const twins = [project(ID(5), 'Same'), project(ID(6), 'Same')];
    await expect(resolve('Same', twins)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining(ID(6)) });
  });

  it('says when nothing matches, naming the projects that contain the text', async () => {
    await expect(resolve('Onc')).rejects.toMatchObject({ code: 'PROJECT_NOT_FOUND', message: expect.stringMatching(/contains it: "Oncology".*"Oncology Archive"/) });
    await expect(resolve('nothing')).rejects.toMatchObject({ code: 'PROJECT_NOT_FOUND', message: 'No ICA project named "nothing" in this tenant.' });
    await expect(resolve('  ')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
