// Server-sent events over fetch(): EventSource cannot send the X-Api-Key header, so the page reads the stream itself,
// parses it as the HTML standard describes, and reconnects with Last-Event-ID so nothing is missed.

/** An incremental text/event-stream parser: push() chunks of text, get back the complete messages. */
export class EventStreamParser {
  constructor() {
    this.buffer = '';
    this.data = [];
    this.event = '';
    this.idBuffer = null;
    this.lastEventId = null;
    this.retry = null;
  }

  /** Returns the messages completed by this chunk: { id, event, data }. */
  push(chunk) {
    this.buffer += chunk;
    const messages = [];
    let start = 0;
    for (;;) {
      const lf = this.buffer.indexOf('\n', start);
      const cr = this.buffer.indexOf('\r', start);
      let end = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
      if (end < 0) break;
      // A CR at the very end may be the first half of a CRLF still on its way.
      if (end === cr && cr === this.buffer.length - 1) break;
      const line = this.buffer.slice(start, end);
      start = end + (end === cr && this.buffer[cr + 1] === '\n' ? 2 : 1);
      const message = this.line(line);
      if (message) messages.push(message);
    }
    this.buffer = this.buffer.slice(start);
    return messages;
  }

  line(line) {
    if (line === '') {
      // The id is the stream's position even without data: a server may send "id: n" alone to say where it started.
      this.lastEventId = this.idBuffer;
      const message = this.data.length > 0
        ? { id: this.lastEventId, event: this.event || 'message', data: this.data.join('\n') }
        : null;
      this.data = [];
      this.event = '';
      return message;
    }
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id' && !value.includes('\0')) this.idBuffer = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retry = Number(value);
    return null;
  }
}

/**
 * Follows an event stream until stop() is called: reconnects after an error, an end of stream or a silence longer
 * than silenceMs (the server sends keep-alive comments), each time with the last id seen as Last-Event-ID.
 * state(name) reports 'connecting', 'live', 'reconnecting', 'unavailable' (404) and 'off'.
 */
export function follow(url, { headers, onMessage, onState, onUnauthorized, lastEventId = null, silenceMs = 60000 }) {
  let stopped = false;
  let attempt = null;
  let lastId = lastEventId;
  let failures = 0;
  let retryMs = 1000;
  let wake = null;

  const pause = (ms) => new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    wake = () => { clearTimeout(timer); resolve(); };
  });

  async function connectOnce() {
    attempt = new AbortController();
    const requestHeaders = headers({ Accept: 'text/event-stream' });
    if (lastId !== null) requestHeaders['Last-Event-ID'] = lastId;
    const response = await fetch(url, { headers: requestHeaders, cache: 'no-store', signal: attempt.signal });
    if (response.status === 401) {
      stopped = true;
      onUnauthorized();
      return 'stop';
    }
    if (response.status === 404) return 'unavailable';
    if (!response.ok || !response.body) return 'error';

    onState('live');
    const parser = new EventStreamParser();
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let watchdog = setTimeout(() => attempt.abort(), silenceMs);
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return 'ended';
        clearTimeout(watchdog);
        watchdog = setTimeout(() => attempt.abort(), silenceMs);
        failures = 0;
        for (const message of parser.push(value)) onMessage(message);
        if (parser.lastEventId !== null) lastId = parser.lastEventId;
        if (parser.retry !== null) retryMs = parser.retry;
      }
    } finally {
      clearTimeout(watchdog);
    }
  }

  (async () => {
    onState('connecting');
    while (!stopped) {
      let outcome;
      try {
        outcome = await connectOnce();
      } catch {
        outcome = 'error';
      }
      if (stopped || outcome === 'stop') break;
      if (outcome === 'unavailable') {
        onState('unavailable');
        await pause(30000);
        continue;
      }
      onState('reconnecting');
      failures += 1;
      await pause(Math.min(retryMs * 2 ** Math.max(0, failures - 1), 15000));
    }
    onState('off');
  })();

  return {
    stop() {
      stopped = true;
      attempt?.abort();
      wake?.();
    },
    get lastEventId() {
      return lastId;
    },
  };
}
