import type { Logger } from '@regua/telemetry';
import type { MessageChannel } from '../channels.ts';
import type { NotificationEnv } from '../config.ts';
import { createEmailProvider } from './email.ts';
import { httpSentLookup } from './lookup.ts';
import type { ProviderAdapter, ProviderChannel } from './port.ts';
import { providerRouter, type ProviderRouter } from './router.ts';
import { createSmsProvider } from './sms.ts';
import { createVoiceProvider } from './voice.ts';
import { createWhatsAppProvider } from './whatsapp.ts';

/** One adapter per channel whose provider URL is configured, behind one router; undefined when none is. */
export function providersFromConfig(env: NotificationEnv, logger: Logger): (MessageChannel & ProviderRouter) | undefined {
  const common = (url: string, channel: ProviderChannel) => ({
    url,
    timeoutMs: env.NOTIFICATION_PROVIDER_TIMEOUT_MS,
    rateLimit: { perSecond: env.NOTIFICATION_PROVIDER_RATE_PER_SECOND, burst: env.NOTIFICATION_PROVIDER_RATE_PER_SECOND },
    ...(env.NOTIFICATION_PROVIDER_LOOKUP_URL ? { lookup: httpSentLookup({ url: env.NOTIFICATION_PROVIDER_LOOKUP_URL, timeoutMs: env.NOTIFICATION_PROVIDER_TIMEOUT_MS, channel }) } : {}),
    logger,
  });
  const adapters: Partial<Record<ProviderChannel, ProviderAdapter>> = {};
  if (env.NOTIFICATION_EMAIL_URL) adapters.email = createEmailProvider({ ...common(env.NOTIFICATION_EMAIL_URL, 'email'), apiKey: env.NOTIFICATION_EMAIL_API_KEY, from: { email: env.NOTIFICATION_EMAIL_FROM, name: 'Régua Cobrança' }, defaultSubject: 'Aviso de cobrança' });
  if (env.NOTIFICATION_SMS_URL) adapters.sms = createSmsProvider({ ...common(env.NOTIFICATION_SMS_URL, 'sms'), apiToken: env.NOTIFICATION_SMS_API_TOKEN, from: env.NOTIFICATION_SMS_FROM });
  if (env.NOTIFICATION_WHATSAPP_URL) adapters.whatsapp = createWhatsAppProvider({ ...common(env.NOTIFICATION_WHATSAPP_URL, 'whatsapp'), accessToken: env.NOTIFICATION_WHATSAPP_TOKEN, phoneNumberId: env.NOTIFICATION_WHATSAPP_PHONE_NUMBER_ID });
  if (env.NOTIFICATION_VOICE_URL) adapters.voice = createVoiceProvider({ ...common(env.NOTIFICATION_VOICE_URL, 'voice'), apiKey: env.NOTIFICATION_VOICE_API_KEY });
  return Object.keys(adapters).length > 0 ? providerRouter(adapters) : undefined;
}
