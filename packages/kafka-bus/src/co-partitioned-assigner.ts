import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';

export interface TopicPartition {
  topic: string;
  partition: number;
}

/**
 * Partition p of every topic goes to the same member (the p-th of the members sorted by id, modulo their count).
 * Producers key by tenant + debtor with the same partitioner and event topics share one partition count, so a
 * debtor's events on every topic a group reads reach one member: a consumer that keeps per-debtor state in the
 * process (the dashboard's document cache, scoring's per-debtor serialisation) never shares a debtor with another
 * replica. Kafka's round-robin would hand partition 0 of one topic and partition 0 of another to different members.
 * A topic goes only to the members subscribed to it (`subscribed`, by member id; members differ while a rolling
 * change of configuration is under way, e.g. a tenant's door added); without it, every member takes every topic.
 */
export function coPartitionedAssignment(memberIds: readonly string[], partitions: readonly TopicPartition[], subscribed?: ReadonlyMap<string, readonly string[]>): Map<string, Record<string, number[]>> {
  const members = [...memberIds].sort();
  const assignment = new Map<string, Record<string, number[]>>(members.map((id) => [id, {}]));
  const takers = new Map<string, string[]>();
  for (const { topic, partition } of partitions) {
    let eligible = takers.get(topic);
    if (!eligible) {
      eligible = members.filter((id) => !subscribed || (subscribed.get(id) ?? []).includes(topic));
      takers.set(topic, eligible);
    }
    if (eligible.length === 0) continue;
    const topics = assignment.get(eligible[partition % eligible.length]!)!;
    (topics[topic] ??= []).push(partition);
  }
  return assignment;
}

const CO_PARTITIONED_ASSIGNER_NAME = 'ReguaCoPartitioned';

/**
 * kafkajs adapter of `coPartitionedAssignment`. Offered first, with round-robin after it: a group whose members
 * do not all offer it (a rolling upgrade from a version without it) agrees on round-robin instead.
 */
export const CoPartitionedAssigner: PartitionAssigner = ({ cluster }) => ({
  name: CO_PARTITIONED_ASSIGNER_NAME,
  version: 0,
  async assign({ members, topics }) {
    const partitions = topics.flatMap((topic) => cluster.findTopicPartitionMetadata(topic).map((m) => ({ topic, partition: m.partitionId })));
    const subscribed = new Map(members.map((m) => [m.memberId, AssignerProtocol.MemberMetadata.decode(m.memberMetadata)?.topics ?? []]));
    const assignment = coPartitionedAssignment(
      members.map((m) => m.memberId),
      partitions,
      subscribed,
    );
    return [...assignment].map(([memberId, topicPartitions]) => ({
      memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: topicPartitions, userData: Buffer.alloc(0) }),
    }));
  },
  protocol({ topics }) {
    return { name: CO_PARTITIONED_ASSIGNER_NAME, metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }) };
  },
});
