import { CONSUMER_GROUPS, deadLetterTopicFor, inboundInvoicesTopicFor, TOPICS, topicSpec } from './topics.ts';
import { DebtorScoredV1 } from './debtors/debtor-scored.v1.ts';

describe('topic registry', () => {
  test('declares each topic once, every name carrying its major version', () => {
    const names = TOPICS.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/\.v\d+$/);
  });

  test('every consumer group has its dead-letter topic declared, with one partition and a longer retention', () => {
    for (const group of Object.values(CONSUMER_GROUPS)) {
      const spec = topicSpec(deadLetterTopicFor(group));
      expect(spec).toMatchObject({ declared: true, kind: 'dead-letter', partitions: 1 });
      expect(Number(spec.config['retention.ms'])).toBeGreaterThan(Number(topicSpec(DebtorScoredV1.topic).config['retention.ms']));
    }
  });

  test('event topics have the declared partitions and settings', () => {
    expect(topicSpec(DebtorScoredV1.topic)).toMatchObject({ declared: true, kind: 'event', partitions: 6, config: { 'cleanup.policy': 'delete' } });
  });

  test("each tenant's Kafka door is a topic of its own, named with the tenant and the version", () => {
    expect(inboundInvoicesTopicFor('demo-bank')).toBe('bank.demo-bank.invoices.overdue.v1');
    expect(topicSpec(inboundInvoicesTopicFor('demo-bank'))).toMatchObject({ declared: true, kind: 'event', partitions: 6 });
    expect(topicSpec('bank.demo-bank.payments.received.v1')).toMatchObject({ declared: true, kind: 'event' });
    expect(topicSpec('bank.demo-bank.payments.received.v1.extra')).toMatchObject({ declared: false });
  });

  test('an undeclared name gets the defaults of its kind, marked as not declared', () => {
    expect(topicSpec('acme.invoices.v2')).toMatchObject({ declared: false, kind: 'event', partitions: 6 });
    expect(topicSpec('acme.consumer.dlq.v1')).toMatchObject({ declared: false, kind: 'dead-letter', partitions: 1 });
  });

  test('specs handed out cannot change the registry', () => {
    const spec = topicSpec(DebtorScoredV1.topic);
    spec.config['retention.ms'] = '1';
    expect(topicSpec(DebtorScoredV1.topic).config['retention.ms']).not.toBe('1');
  });
});
