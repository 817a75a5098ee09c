import { createHash } from 'node:crypto';
import { z } from 'zod';
import { JudicialMovementKindSchema } from '@regua/contracts';
import { parseCnjNumber } from './cnj.ts';

/** A CNJ number with its check digits verified, normalised to the formatted layout. */
export const ProcessNumberSchema = z.string().transform((value, ctx) => {
  const parsed = parseCnjNumber(value);
  if (!parsed.ok) {
    ctx.addIssue({ code: 'custom', message: parsed.message });
    return z.NEVER;
  }
  return parsed.value.formatted;
});

const text = (max: number) => z.string().trim().min(1).max(max).regex(/^[^\u0000]*$/, 'must not contain the NUL character (U+0000)');

export const OpenJudicialCaseSchema = z
  .object({
    processNumber: ProcessNumberSchema,
    court: text(200).describe('e.g. "2ª Vara Cível do Foro Central de São Paulo"'),
    lawFirm: text(200),
    claimAmountCents: z.number().int('amount must be integer centavos').positive(),
  })
  .strict();
export type OpenJudicialCase = z.output<typeof OpenJudicialCaseSchema>;

/** A movement as an operator or a file states it; each kind says what it needs. */
export const MovementSchema = z
  .object({
    movementId: text(100).optional().describe('the caller\'s id of the movement (idempotency); derived from its content when absent'),
    kind: JudicialMovementKindSchema,
    date: z.iso.date({ message: 'must be a calendar date as YYYY-MM-DD' }),
    hearingAt: z.iso.datetime({ offset: true }).optional(),
    sentence: z.enum(['favourable', 'unfavourable', 'partial']).optional(),
    amountCents: z.number().int('amount must be integer centavos').positive().optional(),
    description: z.string().max(2000).regex(/^[^\u0000]*$/).optional(),
  })
  .strict()
  .superRefine((movement, ctx) => {
    if (movement.kind === 'hearing-scheduled' && !movement.hearingAt) ctx.addIssue({ code: 'custom', path: ['hearingAt'], message: 'a scheduled hearing needs its date and time' });
    if (movement.kind === 'sentence' && !movement.sentence) ctx.addIssue({ code: 'custom', path: ['sentence'], message: 'a sentence needs its outcome (favourable, unfavourable, partial)' });
    if (movement.kind === 'agreement-in-court' && movement.amountCents === undefined) ctx.addIssue({ code: 'custom', path: ['amountCents'], message: 'an agreement in court needs the amount agreed' });
  });
export type Movement = z.output<typeof MovementSchema>;

/** The movement's id: the caller's, or one derived from what it says, so the same line imported twice counts once. */
export function movementIdOf(processNumber: string, movement: Movement): string {
  if (movement.movementId) return movement.movementId;
  const { kind, date, hearingAt, sentence, amountCents } = movement;
  return 'mv-' + createHash('sha256').update(JSON.stringify([processNumber, kind, date, hearingAt ?? null, sentence ?? null, amountCents ?? null])).digest('base64url').slice(0, 22);
}

export type JudicialStatus = 'open' | 'closed' | 'archived';

/** What a movement does to the judicial case: an agreement in court closes it (and the collection case); archiving ends the track. */
export function statusAfter(status: JudicialStatus, kind: Movement['kind']): JudicialStatus {
  if (status !== 'open') return status;
  if (kind === 'agreement-in-court') return 'closed';
  if (kind === 'archived') return 'archived';
  return 'open';
}
