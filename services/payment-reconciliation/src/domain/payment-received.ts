import type { EventOf, PaymentReceivedV1 } from '@regua/contracts';

/** What a payment source reports, before matching: the `data` of a `PaymentReceived` v1 event. */
export type PaymentReceivedData = EventOf<typeof PaymentReceivedV1>['data'];
