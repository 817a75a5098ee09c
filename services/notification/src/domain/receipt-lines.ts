/** A provider's receipt of one of a case's messages, as far as the case's timeline tells it. */
export interface ReceiptFacts {
  contactId: string;
  status: 'delivered' | 'read' | 'failed' | 'replied';
  at: Date;
  error?: string | undefined;
  optOut?: boolean | undefined;
}

export interface TimelineLine {
  at: Date;
  what: string;
}

/** What a receipt adds to the timeline of its message's case. */
export function receiptLine(contact: { channel: string; stepId: string }, receipt: Pick<ReceiptFacts, 'status' | 'error' | 'optOut'>): string {
  if (receipt.status === 'replied') return receipt.optOut ? `the debtor replied on ${contact.channel} asking to stop: opted out of ${contact.channel}` : `the debtor replied on ${contact.channel}`;
  return `${contact.channel} message of step ${contact.stepId} ${receipt.status}${receipt.error ? ` (${receipt.error})` : ''}`;
}

/**
 * A case's timeline as shown: its own lines and those of its messages' receipts (kept with the receipts, not written
 * on the case), oldest first. A receipt line the case holds too (written there before receipts were told this way)
 * is shown once.
 */
export function timelineWithReceipts(own: readonly TimelineLine[], contacts: ReadonlyMap<string, { channel: string; stepId: string }>, receipts: readonly ReceiptFacts[]): TimelineLine[] {
  const lines = [...own];
  const shown = new Set(own.map((line) => `${new Date(line.at).getTime()}|${line.what}`));
  for (const receipt of receipts) {
    const contact = contacts.get(receipt.contactId);
    if (!contact) continue;
    const line = { at: new Date(receipt.at), what: receiptLine(contact, receipt) };
    const key = `${line.at.getTime()}|${line.what}`;
    if (shown.has(key)) continue;
    shown.add(key);
    lines.push(line);
  }
  return lines.sort((a, b) => new Date(a.at).getTime() - new Date(b.at).getTime());
}
