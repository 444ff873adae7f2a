/** Environment variables of the AWS tools that `tessera exec --aws-*` keeps from the child (kept light: the CLI's start-up code imports it). */

/**
 * Variables that would make an AWS tool use other credentials before the container
 * endpoint (environment keys, a named profile, a relative container URI): the child's
 * environment drops them.
 */
export const AWS_OVERRIDING_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
] as const;
