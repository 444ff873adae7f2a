/**
 * The AWS container-credentials endpoint of `tessera exec --aws-project … --aws-path …`:
 * a loopback server (loopback/server.ts, the same one the token endpoint uses) whose one
 * route, `GET /aws-credentials`, answers `{AccessKeyId, SecretAccessKey, Token,
 * Expiration}` for one ICA project folder, re-requested from ICA when less than an hour
 * is left (aws/credentials.ts). The AWS SDKs and the AWS CLI find it through
 * `AWS_CONTAINER_CREDENTIALS_FULL_URI` and send `AWS_CONTAINER_AUTHORIZATION_TOKEN`
 * verbatim as `Authorization`; both variables go to the child alone.
 */
import { toErrorInfo } from '../errors.js';
import { startLoopbackServer } from '../loopback/server.js';
import type { Logger } from '../ports.js';
import type { AwsCredentials } from './credentials.js';

export const AWS_CREDENTIALS_PATH = '/aws-credentials';

export interface AwsEndpointEnv {
  AWS_CONTAINER_CREDENTIALS_FULL_URI: string;
  AWS_CONTAINER_AUTHORIZATION_TOKEN: string;
  TESSERA_S3_URI: string;
  AWS_REGION: string;
  AWS_DEFAULT_REGION: string;
}

export interface AwsEndpoint {
  readonly env: AwsEndpointEnv;
  readonly port: number;
  close(): Promise<void>;
}

export { AWS_OVERRIDING_VARIABLES } from './variables.js';

/** Starts the endpoint after one successful `credentials()` (so a wrong project fails before the child starts). */
export async function startAwsEndpoint(deps: { credentials: () => Promise<AwsCredentials>; logger?: Logger }): Promise<AwsEndpoint> {
  const first = await deps.credentials();
  const server = await startLoopbackServer({
    label: 'AWS credentials endpoint',
    ...(deps.logger ? { logger: deps.logger } : {}),
    routes: {
      [AWS_CREDENTIALS_PATH]: async () => {
        try {
          const c = await deps.credentials();
          return { status: 200, json: { AccessKeyId: c.accessKeyId, SecretAccessKey: c.secretAccessKey, Token: c.sessionToken, Expiration: c.expiresAt } };
        } catch (error) {
          const info = toErrorInfo(error);
          deps.logger?.warn('AWS credentials endpoint: no credentials', { code: info.code });
          return { status: 503, json: { code: info.code, message: info.message } };
        }
      },
    },
  });
  return {
    env: {
      AWS_CONTAINER_CREDENTIALS_FULL_URI: server.urlOf(AWS_CREDENTIALS_PATH),
      AWS_CONTAINER_AUTHORIZATION_TOKEN: server.authorization,
      TESSERA_S3_URI: first.s3Uri,
      AWS_REGION: first.region,
      AWS_DEFAULT_REGION: first.region,
    },
    port: server.port,
    close: () => server.close(),
  };
}
