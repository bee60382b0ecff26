// The dashboard's page: polls `overview`, runs actions through `api/<method>` (the server HTTP API's
// methods) and tails a channel over server-sent events. Paths are relative to <base href>.
const $ = (id) => document.getElementById(id);
const POLL_MS = 2000;
let pollTimer;
let tail;
let previous; // { at, counts: Map<channel, publications> } of the last poll, for rates

function showError(message) {
  $('error-text').textContent = message;
  $('error').hidden = false;
}
function clearError() {
  $('error').hidden = true;
  $('error-text').textContent = '';
}

async function request(path, body) {
  const init = body === undefined ? {} : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
  const res = await fetch(path, init);
  const reply = await res.json().catch(() => ({}));
  if (res.status === 401 && path !== 'login') {
    showLogin();
    throw new Error('Your session ended: log in again.');
  }
  if (!res.ok) throw new Error(reply.error ?? `${res.status} ${res.statusText}`);
  return reply;
}

/** A server API method; its `error` (Centrifugo's {code, message}) becomes an exception. */
async function api(method, params) {
  const reply = await request(`api/${method}`, params);
  if (reply.error) throw new Error(`${method}: ${reply.error.message} (${reply.error.code})`);
  return reply.result;
}

function action(fn) {
  return async (event) => {
    event?.preventDefault();
    try {
      clearError();
      await fn(event);
    } catch (err) {
      showError(err.message);
    }
  };
}

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}
function button(label, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.addEventListener('click', action(onClick));
  return b;
}

function renderNode(node) {
  const rows = [
    ['Name', node.name], ['Uptime', `${node.uptimeSeconds} s`], ['Clients', node.numClients], ['Users', node.numUsers],
    ['Channels', node.numChannels], ['Subscriptions', node.numSubscriptions], ['Queued bytes', node.queuedBytes], ['Dropped messages', node.droppedMessages],
  ];
  $('node-stats').replaceChildren(...rows.flatMap(([k, v]) => {
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    dd.textContent = String(v);
    dd.dataset.stat = k;
    return [dt, dd];
  }));
}

function renderNodes(nodes) {
  $('nodes').replaceChildren(...nodes.map((n) => {
    const tr = document.createElement('tr');
    tr.dataset.node = n.uid;
    tr.append(cell(n.name), cell(n.uid.slice(0, 8)), cell(String(n.numClients), 'num'), cell(String(n.numUsers), 'num'), cell(String(n.numChannels), 'num'), cell(`${n.uptime} s`, 'num'));
    return tr;
  }));
}

function renderChannels(channels) {
  const now = performance.now();
  const counts = new Map(channels.map((c) => [c.channel, c.publications]));
  $('channels').replaceChildren(...channels.map(({ channel, subscribers, publications }) => {
    const before = previous?.counts.get(channel);
    const rate = before === undefined ? '–' : ((publications - before) / ((now - previous.at) / 1000)).toFixed(1);
    const tr = document.createElement('tr');
    tr.dataset.channel = channel;
    const actions = document.createElement('td');
    actions.append(button('Tail', () => startTail(channel)), ' ', button('Presence', () => showPresence(channel)));
    tr.append(cell(channel), cell(String(subscribers), 'num'), cell(rate, 'num'), actions);
    return tr;
  }));
  previous = { at: now, counts };
}

function renderConnections(connections) {
  $('connections').replaceChildren(...connections.map((c) => {
    const tr = document.createElement('tr');
    tr.dataset.client = c.client;
    const actions = document.createElement('td');
    actions.append(button('Disconnect user', async () => {
      if (!confirm(`Disconnect every connection of ${c.user || 'this anonymous client'}?`)) return;
      await api('disconnect', c.user ? { user: c.user } : { user: '', client: c.client });
      await poll();
    }));
    for (const channel of c.channels) {
      actions.append(' ', button(`Unsubscribe from ${channel}`, async () => {
        await api('unsubscribe', { user: c.user, channel, client: c.client });
        await poll();
      }));
    }
    tr.append(cell(c.user || '(anonymous)'), cell(c.client), cell(c.transport), cell(c.ip), cell(c.channels.join(', ')), actions);
    return tr;
  }));
}

async function poll() {
  const overview = await request('overview');
  renderNode(overview.node);
  renderNodes(overview.nodes);
  renderChannels(overview.channels);
  renderConnections(overview.connections);
  $('truncated').hidden = !overview.truncated;
}

function startPolling() {
  clearInterval(pollTimer);
  pollTimer = setInterval(() => poll().catch((err) => showError(err.message)), POLL_MS);
  return poll();
}

function startTail(channel) {
  tail?.close();
  $('tail').replaceChildren();
  $('tail-channel').textContent = channel;
  $('tail-box').hidden = false;
  tail = new EventSource(`tail?channel=${encodeURIComponent(channel)}`);
  const add = (kind) => (event) => {
    const li = document.createElement('li');
    li.className = kind;
    li.textContent = kind === 'publication' ? event.data : `${kind}: ${event.data}`;
    $('tail').append(li);
    li.scrollIntoView({ block: 'nearest' });
  };
  for (const kind of ['publication', 'join', 'leave']) tail.addEventListener(kind, add(kind));
  tail.addEventListener('ready', () => { $('tail-box').dataset.ready = 'true'; });
  tail.onerror = () => showError(`The tail of ${channel} was interrupted; it reconnects by itself.`);
}

function stopTail() {
  tail?.close();
  tail = undefined;
  $('tail-box').hidden = true;
  delete $('tail-box').dataset.ready;
}

async function showPresence(channel) {
  const { presence } = await api('presence', { channel });
  $('presence-channel').textContent = channel;
  $('presence').replaceChildren(...Object.values(presence).map((info) => {
    const li = document.createElement('li');
    li.textContent = `${info.user || '(anonymous)'} · ${info.client}`;
    return li;
  }));
  $('presence-box').hidden = false;
}

function showLogin() {
  clearInterval(pollTimer);
  stopTail();
  $('dashboard').hidden = true;
  $('logout').hidden = true;
  $('login').hidden = false;
  $('password').focus();
}

async function showDashboard() {
  $('login').hidden = true;
  $('denied').hidden = true;
  $('dashboard').hidden = false;
  await startPolling();
}

async function start() {
  const session = await request('session');
  $('logout').hidden = !session.login || !session.operator;
  if (session.operator) return showDashboard();
  if (session.login) return showLogin();
  $('denied').hidden = false;
}

$('error-close').addEventListener('click', clearError);
$('login').addEventListener('submit', action(async () => {
  await request('login', { password: $('password').value });
  $('password').value = '';
  $('logout').hidden = false;
  await showDashboard();
}));
$('logout').addEventListener('click', action(async () => {
  await request('logout', {});
  showLogin();
}));
$('publish').addEventListener('submit', action(async () => {
  let data;
  try {
    data = JSON.parse($('publish-data').value);
  } catch {
    throw new Error('Data must be JSON.');
  }
  const result = await api('publish', { channel: $('publish-channel').value.trim(), data });
  $('publish-result').textContent = result.offset ? `published at offset ${result.offset}` : 'published';
}));
$('tail-stop').addEventListener('click', stopTail);
$('presence-close').addEventListener('click', () => { $('presence-box').hidden = true; });
start().catch((err) => showError(err.message));
