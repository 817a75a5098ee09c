// Creates every topic of the registry (packages/contracts/src/topics.ts) and waits until each has leaders.
// Run once before the services on a new cluster: `pnpm kafka:topics`, or the compose `topics` job.
//   KAFKA_BROKERS=host:9092 [KAFKA_NAMESPACE=prefix.] [KAFKA_TOPIC_PARTITIONS=n] node packages/service-kit/src/create-topics.ts
import { loadConfig, ServiceEnvSchema } from '@regua/config';
import { createRegistryTopics } from '@regua/kafka-bus';

try {
  const env = loadConfig(ServiceEnvSchema.pick({ KAFKA_BROKERS: true, KAFKA_NAMESPACE: true, KAFKA_TOPIC_PARTITIONS: true }), process.env);
  const topics = await createRegistryTopics(env.KAFKA_BROKERS, { namespace: env.KAFKA_NAMESPACE, eventPartitions: env.KAFKA_TOPIC_PARTITIONS });
  for (const t of topics) console.log(`${`${env.KAFKA_NAMESPACE}${t.name}`.padEnd(52)} ${String(env.KAFKA_TOPIC_PARTITIONS && t.kind === 'event' ? env.KAFKA_TOPIC_PARTITIONS : t.partitions).padStart(2)} partitions  ${t.description}`);
  console.log(`${topics.length} topics ready on ${env.KAFKA_BROKERS.join(',')}`);
} catch (error) {
  console.error(`creating topics failed: ${(error as Error).message}`);
  process.exit(1);
}
