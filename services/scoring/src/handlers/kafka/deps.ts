import type { EventPublisher } from '@regua/kafka-bus';
import type { Clock } from '@regua/service-kit';
import type { Logger } from '@regua/telemetry';
import type { CaseScorer } from '../../case-scorer.ts';
import type { HistoryStore } from '../../store/histories.ts';
import type { LabelStore } from '../../store/labels.ts';
import type { ScoreStore } from '../../store/scores.ts';

/** What the scoring handlers that score (a new invoice, a payment's re-score) work with. */
export interface ScoringHandlerDeps {
  scorer: CaseScorer;
  store: ScoreStore;
  histories: HistoryStore;
  labels: LabelStore;
  publisher: EventPublisher;
  clock: Clock;
  logger: Logger;
  source: string;
}
