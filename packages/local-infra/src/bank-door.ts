import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import kafkajs, { Kafka, logLevel, type AclOperationTypes as AclOperation } from 'kafkajs';
import { kafkaLibs } from './paths.ts';

// Node's ESM loader does not find these among kafkajs's CommonJS named exports (a SyntaxError at import).
const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;

const run = promisify(execFile);

export interface BankLogin {
  /** The SCRAM user the bank logs in as (its principal is `User:<username>`). */
  username: string;
  password: string;
  /** The only topics it may write: its own doors (invoices, payments). */
  topics: string[];
}

/** SCRAM user names and passwords go through kafka-configs' `[…]` syntax: keep them to characters it cannot misread. */
const SAFE = /^[A-Za-z0-9._@-]{1,128}$/;

/**
 * Lets a bank in through the broker's SASL/SCRAM listener: its SCRAM-SHA-256 credentials (Kafka's own
 * ConfigCommand, the kafka-configs tool: kafkajs cannot alter SCRAM credentials) and ACLs to write its own
 * doors and nothing else. Idempotent: a second grant sets the same password and ACLs again.
 */
export async function grantBankAccess(serviceBrokers: string[], login: BankLogin): Promise<void> {
  if (!SAFE.test(login.username) || !SAFE.test(login.password)) throw new Error(`bank login for ${login.username}: user name and password may only hold letters, digits and . _ @ -`);
  await run('java', ['-Xmx128m', '-cp', `${kafkaLibs}/*`, 'kafka.admin.ConfigCommand', '--bootstrap-server', serviceBrokers[0]!, '--alter', '--add-config', `SCRAM-SHA-256=[iterations=8192,password=${login.password}]`, '--entity-type', 'users', '--entity-name', login.username], { timeout: 60_000 });
  const admin = new Kafka({ clientId: 'regua-bank-door', brokers: serviceBrokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const on = (topic: string, operation: AclOperation) => ({
      resourceType: AclResourceTypes.TOPIC,
      resourceName: topic,
      resourcePatternType: ResourcePatternTypes.LITERAL,
      principal: `User:${login.username}`,
      host: '*',
      operation,
      permissionType: AclPermissionTypes.ALLOW,
    });
    await admin.createAcls({ acl: login.topics.flatMap((topic) => [on(topic, AclOperationTypes.WRITE), on(topic, AclOperationTypes.DESCRIBE)]) });
  } finally {
    await admin.disconnect();
  }
}
