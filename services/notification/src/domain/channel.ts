import type { z } from 'zod';
import type { ChannelSchema } from '@regua/contracts';

export type Channel = z.infer<typeof ChannelSchema>;
export const CHANNELS: readonly Channel[] = ['email', 'sms', 'whatsapp', 'voice'];
