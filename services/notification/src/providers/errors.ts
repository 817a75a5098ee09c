import { AppError } from '@regua/errors';
import type { ProviderChannel } from './port.ts';

/**
 * Nothing was sent, and this channel cannot send now (no adapter for it, or its provider's circuit is open): the
 * dispatcher may use another channel for the step.
 */
export class ChannelUnavailableError extends AppError {
  readonly channel: ProviderChannel;
  readonly reason: 'no-adapter' | 'circuit-open';
  constructor(channel: ProviderChannel, reason: 'no-adapter' | 'circuit-open', cause?: unknown) {
    super('unavailable', `channel ${channel} unavailable: ${reason === 'no-adapter' ? 'no provider configured' : 'provider circuit open'}`, { retriable: true, cause });
    this.channel = channel;
    this.reason = reason;
  }
}

/**
 * The provider may have taken the message (a 5xx, a timeout, a connection lost after the request went out) and it
 * cannot be resent safely: neither the provider is idempotent on the reference nor could it say whether it took it.
 * Not sent again by this adapter until a lookup settles it; another channel would risk a second message.
 */
export class OutcomeUnknownError extends AppError {
  readonly channel: ProviderChannel;
  readonly reference: string;
  constructor(channel: ProviderChannel, reference: string, cause?: unknown) {
    super('unavailable', `whether the ${channel} provider took ${reference} is unknown; not sent again until it can say`, { retriable: true, cause });
    this.channel = channel;
    this.reference = reference;
  }
}

/** The provider did not take the message. `retriable`: false when it refused it (a 4xx), true when it could not be reached or throttled us. */
export class ProviderError extends AppError {
  readonly channel: ProviderChannel;
  readonly status: number | undefined;
  constructor(channel: ProviderChannel, message: string, options: { retriable: boolean; status?: number; cause?: unknown }) {
    super(options.retriable ? 'unavailable' : 'internal', `${channel} provider: ${message}`, { retriable: options.retriable, cause: options.cause });
    this.channel = channel;
    this.status = options.status;
  }
}
