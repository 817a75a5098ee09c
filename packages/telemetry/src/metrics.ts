import type { IncomingMessage, ServerResponse } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createNoopMeter, type Meter } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type IMetricReader } from '@opentelemetry/sdk-metrics';

export interface MetricsOptions {
  serviceName: string;
  /** OTLP/HTTP endpoint of a collector: metrics are also pushed there (`<endpoint>/v1/metrics`) when set. */
  otlpEndpoint?: string | undefined;
  /** How often metrics are pushed over OTLP. */
  otlpIntervalMs?: number;
}

export interface ServiceMetrics {
  /** Where the service's instruments are created (kafka-bus, http, the service's own). */
  meter: Meter;
  /** Answers a scrape with the Prometheus text format: the handler of `GET /metrics`. */
  serve(request: IncomingMessage, response: ServerResponse): void;
  shutdown(): Promise<void>;
}

/**
 * One MeterProvider per running service, not the global one: tests run several services in one process, and
 * each must show only its own figures. Prometheus pulls from `GET /metrics` on the service's HTTP port; with an
 * OTLP endpoint the same instruments are pushed to the collector as well.
 */
export function createServiceMetrics(options: MetricsOptions): ServiceMetrics {
  const prometheus = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true });
  const readers: IMetricReader[] = [prometheus];
  if (options.otlpEndpoint) {
    const url = `${options.otlpEndpoint.replace(/\/$/, '')}/v1/metrics`;
    readers.push(new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url }), exportIntervalMillis: options.otlpIntervalMs ?? 30_000 }));
  }
  const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': options.serviceName }), readers });
  const meter = provider.getMeter('regua');
  const stopProcessMetrics = registerProcessMetrics(meter);
  return {
    meter,
    serve: (request, response) => prometheus.getMetricsRequestHandler(request, response),
    shutdown: async () => {
      stopProcessMetrics();
      await provider.shutdown();
    },
  };
}

/** Instruments that record nothing, for code run without a service (tools, unit tests). */
export function noopMeter(): Meter {
  return createNoopMeter();
}

/** Seconds buckets for request and processing durations: 5 ms to 10 s. */
export const DURATION_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The Node process: CPU, memory, V8 heap and event-loop delay, read at each collection. Names end in their unit,
 * the Prometheus way (the exporter adds only `_total`), so `process_cpu_seconds_total` and
 * `process_resident_memory_bytes` are the names Prometheus users know.
 */
function registerProcessMetrics(meter: Meter): () => void {
  const loopDelay = monitorEventLoopDelay({ resolution: 20 });
  loopDelay.enable();
  const cpu = meter.createObservableCounter('process.cpu.seconds', { unit: 's', description: 'CPU time used by the process' });
  const memory = meter.createObservableGauge('process.resident.memory.bytes', { unit: 'By', description: 'Resident set size' });
  const heap = meter.createObservableGauge('nodejs.heap.used.bytes', { unit: 'By', description: 'V8 heap in use' });
  const heapLimit = meter.createObservableGauge('nodejs.heap.total.bytes', { unit: 'By', description: 'V8 heap allocated' });
  const delay = meter.createObservableGauge('nodejs.eventloop.delay.p99.seconds', { unit: 's', description: 'Event-loop delay, 99th percentile since the last collection' });
  const delayMax = meter.createObservableGauge('nodejs.eventloop.delay.max.seconds', { unit: 's', description: 'Longest event-loop delay since the last collection' });
  const uptime = meter.createObservableGauge('process.uptime.seconds', { unit: 's', description: 'Seconds since the process started' });
  meter.addBatchObservableCallback(
    (result) => {
      const usage = process.cpuUsage();
      result.observe(cpu, usage.user / 1e6, { 'cpu.mode': 'user' });
      result.observe(cpu, usage.system / 1e6, { 'cpu.mode': 'system' });
      const mem = process.memoryUsage();
      result.observe(memory, mem.rss);
      result.observe(heap, mem.heapUsed);
      result.observe(heapLimit, mem.heapTotal);
      result.observe(delay, loopDelay.percentile(99) / 1e9);
      result.observe(delayMax, loopDelay.max / 1e9);
      result.observe(uptime, process.uptime());
      loopDelay.reset();
    },
    [cpu, memory, heap, heapLimit, delay, delayMax, uptime],
  );
  return () => loopDelay.disable();
}

export type { Meter };
