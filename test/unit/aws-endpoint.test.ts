/**
 * The AWS container-credentials endpoint of `exec --aws-project`: the shape the AWS SDKs
 * read, the exact Authorization value only, a failure as 503 with the reason, and a
 * closed port after close().
 */
import { describe, expect, it } from 'vitest';
import type { AwsCredentials } from '../../src-core/aws/credentials.js';
import { TesseraError } from '../../src-core/errors.js';
import { startAwsEndpoint } from '../../src-core/aws/endpoint.js';
import { recordSecret } from '../helpers/env.js';

const CREDS: AwsCredentials = {
  accessKeyId: 'ASIAEXAMPLEEXAMPLE01',
  secretAccessKey: 'unit-test-secret-access-key-0123456789abcd',
  sessionToken: 'unit-test-session-token-0123456789',
  projectId: 'p',
  projectName: 'P',
  path: '/runs/',
  readOnly: false,
  bucket: 'b',
  prefix: 't/p/runs/',
  region: 'eu-west-2',
  s3Uri: 's3://b/t/p/runs/',
  expiresAt: '2030-01-01T00:00:00.000Z',
  source: 'issued',
};
recordSecret(CREDS.secretAccessKey);
recordSecret(CREDS.sessionToken);

describe('AWS container-credentials endpoint', () => {
  it('answers the AWS shape to the exact token, refuses others, reports failures, and frees the port on close', async () => {
    let fail = false;
    const endpoint = await startAwsEndpoint({
      credentials: async () => {
        if (fail) throw new TesseraError('FORBIDDEN', 'ICA refused the request.');
        return CREDS;
      },
    });
    recordSecret(endpoint.env.AWS_CONTAINER_AUTHORIZATION_TOKEN);
    const { env } = endpoint;
    expect(env.AWS_CONTAINER_CREDENTIALS_FULL_URI).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/aws-credentials$/);
    expect(env).toMatchObject({ TESSERA_S3_URI: CREDS.s3Uri, AWS_REGION: 'eu-west-2', AWS_DEFAULT_REGION: 'eu-west-2' });

    const ok = await fetch(env.AWS_CONTAINER_CREDENTIALS_FULL_URI, { headers: { Authorization: env.AWS_CONTAINER_AUTHORIZATION_TOKEN } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ AccessKeyId: CREDS.accessKeyId, SecretAccessKey: CREDS.secretAccessKey, Token: CREDS.sessionToken, Expiration: CREDS.expiresAt });

    const wrong = await fetch(env.AWS_CONTAINER_CREDENTIALS_FULL_URI, { headers: { Authorization: `${env.AWS_CONTAINER_AUTHORIZATION_TOKEN}x` } });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).not.toContain(CREDS.accessKeyId);

    fail = true;
    const failed = await fetch(env.AWS_CONTAINER_CREDENTIALS_FULL_URI, { headers: { Authorization: env.AWS_CONTAINER_AUTHORIZATION_TOKEN } });
    expect(failed.status).toBe(503);
    expect(await failed.json()).toEqual({ code: 'FORBIDDEN', message: 'ICA refused the request.' });

    await endpoint.close();
    await expect(fetch(env.AWS_CONTAINER_CREDENTIALS_FULL_URI, { headers: { Authorization: env.AWS_CONTAINER_AUTHORIZATION_TOKEN } })).rejects.toThrow();
  });

  it('does not start when the first request for credentials fails', async () => {
    await expect(startAwsEndpoint({ credentials: async () => Promise.reject(new TesseraError('NOT_A_FOLDER', 'a file')) })).rejects.toMatchObject({ code: 'NOT_A_FOLDER' });
  });
});
