import { EventSource } from 'eventsource';

/** JSON messages as they arrive on a stream, taken in order by `next`, each awaited with a deadline. */
export class MessageQueue {
  private readonly items: any[] = [];
  private waiter?: () => void;
  ended = false;

  push(item: any): void {
    this.items.push(item);
    this.waiter?.();
  }

  end(): void {
    this.ended = true;
    this.waiter?.();
  }

  async next(ms = 5000): Promise<any> {
    const deadline = Date.now() + ms;
    while (this.items.length === 0) {
      if (this.ended) throw new Error('the stream ended');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no message in time');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
    return this.items.shift();
  }

  /** Resolves once the stream has ended, after its remaining messages were taken or not. */
  async closed(ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!this.ended) {
      if (Date.now() > deadline) throw new Error('the stream did not end');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now());
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
  }
}

/** A fetch response's body cut at `separator`, each piece parsed by `parse` into the queue. */
function pieces(response: Response, separator: string, parse: (piece: string) => unknown): MessageQueue {
  const queue = new MessageQueue();
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  const pump = async (): Promise<void> => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffered += decoder.decode(value, { stream: true });
      let cut: number;
      while ((cut = buffered.indexOf(separator)) !== -1) {
        queue.push(parse(buffered.slice(0, cut)));
        buffered = buffered.slice(cut + separator.length);
      }
    }
  };
  pump().then(
    () => queue.end(),
    () => queue.end(),
  );
  return queue;
}

/** A fetch response read as newline-delimited JSON (HTTP streaming). */
export function ndjson(response: Response): MessageQueue {
  return pieces(response, '\n', (line) => JSON.parse(line));
}

/** A fetch response read as server-sent events with names: `{ event, data }`, the data parsed as JSON. */
export function namedEvents(response: Response): MessageQueue {
  return pieces(response, '\n\n', (block) => {
    const field = (name: string) => block.split('\n').find((line) => line.startsWith(`${name}: `))?.slice(name.length + 2);
    return { event: field('event'), data: JSON.parse(field('data') ?? 'null') };
  });
}

/**
 * A plain EventSource (the `eventsource` package, the WHATWG one for Node), its events parsed. It
 * does not reconnect: a stream the server ended ends the queue.
 */
export function eventSource(url: string): { queue: MessageQueue; source: EventSource; status: Promise<number> } {
  const queue = new MessageQueue();
  let status!: (code: number) => void;
  const source = new EventSource(url, {
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      status(response.status);
      return response;
    },
  });
  source.onmessage = (event) => queue.push(JSON.parse(event.data));
  source.onerror = () => {
    source.close();
    queue.end();
  };
  return { queue, source, status: new Promise<number>((resolve) => (status = resolve)) };
}
