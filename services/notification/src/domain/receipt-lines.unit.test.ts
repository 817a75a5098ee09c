import { receiptLine, timelineWithReceipts, type ReceiptFacts } from './receipt-lines.ts';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 27, 13, minute));
const contacts = new Map([['case-1:3:whatsapp', { channel: 'whatsapp', stepId: 'd3-whatsapp' }]]);

describe('receipt lines on a case timeline', () => {
  test('Given receipts of each status, then each is told as the case timeline tells it', () => {
    const contact = contacts.get('case-1:3:whatsapp')!;
    expect(receiptLine(contact, { status: 'delivered' })).toBe('whatsapp message of step d3-whatsapp delivered');
    expect(receiptLine(contact, { status: 'failed', error: 'número sem WhatsApp' })).toBe('whatsapp message of step d3-whatsapp failed (número sem WhatsApp)');
    expect(receiptLine(contact, { status: 'replied', optOut: true })).toBe('the debtor replied on whatsapp asking to stop: opted out of whatsapp');
    expect(receiptLine(contact, { status: 'replied' })).toBe('the debtor replied on whatsapp');
  });

  test("Given the case's lines and its receipts, then one timeline oldest first; a line the case holds too is shown once; a receipt of an unknown contact is left out", () => {
    const receipts: ReceiptFacts[] = [
      { contactId: 'case-1:3:whatsapp', status: 'read', at: at(5) },
      { contactId: 'case-1:3:whatsapp', status: 'delivered', at: at(2) },
      { contactId: 'case-9:0:sms', status: 'delivered', at: at(3) },
    ];
    const own = [
      { at: at(0), what: 'case opened' },
      { at: at(1), what: 'step d3-whatsapp: segundo-aviso sent by whatsapp' },
      { at: at(2), what: 'whatsapp message of step d3-whatsapp delivered' },
    ];
    expect(timelineWithReceipts(own, contacts, receipts).map((line) => line.what)).toEqual([
      'case opened',
      'step d3-whatsapp: segundo-aviso sent by whatsapp',
      'whatsapp message of step d3-whatsapp delivered',
      'whatsapp message of step d3-whatsapp read',
    ]);
  });
});
