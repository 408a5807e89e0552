/**
 * Alibaba Cloud credentials for one invocation: an AccessKey pair, with an STS token when the
 * keys are temporary (FC passes the function role's STS credentials in `context.credentials`).
 * Values are secrets: they never reach a record, an answer or a log line.
 */
export interface Credentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}
