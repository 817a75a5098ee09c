import type { EventPublisher, OutgoingMessage } from '@regua/kafka-bus';
import { createOutbox, flushOutboxes } from './outbox.ts';

const message = (id: string): OutgoingMessage => ({ topic: 'collections.case.settled.v1', key: 'k', envelope: { id } as unknown as OutgoingMessage['envelope'] });

describe('flushing outboxes', () => {
  test('actions run after the one publish, those under the same key once, and none when the publish fails', async () => {
    const log: string[] = [];
    const publisher: EventPublisher = { publish: async (messages) => void log.push(`publish ${messages.map((m) => m.envelope.id).join(',')}`) };
    const [a, b] = [createOutbox(), createOutbox()];
    a.add(message('e1'));
    a.afterPublish(async () => void log.push('mark case-1'), 'case-settled:case-1');
    b.add(message('e2'));
    b.afterPublish(async () => void log.push('mark case-1 again'), 'case-settled:case-1');
    b.afterPublish(async () => void log.push('unkeyed'));

    await flushOutboxes(publisher, [a, b]);
    expect(log).toEqual(['publish e1,e2', 'mark case-1', 'unkeyed']);

    const failing: EventPublisher = {
      publish: async () => {
        throw new Error('broker down');
      },
    };
    const c = createOutbox();
    c.add(message('e3'));
    c.afterPublish(async () => void log.push('never'));
    await expect(flushOutboxes(failing, [c])).rejects.toThrow('broker down');
    expect(log).not.toContain('never');
  });
});
