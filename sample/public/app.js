// The chat page: the official centrifuge SDK (window.Centrifuge, from /vendor/centrifuge.js) against
// the sample server. Tokens come from the development-only GET /dev/token and /dev/sub-token. Rooms,
// direct messages, statuses, typing, edits, reactions and read positions use the module's built-in
// rpcs (`typing`, `presence.*`, `message.*`) and the sample's own (`rooms.*`, `dm.open`).
const $ = (id) => document.getElementById(id);
const NAME_KEY = 'streaming-sample-name';
const setStatus = (text) => { $('status').textContent = text; };

function showError(err) {
  $('error-text').textContent = err.message ?? String(err);
  $('error').hidden = false;
}
function clearError() {
  $('error').hidden = true;
  $('error-text').textContent = '';
}
/** Runs an action from the page: its failure is shown, its success clears an earlier one. */
const attempt = (fn) => async (...args) => {
  try {
    await fn(...args);
    clearError();
  } catch (err) {
    showError(err);
  }
};

const rooms = new Map();
let current;
let me;
let centrifuge;
/** What the composer does next: a plain message, a reply (`{ reply: id }`) or an edit (`{ edit: id }`). */
let mode = {};
let typingSentAt = 0;

async function fetchToken(path) {
  const res = await fetch(path);
  // Without the dev endpoints (a real secret is set) retrying cannot help: UnauthorizedError stops the SDK.
  if (res.status === 404) throw new Centrifuge.UnauthorizedError('no /dev tokens here: use npm run sample:token');
  if (!res.ok) throw new Error(`token request failed with ${res.status}`);
  return (await res.json()).token;
}

const rpc = async (method, data) => (await centrifuge.rpc(method, data)).data;
const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
};

// ---- messages -------------------------------------------------------------------------------

function button(label, className, onClick) {
  const b = el('button', { type: 'button', textContent: label, className });
  b.addEventListener('click', attempt(onClick));
  return b;
}

function renderReactions(room, li, reactions) {
  const box = li.querySelector('.reactions');
  box.replaceChildren(
    ...Object.entries(reactions)
      .filter(([, count]) => count > 0)
      .map(([emoji, count]) => button(`${emoji} ${count}`, 'reaction', () => react(room, li.dataset.id, emoji))),
  );
}

function addMessage(room, { data, tags, offset }) {
  const id = tags?.id ?? `offset-${offset}`;
  if (room.messages.has(id)) return false;
  const li = el('li');
  li.dataset.id = id;
  li.dataset.offset = offset ?? '';
  if (data.user === me) li.classList.add('mine');
  if (tags?.thread) {
    li.classList.add('reply');
    const parent = room.messages.get(tags.thread);
    li.append(el('span', { className: 'quote', textContent: `↳ ${parent?.querySelector('.text')?.textContent ?? 'an earlier message'}` }));
  }
  const actions = el('span', { className: 'actions' }, button('👍', 'react', () => react(room, id, '👍')), button('Reply', 'reply', () => startReply(room, id)));
  if (data.user === me) actions.append(button('Edit', 'edit', () => startEdit(room, id)), button('Delete', 'delete', () => remove(room, id)));
  // A room's owner and moderators may delete anyone's message (the server checks again).
  else if (room.moderate) actions.append(button('Delete', 'delete', () => remove(room, id)));
  li.append(
    el('strong', { textContent: data.user }),
    el('time', { textContent: new Date(data.at ?? Date.now()).toLocaleTimeString() }),
    el('span', { className: 'text', textContent: data.text ?? JSON.stringify(data) }),
    el('span', { className: 'edited', textContent: '(edited)', hidden: true }),
    el('span', { className: 'reactions' }),
    actions,
  );
  room.messages.set(id, li);
  room.list.append(li);
  room.list.scrollTop = room.list.scrollHeight;
  return true;
}

function systemLine(room, text) {
  room.list.append(el('li', { className: 'system', textContent: text }));
}

/** One publication of a room, whatever its type; `live` ones count as unread and as news. */
function apply(room, pub, live) {
  const { data, tags } = pub;
  switch (tags?.type) {
    case 'edit': {
      const li = room.messages.get(data.id);
      if (!li) return;
      li.querySelector('.text').textContent = data.data.text;
      li.querySelector('.edited').hidden = false;
      return;
    }
    case 'delete': {
      const li = room.messages.get(data.id);
      if (!li) return;
      li.classList.add('deleted');
      li.querySelector('.text').textContent = 'message deleted';
      li.querySelector('.edited').hidden = true;
      li.querySelector('.actions').remove();
      li.querySelector('.reactions').replaceChildren();
      return;
    }
    case 'reaction': {
      const li = room.messages.get(data.id);
      if (!li) return;
      const counts = Object.fromEntries([...li.querySelectorAll('.reaction')].map((b) => b.textContent.split(' ')));
      renderReactions(room, li, { ...Object.fromEntries(Object.entries(counts).map(([e, c]) => [e, Number(c)])), [data.emoji]: data.count });
      return;
    }
    case 'typing':
      if (live && data.user !== me) setTyping(room, data.user, data.typing);
      return;
    case 'presence':
      if (live) refreshOnline(room).catch(showError);
      return;
    case 'member':
      systemLine(room, `${data.user} was ${data.action}${data.by ? ` by ${data.by}` : ''}`);
      if (live && room === current) refreshOnline(room).catch(showError);
      return;
    case 'read':
      return;
    default:
      if (!addMessage(room, pub) || !live) return;
      setTyping(room, data.user, false);
      if (room === current) markRead(room).catch(showError);
      else if (data.user !== me) setBadge(room, room.unread + 1);
  }
}

async function react(room, id, emoji) {
  const mine = room.messages.get(id)?.dataset[`reacted${emoji.codePointAt(0)}`] === 'yes';
  await rpc('message.react', { channel: room.channel, id, emoji, remove: mine });
  room.messages.get(id).dataset[`reacted${emoji.codePointAt(0)}`] = mine ? 'no' : 'yes';
}

async function remove(room, id) {
  await rpc('message.delete', { channel: room.channel, id });
}

function setMode(next, label) {
  mode = next;
  $('compose-mode').hidden = !label;
  $('compose-mode-text').textContent = label ?? '';
}

function startReply(room, id) {
  setMode({ reply: id }, `Replying to ${room.messages.get(id).querySelector('strong').textContent}`);
  $('text').focus();
}

function startEdit(room, id) {
  setMode({ edit: id }, 'Editing your message');
  $('text').value = room.messages.get(id).querySelector('.text').textContent;
  $('text').focus();
  updateComposer();
}

// ---- rooms, unread, typing, presence --------------------------------------------------------

function setBadge(room, count) {
  room.unread = count;
  room.badge.textContent = count > 0 ? String(count) : '';
}

async function markRead(room) {
  const last = [...room.messages.values()].map((li) => Number(li.dataset.offset)).filter(Number.isFinite).at(-1);
  setBadge(room, 0);
  if (last && room.messages.size > 0 && room.readable) await rpc('message.read', { channel: room.channel, offset: last });
}

function setTyping(room, user, typing) {
  clearTimeout(room.typing.get(user));
  room.typing.delete(user);
  // The server ends typing by itself; this is only in case that message is lost.
  if (typing) room.typing.set(user, setTimeout(() => setTyping(room, user, false), 10_000));
  if (room === current) renderTyping();
}

function renderTyping() {
  const users = [...(current?.typing.keys() ?? [])];
  $('typing').textContent = users.length === 0 ? '' : `${users.join(', ')} ${users.length === 1 ? 'is' : 'are'} typing…`;
}

const lastSeen = (at) => (at ? `last seen ${new Date(at).toLocaleString()}` : 'never seen');

/** Who is here: in a room with members every member (offline ones with their last seen), elsewhere the subscribers. */
async function refreshOnline(room) {
  if (room.sub.state !== 'subscribed') return;
  const [{ clients }, { members = [] }] = await Promise.all([room.sub.presence(), room.managed ? rpc('rooms.members', { channel: room.channel }) : {}]);
  const users = [...new Set([...Object.values(clients).map((c) => c.user), ...members.map((m) => m.user)])].sort();
  const { statuses } = users.length ? await rpc('presence.get', { users }) : { statuses: {} };
  if (room !== current) return;
  $('people-title').textContent = room.managed ? 'Members' : 'Online';
  $('online').replaceChildren(
    ...users.map((user) => {
      const { status = 'online', text = '', lastSeen: at } = statuses[user] ?? {};
      const detail = status === 'offline' ? lastSeen(at) : text;
      const li = el('li', { title: detail ? `${status}: ${detail}` : status }, el('span', { className: `dot ${status}` }), user);
      if (detail) li.append(el('small', { className: 'seen', textContent: detail }));
      li.dataset.user = user;
      li.dataset.status = status;
      return li;
    }),
  );
  await showPeer(room);
}

/** In a direct room: the other user's status, with the time they were last seen when offline. */
async function showPeer(room) {
  const peer = room.channel.startsWith('dm:#') ? room.channel.slice(4).split(',').find((u) => u !== me) : undefined;
  if (!peer) {
    $('room-peer').textContent = '';
    return;
  }
  const { statuses } = await rpc('presence.get', { users: [peer] });
  const { status, lastSeen: seenAt } = statuses[peer];
  if (room !== current) return;
  $('room-peer').textContent = status === 'offline' ? `offline, ${lastSeen(seenAt)}` : status;
  $('room-peer').dataset.status = status;
}

function updateComposer() {
  const ready = current?.sub.state === 'subscribed';
  $('text').disabled = !ready;
  $('send').disabled = !ready || $('text').value.trim() === '';
}

function show(room) {
  current = room;
  for (const other of rooms.values()) {
    other.list.hidden = other !== room;
    other.button.classList.toggle('active', other === room);
  }
  $('room-title').textContent = room.label;
  $('invite-form').hidden = !room.managed;
  $('online').replaceChildren();
  $('room-peer').textContent = '';
  setMode({});
  renderTyping();
  updateComposer();
  if (room.sub.state === 'subscribed') {
    refreshOnline(room).catch(showError);
    markRead(room).catch(showError);
  }
}

async function loadHistory(room) {
  const { publications } = await room.sub.history({ limit: 100, reverse: true });
  // Newest first from the server: replayed oldest first, so edits and reactions find their message.
  for (const pub of publications.reverse()) apply(room, pub, false);
}

/** Subscribes to a room once and lists it; `options` carries getToken for channels that need one. */
function openRoom(channel, label, { unread = 0, managed = false, moderate = false, readable = true, ...options } = {}) {
  if (rooms.has(channel)) return rooms.get(channel);
  const list = el('ol', { hidden: true });
  list.dataset.channel = channel;
  $('messages').append(list);
  const badge = el('span', { className: 'badge' });
  const roomButton = el('button', { type: 'button' }, el('span', { textContent: label }), badge);
  roomButton.dataset.channel = channel;
  $('rooms').append(roomButton);
  const room = { channel, label, list, badge, button: roomButton, managed, moderate, readable, unread: 0, messages: new Map(), typing: new Map() };
  room.sub = centrifuge.newSubscription(channel, options);
  rooms.set(channel, room);
  setBadge(room, unread);
  roomButton.addEventListener('click', () => show(room));

  room.sub.on('subscribed', attempt(async (ctx) => {
    if (room === current) updateComposer();
    // A recovered subscription gets what it missed as publications; otherwise fill in from history.
    if (!ctx.recovered) await loadHistory(room);
    if (room === current) {
      await refreshOnline(room);
      await markRead(room);
    }
  }));
  room.sub.on('unsubscribed', (ctx) => {
    if (room === current) updateComposer();
    setStatus(`left ${label}: ${ctx.reason}`);
  });
  room.sub.on('publication', (ctx) => apply(room, ctx, true));
  const online = () => room === current && refreshOnline(room).catch(showError);
  room.sub.on('join', online);
  room.sub.on('leave', online);
  room.sub.subscribe();
  return room;
}

const roomLabel = (room) => `${room.private ? '🔒' : '#'} ${room.name}`;
const dmLabel = (channel) => `@ ${channel.slice(4).split(',').find((u) => u !== me) ?? me}`;

async function loadRooms() {
  const { rooms: mine } = await rpc('rooms.list', {});
  for (const room of mine) {
    const dm = room.channel.startsWith('dm:');
    openRoom(room.channel, dm ? dmLabel(room.channel) : roomLabel(room), { unread: room.unread, managed: !dm, moderate: room.moderate });
  }
  const { unread } = await rpc('message.unread', { channels: ['chat:general'] });
  setBadge(rooms.get('chat:general'), current === rooms.get('chat:general') ? 0 : unread['chat:general']);
}

// ---- joining --------------------------------------------------------------------------------

function join(name) {
  me = name;
  localStorage.setItem(NAME_KEY, name);
  $('join-form').hidden = true;
  $('me').hidden = false;
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  // WebSocket first; where a proxy or network blocks it, the SDK moves on down the list.
  const transports = [
    { transport: 'websocket', endpoint: `${scheme}://${location.host}/connection/websocket` },
    { transport: 'http_stream', endpoint: `${location.origin}/connection/http_stream` },
    { transport: 'sse', endpoint: `${location.origin}/connection/sse` },
  ];
  centrifuge = new Centrifuge(transports, {
    emulationEndpoint: `${location.origin}/emulation`,
    getToken: () => fetchToken(`/dev/token?user=${encodeURIComponent(name)}`),
  });
  centrifuge.on('connecting', (ctx) => setStatus(`connecting (${ctx.reason})…`));
  centrifuge.on('disconnected', (ctx) => setStatus(`disconnected: ${ctx.reason}`));
  let listed = false;
  centrifuge.on('connected', attempt(async () => {
    setStatus(`connected as ${name}`);
    if (listed) return;
    listed = true;
    await loadRooms();
    const { statuses } = await rpc('presence.get', { users: [me] });
    $('my-status').value = statuses[me].status === 'offline' ? 'online' : statuses[me].status;
  }));

  show(openRoom('chat:general', '# general'));
  // team:* is private: each subscription asks the app for a token, and again when it expires.
  openRoom('team:core', 'team core (private)', {
    readable: false,
    getToken: (ctx) => fetchToken(`/dev/sub-token?user=${encodeURIComponent(name)}&channel=${encodeURIComponent(ctx.channel)}`),
  });

  // Only this user reads personal:#<name>: the server tells here who started a conversation or added them to a room.
  const inbox = centrifuge.newSubscription(`personal:#${name}`);
  inbox.on('publication', ({ data }) => {
    if (rooms.has(data.channel)) return;
    if (data.type === 'dm') setBadge(openRoom(data.channel, dmLabel(data.channel)), 1);
    if (data.type === 'room') openRoom(data.channel, roomLabel(data), { managed: true });
  });
  inbox.subscribe();

  const announcements = centrifuge.newSubscription('public:announcements');
  announcements.on('publication', ({ data }) => {
    $('announcement').textContent = `📣 ${data.user}: ${data.text}`;
    $('announcement').hidden = false;
  });
  announcements.subscribe();
  for (const id of ['dm-name', 'dm-open', 'room-name', 'room-members', 'room-private', 'room-create']) $(id).disabled = false;
  centrifuge.connect();
}

$('send-form').addEventListener('submit', attempt(async (event) => {
  event.preventDefault();
  const text = $('text').value.trim();
  // An empty message is not sent: the button is disabled, and Enter does nothing.
  if (!text) return;
  if (mode.edit) await rpc('message.edit', { channel: current.channel, id: mode.edit, data: { text } });
  else await current.sub.publish(mode.reply ? { text, thread: mode.reply } : { text });
  // What was typed while the message was on its way is the next message: it stays.
  if ($('text').value.trim() === text) $('text').value = '';
  setMode({});
  updateComposer();
  typingSentAt = 0;
  await rpc('typing', { channel: current.channel, typing: false });
}));

$('text').addEventListener('input', () => {
  updateComposer();
  // The server throttles too; this keeps the page from asking on every keystroke.
  if (!$('text').value.trim() || mode.edit || Date.now() - typingSentAt < 1000) return;
  typingSentAt = Date.now();
  rpc('typing', { channel: current.channel }).catch(() => {});
});

$('compose-cancel').addEventListener('click', () => {
  if (mode.edit) $('text').value = '';
  setMode({});
  updateComposer();
});

$('dm-form').addEventListener('submit', attempt(async (event) => {
  event.preventDefault();
  const other = $('dm-name').value.trim();
  if (!other || other === me) return;
  const { channel } = await rpc('dm.open', { user: other });
  $('dm-name').value = '';
  show(openRoom(channel, dmLabel(channel)));
}));

$('room-form').addEventListener('submit', attempt(async (event) => {
  event.preventDefault();
  const members = $('room-members').value.split(',').map((m) => m.trim()).filter(Boolean);
  const room = await rpc('rooms.create', { name: $('room-name').value, private: $('room-private').checked, members });
  $('room-name').value = $('room-members').value = '';
  show(openRoom(room.channel, roomLabel(room), { managed: true, moderate: room.moderate }));
}));

$('invite-form').addEventListener('submit', attempt(async (event) => {
  event.preventDefault();
  await rpc('rooms.addMember', { channel: current.channel, user: $('invite-name').value.trim() });
  $('invite-name').value = '';
}));

$('my-status').addEventListener('change', attempt(() => rpc('presence.status', { status: $('my-status').value })));
$('error-close').addEventListener('click', clearError);
$('logout').addEventListener('click', () => {
  localStorage.removeItem(NAME_KEY);
  centrifuge?.disconnect();
  location.reload();
});

$('join-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const name = $('name').value.trim();
  if (!name) return;
  $('name').disabled = $('join').disabled = true;
  join(name);
});

// A reload keeps the user logged in: rooms, unread counts and direct messages come back from the server.
const remembered = localStorage.getItem(NAME_KEY);
if (remembered) join(remembered);
