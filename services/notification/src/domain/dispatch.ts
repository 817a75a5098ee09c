import { cadenceFor, chooseChannel, stepDueAt, type Channel, type Reachability, type Segment, type TemplateName } from './cadence.ts';
import { contactWindowFor, nextContactTime } from './contact-hours.ts';
import { renderTemplate, type TemplateData } from './templates.ts';

export interface OpenCase {
  segment: Segment;
  openedAt: Date;
  nextStep: number;
  uf?: string | undefined;
  /** IANA zone of the debtor; undefined when enrichment could not tell (contact hours then hold in every Brazilian zone). */
  timeZone?: string | undefined;
  contacts: Reachability;
  message: TemplateData;
}

export type DispatchDecision =
  | { kind: 'send'; step: number; channel: Channel; address: string; template: TemplateName; text: string; nextDueAt: Date | null }
  | { kind: 'defer'; until: Date }
  | { kind: 'unreachable'; step: number; nextDueAt: Date | null };

/**
 * What to do with a case whose next step is due: send it, wait for the debtor's contact hours, or record
 * that no channel reaches the debtor (a case for a human operator) and move on.
 */
export function decideDispatch(openCase: OpenCase, now: Date, options: { enforceContactHours: boolean }): DispatchDecision | undefined {
  const steps = cadenceFor(openCase.segment);
  const step = steps[openCase.nextStep];
  if (!step) return undefined;
  const following = steps[openCase.nextStep + 1];
  const nextDueAt = following ? stepDueAt(openCase.openedAt, following) : null;

  // An unreachable debtor is recorded at once (for an operator), not after waiting for contact hours.
  const route = chooseChannel(step.channel, openCase.contacts);
  if (!route) return { kind: 'unreachable', step: openCase.nextStep, nextDueAt };
  if (options.enforceContactHours) {
    const allowedAt = nextContactTime(now, openCase.timeZone, contactWindowFor(openCase.uf));
    if (allowedAt.getTime() > now.getTime()) return { kind: 'defer', until: allowedAt };
  }
  return { kind: 'send', step: openCase.nextStep, channel: route.channel, address: route.address, template: step.template, text: renderTemplate(step.template, openCase.message), nextDueAt };
}

export function firstStepDueAt(segment: Segment, openedAt: Date): Date {
  const first = cadenceFor(segment)[0];
  return first ? stepDueAt(openedAt, first) : openedAt;
}
