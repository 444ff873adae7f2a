/**
 * A minimal S3 for the temporary credentials of ica-project-data.ts, path-style on the
 * simulator's own origin (`aws s3 … --endpoint-url <sim url>`): ListObjectsV2
 * (`GET /<bucket>?list-type=2`), GetObject/HeadObject and PutObject (`/<bucket>/<key>`).
 *
 * Unlike a generic local S3 server it checks what matters for credentials: every request
 * must carry an AWS Signature Version 4 made with the secret key of credentials the
 * simulator issued, with their session token, before they expire and while not revoked,
 * inside their object prefix, and only reads for read-only credentials. Errors are S3's
 * XML `<Error><Code>…</Code><Message>…</Message></Error>`.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { send, type Clock } from './http.js';
import { SIM_BUCKETS, type IssuedAwsCredentials } from './ica-project-data.js';

export interface S3Object {
  body: Buffer;
  lastModified: string;
}

export interface S3State {
  issued: IssuedAwsCredentials[];
  /** `bucket/key` → object: seeded files and whatever clients put. */
  objects(): Map<string, S3Object>;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** RFC 3986 encoding as SigV4 wants it (only unreserved characters stay). */
const uriEncode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function sendError(res: ServerResponse, clock: Clock, status: number, code: string, message: string): void {
  send(res, clock, status, 'application/xml', `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error>`);
}

function canonicalQuery(rawQuery: string): string {
  if (rawQuery === '') return '';
  return rawQuery
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const i = pair.indexOf('=');
      const k = decodeURIComponent((i < 0 ? pair : pair.slice(0, i)).replace(/\+/g, '%20'));
      const v = i < 0 ? '' : decodeURIComponent(pair.slice(i + 1).replace(/\+/g, '%20'));
      return [uriEncode(k), uriEncode(v)] as const;
    })
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

type Verified = { ok: true; credentials: IssuedAwsCredentials } | { ok: false; status: number; code: string; message: string };

/** Checks the SigV4 Authorization header against the issued credentials. */
export function verifySigV4(req: IncomingMessage, body: Buffer, issued: readonly IssuedAwsCredentials[], nowMs: number): Verified {
  const auth = req.headers.authorization ?? '';
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request,\s*SignedHeaders=([^,]+),\s*Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) return { ok: false, status: 403, code: 'AccessDenied', message: 'An AWS Signature Version 4 Authorization header is required.' };
  const [, accessKey, date, region, signedHeaders, signature] = m as unknown as [string, string, string, string, string, string];
  const credentials = issued.find((c) => c.accessKey === accessKey);
  if (!credentials || credentials.revoked) return { ok: false, status: 403, code: 'InvalidAccessKeyId', message: 'The AWS access key Id you provided does not exist in our records.' };
  if (nowMs >= credentials.expiresAtMs) return { ok: false, status: 400, code: 'ExpiredToken', message: 'The provided token has expired.' };
  if (req.headers['x-amz-security-token'] !== credentials.sessionToken) return { ok: false, status: 400, code: 'InvalidToken', message: 'The provided token is malformed or otherwise invalid.' };
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  const payloadHash = String(req.headers['x-amz-content-sha256'] ?? '');
  if (!amzDate.startsWith(date) || payloadHash === '') return { ok: false, status: 403, code: 'AccessDenied', message: 'x-amz-date and x-amz-content-sha256 are required.' };
  if (payloadHash !== 'UNSIGNED-PAYLOAD' && payloadHash !== sha256(body)) return { ok: false, status: 400, code: 'XAmzContentSHA256Mismatch', message: 'The provided x-amz-content-sha256 header does not match what was computed.' };
  const names = signedHeaders.split(';');
  if (!names.includes('host')) return { ok: false, status: 403, code: 'AccessDenied', message: 'The host header must be signed.' };
  const headerLines = names.map((name) => {
    const raw = req.headers[name];
    const value = Array.isArray(raw) ? raw.join(',') : (raw ?? '');
    return `${name}:${value.trim().replace(/\s+/g, ' ')}\n`;
  });
  const rawUrl = req.url ?? '/';
  const q = rawUrl.indexOf('?');
  const canonicalRequest = [req.method ?? 'GET', q < 0 ? rawUrl : rawUrl.slice(0, q), canonicalQuery(q < 0 ? '' : rawUrl.slice(q + 1)), headerLines.join(''), signedHeaders, payloadHash].join('\n');
  const scope = `${date}/${region}/s3/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretKey}`, date), region), 's3'), 'aws4_request');
  const expected = createHmac('sha256', key).update(stringToSign, 'utf8').digest();
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) {
    return { ok: false, status: 403, code: 'SignatureDoesNotMatch', message: 'The request signature we calculated does not match the signature you provided.' };
  }
  if (region !== credentials.region) return { ok: false, status: 400, code: 'AuthorizationHeaderMalformed', message: `The authorization header is malformed; the region '${region}' is wrong; expecting '${credentials.region}'.` };
  return { ok: true, credentials };
}

function listXml(bucket: string, prefix: string, delimiter: string, urlEncoding: boolean, keys: Array<[string, S3Object]>, commonPrefixes: string[]): string {
  const enc = (s: string) => xmlEscape(urlEncoding ? uriEncode(s).replace(/%2F/g, '/') : s);
  const contents = keys
    .map(([key, o]) => `<Contents><Key>${enc(key)}</Key><LastModified>${o.lastModified}</LastModified><ETag>&quot;${createHash('md5').update(o.body).digest('hex')}&quot;</ETag><Size>${o.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`)
    .join('');
  const prefixes = commonPrefixes.map((p) => `<CommonPrefixes><Prefix>${enc(p)}</Prefix></CommonPrefixes>`).join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
    `<Name>${xmlEscape(bucket)}</Name><Prefix>${enc(prefix)}</Prefix>${delimiter ? `<Delimiter>${enc(delimiter)}</Delimiter>` : ''}` +
    `<KeyCount>${keys.length + commonPrefixes.length}</KeyCount><MaxKeys>1000</MaxKeys>${urlEncoding ? '<EncodingType>url</EncodingType>' : ''}<IsTruncated>false</IsTruncated>` +
    `${contents}${prefixes}</ListBucketResult>`
  );
}

/** Returns true when the path names a simulated bucket (answered). */
export function routeS3(clock: Clock, s3: S3State, req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): boolean {
  const segments = url.pathname.split('/');
  const bucket = segments[1] ?? '';
  if (!SIM_BUCKETS.includes(bucket)) return false;
  const key = decodeURIComponent(segments.slice(2).join('/'));
  const method = req.method ?? 'GET';
  const verified = verifySigV4(req, body, s3.issued, clock.nowMs());
  if (!verified.ok) {
    sendError(res, clock, verified.status, verified.code, verified.message);
    return true;
  }
  const { credentials } = verified;
  const denied = () => sendError(res, clock, 403, 'AccessDenied', 'Access Denied');
  if (bucket !== credentials.bucket) {
    denied();
    return true;
  }
  const objects = s3.objects();
  if (key === '') {
    if (method !== 'GET' || url.searchParams.get('list-type') !== '2') {
      sendError(res, clock, 501, 'NotImplemented', 'Only ListObjectsV2 is simulated on a bucket.');
      return true;
    }
    const prefix = url.searchParams.get('prefix') ?? '';
    if (!prefix.startsWith(credentials.objectPrefix)) {
      denied();
      return true;
    }
    const delimiter = url.searchParams.get('delimiter') ?? '';
    const keys: Array<[string, S3Object]> = [];
    const common = new Set<string>();
    for (const [full, object] of [...objects.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (!full.startsWith(`${bucket}/`)) continue;
      const k = full.slice(bucket.length + 1);
      if (!k.startsWith(prefix)) continue;
      const rest = k.slice(prefix.length);
      const cut = delimiter ? rest.indexOf(delimiter) : -1;
      if (cut >= 0) common.add(prefix + rest.slice(0, cut + delimiter.length));
      else keys.push([k, object]);
    }
    send(res, clock, 200, 'application/xml', listXml(bucket, prefix, delimiter, url.searchParams.get('encoding-type') === 'url', keys, [...common]));
    return true;
  }
  if (!key.startsWith(credentials.objectPrefix)) {
    denied();
    return true;
  }
  const id = `${bucket}/${key}`;
  if (method === 'PUT') {
    if (credentials.readOnly) {
      denied();
      return true;
    }
    objects.set(id, { body, lastModified: new Date(clock.nowMs()).toISOString() });
    send(res, clock, 200, undefined, '', { ETag: `"${createHash('md5').update(body).digest('hex')}"` });
    return true;
  }
  if (method === 'GET' || method === 'HEAD') {
    const object = objects.get(id);
    if (!object) {
      if (method === 'HEAD') send(res, clock, 404, undefined, '');
      else sendError(res, clock, 404, 'NoSuchKey', 'The specified key does not exist.');
      return true;
    }
    const headers = { ETag: `"${createHash('md5').update(object.body).digest('hex')}"`, 'Last-Modified': new Date(object.lastModified).toUTCString() };
    if (method === 'HEAD') {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': object.body.length, ...headers });
      res.end();
    } else {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': object.body.length, ...headers });
      res.end(object.body);
    }
    return true;
  }
  sendError(res, clock, 501, 'NotImplemented', `${method} is not simulated.`);
  return true;
}
