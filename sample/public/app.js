// The chat page: the official centrifuge SDK (window.Centrifuge, from /vendor/centrifuge.js) against
// the sample server. Tokens come from the development-only GET /dev/token and /dev/sub-token.
const $ = (id) => document.getElementById(id);
const setStatus = (text) => { $('status').textContent = text; };
const showError = (err) => setStatus(`error: ${err.message}`);

/** Rooms by channel: general chat, private team rooms and direct messages, one subscription each. */
const rooms = new Map();
let current;
let me;
let centrifuge;

async function fetchToken(path) {
  const res = await fetch(path);
  // Without the dev endpoints (a real secret is set) retrying cannot help: UnauthorizedError stops the SDK.
  if (res.status === 404) throw new Centrifuge.UnauthorizedError('no /dev tokens here: use npm run sample:token');
  if (!res.ok) throw new Error(`token request failed with ${res.status}`);
  return (await res.json()).token;
}

function addMessage(room, { offset, data }) {
  // History and live publications may overlap: the offset says whether we have it, and where it goes.
  if (room.list.querySelector(`[data-offset="${offset}"]`)) return;
  const li = document.createElement('li');
  li.dataset.offset = offset;
  const user = Object.assign(document.createElement('strong'), { textContent: data.user });
  const time = Object.assign(document.createElement('time'), { textContent: new Date(data.at).toLocaleTimeString() });
  li.append(user, time, data.text);
  const next = [...room.list.children].find((el) => Number(el.dataset.offset) > offset);
  room.list.insertBefore(li, next ?? null);
  room.list.scrollTop = room.list.scrollHeight;
  if (room !== current) room.button.classList.add('unread');
}

async function loadHistory(room) {
  const { publications } = await room.sub.history({ limit: 50, reverse: true });
  publications.forEach((pub) => addMessage(room, pub));
}

async function refreshOnline(room) {
  const { clients } = await room.sub.presence();
  if (room !== current) return;
  const users = [...new Set(Object.values(clients).map((c) => c.user))].sort();
  $('online').replaceChildren(...users.map((user) => Object.assign(document.createElement('li'), { textContent: user })));
}

function updateComposer() {
  $('text').disabled = $('send').disabled = current?.sub.state !== 'subscribed';
}

function show(room) {
  current = room;
  for (const other of rooms.values()) {
    other.list.hidden = other !== room;
    other.button.classList.toggle('active', other === room);
  }
  room.button.classList.remove('unread');
  $('room-title').textContent = room.label;
  $('online').replaceChildren();
  updateComposer();
  if (room.sub.state === 'subscribed') refreshOnline(room).catch(showError);
}

/** Subscribes to a room once and lists it; `options` carries getToken for channels that need one. */
function openRoom(channel, label, options = {}) {
  if (rooms.has(channel)) return rooms.get(channel);
  const list = Object.assign(document.createElement('ol'), { hidden: true });
  list.dataset.channel = channel;
  $('messages').append(list);
  const button = Object.assign(document.createElement('button'), { type: 'button', textContent: label });
  button.dataset.channel = channel;
  $('rooms').append(button);
  const room = { channel, label, list, button, sub: centrifuge.newSubscription(channel, options) };
  rooms.set(channel, room);
  button.addEventListener('click', () => show(room));

  room.sub.on('subscribed', async (ctx) => {
    if (room === current) updateComposer();
    try {
      // A recovered subscription gets what it missed as publications; otherwise fill in from history.
      if (!ctx.recovered) await loadHistory(room);
      await refreshOnline(room);
    } catch (err) {
      showError(err);
    }
  });
  room.sub.on('unsubscribed', (ctx) => {
    if (room === current) updateComposer();
    setStatus(`left ${label}: ${ctx.reason}`);
  });
  room.sub.on('publication', (ctx) => addMessage(room, ctx));
  const online = () => room === current && refreshOnline(room).catch(showError);
  room.sub.on('join', online);
  room.sub.on('leave', online);
  room.sub.subscribe();
  return room;
}

/** The direct-message channel of two users: `#` lists who may read and write it, names sorted so both agree. */
function dmChannel(a, b) {
  return `dm:#${[a, b].sort().join(',')}`;
}

function openDm(other) {
  return openRoom(dmChannel(me, other), `@ ${other}`);
}

function join(name) {
  me = name;
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
  centrifuge.on('connected', () => setStatus(`connected as ${name}`));
  centrifuge.on('disconnected', (ctx) => setStatus(`disconnected: ${ctx.reason}`));

  show(openRoom('chat:general', '# general'));
  // team:* is private: each subscription asks the app for a token, and again when it expires.
  openRoom('team:core', 'team core (private)', {
    getToken: (ctx) => fetchToken(`/dev/sub-token?user=${encodeURIComponent(name)}&channel=${encodeURIComponent(ctx.channel)}`),
  });

  // Only this user reads personal:#<name>: the server tells here who started a conversation.
  const inbox = centrifuge.newSubscription(`personal:#${name}`);
  inbox.on('publication', ({ data }) => { if (data.type === 'dm') openDm(data.from); });
  inbox.subscribe();

  const announcements = centrifuge.newSubscription('public:announcements');
  announcements.on('publication', ({ data }) => {
    $('announcement').textContent = `📣 ${data.user}: ${data.text}`;
    $('announcement').hidden = false;
  });
  announcements.subscribe();

  $('send-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await current.sub.publish({ text: $('text').value });
      $('text').value = '';
    } catch (err) {
      showError(err);
    }
  });
  $('dm-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const other = $('dm-name').value.trim();
    if (!other || other === me) return;
    $('dm-name').value = '';
    show(openDm(other));
  });
  $('dm-name').disabled = $('dm-open').disabled = false;
  centrifuge.connect();
}

$('join-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const name = $('name').value.trim();
  if (!name) return;
  $('name').disabled = $('join').disabled = true;
  join(name);
});
