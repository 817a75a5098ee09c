export * from './bus.ts';
export * from './publisher.ts';
export { on, onBatch, onMessage, onMessageBatch, type BatchOutcome, type Delivery, type Rejection, type Subscription, type MessageMeta, type ConsumerOptions } from './consumer.ts';
export * from './dead-letter.ts';
export * from './retry.ts';
export { currentTraceparent } from './tracing.ts';
export { createRegistryTopics, provisionTopics, DEFAULT_TOPIC_READY_TIMEOUT_MS, type ProvisionOptions } from './topics.ts';
