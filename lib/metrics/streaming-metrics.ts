import type { OnModuleDestroy } from '@nestjs/common';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Backend } from '../backends/backend.interface.js';
import type { Connection } from '../delivery/connection.interface.js';
import type { EngineMeter } from '../engine/engine-meter.js';
import { NAMESPACE_SEPARATOR } from '../engine/channel-resolver.js';
import { DisconnectCode } from '../protocol/codes.js';
import { StreamingEvents, type StreamingEvent } from '../events/streaming-events.js';
import type { StreamingObserver } from '../events/streaming-observer.interface.js';
import type { ResolvedMetricsOptions } from '../options/resolve-metrics-options.js';
import { meteredBackend, type BackendTimer } from './metered-backend.js';
import { MeteredConnection } from './metered-connection.js';

/** Children bound once per label value: the hot path does one map lookup, never a label-set hash. */
class Bound<Child> {
  private readonly children = new Map<string, Child>();

  constructor(private readonly bind: (label: string) => Child) {}

  of(label: string): Child {
    let child = this.children.get(label);
    if (!child) {
      child = this.bind(label);
      this.children.set(label, child);
    }
    return child;
  }
}

function boundCounter(counter: Counter<string>): Bound<Counter.Internal> {
  return new Bound((label) => counter.labels(label));
}

/** The namespace label of a channel: '' for the top level. Never client input beyond the configured namespaces once resolved. */
function namespaceOf(channel: string): string {
  const sep = channel.indexOf(NAMESPACE_SEPARATOR);
  return sep === -1 ? '' : channel.slice(0, sep);
}

/**
 * The node's Prometheus metrics: an observer of its events (connections, subscriptions, channels,
 * publications) and the engine's meter (commands, refusals, deliveries).
 */
export class StreamingMetrics implements StreamingObserver, EngineMeter, BackendTimer, OnModuleDestroy {
  readonly active = true;
  private readonly connections: Gauge;
  private readonly opened: Bound<Counter.Internal>;
  private readonly closed: Bound<Counter.Internal>;
  private readonly subscriptions: Gauge;
  private readonly channels: Gauge;
  private readonly publications: Bound<Counter.Internal>;
  private readonly deliveries: Bound<Counter.Internal>;
  private readonly refusals: Bound<Counter.Internal>;
  private readonly commands: Bound<Histogram.Internal<string>>;
  private readonly names: string[] = [];
  private readonly sendTimes: Histogram;
  private readonly lowPriorityDrops: Counter.Internal;
  private readonly slowCuts: Counter.Internal;
  private readonly bytesIn: Counter;
  private readonly bytesOut: Counter;
  private readonly backendTimes: Bound<Histogram.Internal<string>>;
  private readonly backendErrors: Bound<Counter.Internal>;

  constructor(private readonly options: ResolvedMetricsOptions) {
    const registers: Registry[] = [options.registry];
    const name = (n: string) => {
      const full = `${options.prefix}streaming_${n}`;
      this.names.push(full);
      return full;
    };
    this.connections = new Gauge({ name: name('connections'), help: 'Connected clients on this node.', registers });
    this.opened = boundCounter(
      new Counter({ name: name('connections_opened_total'), help: 'Connections that completed connect, by transport.', labelNames: ['transport'], registers }),
    );
    this.closed = boundCounter(
      new Counter({ name: name('connections_closed_total'), help: 'Connected clients that went away, by disconnect code.', labelNames: ['code'], registers }),
    );
    this.subscriptions = new Gauge({ name: name('subscriptions'), help: 'Channel subscriptions on this node.', registers });
    this.channels = new Gauge({ name: name('channels'), help: 'Channels with at least one subscriber on this node.', registers });
    this.publications = boundCounter(
      new Counter({ name: name('publications_total'), help: 'Publications sent from this node, by namespace.', labelNames: ['namespace'], registers }),
    );
    this.deliveries = boundCounter(
      new Counter({ name: name('deliveries_total'), help: 'Publications queued to subscribers on this node, by namespace.', labelNames: ['namespace'], registers }),
    );
    this.refusals = boundCounter(
      new Counter({ name: name('refusals_total'), help: 'Commands answered with a protocol error, by code.', labelNames: ['code'], registers }),
    );
    const commands = new Histogram({
      name: name('command_duration_seconds'),
      help: 'Time from a command taken to its reply, by command.',
      labelNames: ['command'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.commands = new Bound((command) => commands.labels(command));
    this.sendTimes = new Histogram({
      name: name('publication_send_duration_seconds'),
      help: 'Time from the node taking a publication from the broker to its frames written to every subscriber socket.',
      buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    });
    const dropped = new Counter({
      name: name('messages_dropped_total'),
      help: 'Messages not delivered: low_priority (dropped for a full socket), slow_cut (connections cut as slow, with what they had queued).',
      labelNames: ['reason'],
      registers,
    });
    this.lowPriorityDrops = dropped.labels('low_priority');
    this.slowCuts = dropped.labels('slow_cut');
    // Both reasons show from the first scrape, so a rate() over them has a start.
    this.lowPriorityDrops.inc(0);
    this.slowCuts.inc(0);
    this.bytesIn = new Counter({ name: name('received_bytes_total'), help: 'Bytes of client frames received.', registers });
    this.bytesOut = new Counter({ name: name('sent_bytes_total'), help: 'Bytes of frames sent to clients.', registers });
    const backendTimes = new Histogram({
      name: name('backend_operation_duration_seconds'),
      help: 'Time the backend took for an operation, by operation.',
      labelNames: ['operation'],
      buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    });
    this.backendTimes = new Bound((operation) => backendTimes.labels(operation));
    this.backendErrors = boundCounter(
      new Counter({ name: name('backend_errors_total'), help: 'Backend operations that failed, by operation.', labelNames: ['operation'], registers }),
    );
    new Gauge({ name: name('nodes'), help: 'Nodes this node knows of (the memory backend knows only itself).', registers }).set(1);
  }

  /** Takes the metrics out of the registry, so that an app created again in the process can register them. */
  onModuleDestroy(): void {
    for (const name of this.names) this.options.registry.removeSingleMetric(name);
  }

  observe(event: StreamingEvent): void {
    switch (event.name) {
      case StreamingEvents.Connected:
        this.connections.inc();
        this.opened.of(event.payload.transport).inc();
        break;
      case StreamingEvents.Disconnected:
        this.connections.dec();
        this.closed.of(String(event.payload.code)).inc();
        if (event.payload.code === DisconnectCode.Slow) this.slowCuts.inc();
        break;
      case StreamingEvents.Subscribed:
        this.subscriptions.inc();
        break;
      case StreamingEvents.Unsubscribed:
        this.subscriptions.dec();
        break;
      case StreamingEvents.ChannelOccupied:
        this.channels.inc();
        break;
      case StreamingEvents.ChannelVacated:
        this.channels.dec();
        break;
      case StreamingEvents.Published:
        this.publications.of(namespaceOf(event.payload.channel)).inc();
        break;
    }
  }

  commandDone(method: string, seconds: number): void {
    this.commands.of(method).observe(seconds);
  }

  refused(code: number): void {
    this.refusals.of(String(code)).inc();
  }

  delivered(channel: string, count: number): void {
    this.deliveries.of(namespaceOf(channel)).inc(count);
  }

  sent(seconds: number): void {
    this.sendTimes.observe(seconds);
  }

  droppedLowPriority(): void {
    this.lowPriorityDrops.inc();
  }

  received(bytes: number): void {
    this.bytesIn.inc(bytes);
  }

  meterConnection(connection: Connection): Connection {
    return new MeteredConnection(connection, (bytes) => this.bytesOut.inc(bytes));
  }

  meterBackend(backend: Backend): Backend {
    return meteredBackend(backend, this);
  }

  done(operation: string, seconds: number, failed: boolean): void {
    this.backendTimes.of(operation).observe(seconds);
    if (failed) this.backendErrors.of(operation).inc();
  }
}
