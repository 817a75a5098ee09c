// Preloaded with `node --import`, before kafkajs, mongoose and express load.
import { startTelemetry } from '@regua/telemetry';

const telemetry = startTelemetry({ serviceName: 'legal', otlpEndpoint: process.env.OTEL_EXPORTER_OTLP_ENDPOINT });
process.once('beforeExit', () => void telemetry.shutdown());
