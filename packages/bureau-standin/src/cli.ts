// `node packages/bureau-standin/src/cli.ts [--port 8086] [--token …] [--latency 50-300]`: the stand-in on its own.
import { parseArgs } from 'node:util';
import { startBureauStandIn } from './index.ts';

const { values } = parseArgs({ options: { port: { type: 'string', default: '8086' }, token: { type: 'string', default: 'demo-bureau-token-change-me' }, latency: { type: 'string', default: '50-300' } } });
const [low, high] = values.latency.split('-').map(Number) as [number, number];
const standIn = await startBureauStandIn({ port: Number(values.port), token: values.token, latencyMs: [low, high ?? low] });
console.log(`bureau stand-in on ${standIn.url} (POST /v1/people:lookup; POST /v1/debt-notices, /v1/registrations, /v1/registrations/:protocol/withdrawal; Authorization: Bearer …)`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void standIn.close().then(() => process.exit(0)));
