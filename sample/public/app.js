// The chat page: the official centrifuge SDK (window.Centrifuge, from /vendor/centrifuge.js) against
// the sample server. Tokens come from the development-only GET /dev/token.
const $ = (id) => document.getElementById(id);
const setStatus = (text) => { $('status').textContent = text; };
const showError = (err) => setStatus(`error: ${err.message}`);

function addMessage({ offset, data }) {
  // History and live publications may overlap: the offset says whether we have it, and where it goes.
  const list = $('messages');
  if (list.querySelector(`[data-offset="${offset}"]`)) return;
  const li = document.createElement('li');
  li.dataset.offset = offset;
  const user = Object.assign(document.createElement('strong'), { textContent: data.user });
  const time = Object.assign(document.createElement('time'), { textContent: new Date(data.at).toLocaleTimeString() });
  li.append(user, time, data.text);
  const next = [...list.children].find((el) => Number(el.dataset.offset) > offset);
  list.insertBefore(li, next ?? null);
  list.scrollTop = list.scrollHeight;
}

async function loadHistory(sub) {
  const { publications } = await sub.history({ limit: 50, reverse: true });
  $('messages').replaceChildren();
  publications.forEach(addMessage);
}

async function refreshOnline(sub) {
  const { clients } = await sub.presence();
  const users = [...new Set(Object.values(clients).map((c) => c.user))].sort();
  $('online').replaceChildren(...users.map((user) => Object.assign(document.createElement('li'), { textContent: user })));
}

async function getToken(name) {
  const res = await fetch(`/dev/token?user=${encodeURIComponent(name)}`);
  // Without the dev endpoint (a real secret is set) retrying cannot help: UnauthorizedError stops the SDK.
  if (res.status === 404) throw new Centrifuge.UnauthorizedError('no /dev/token here: use npm run sample:token');
  if (!res.ok) throw new Error(`token request failed with ${res.status}`);
  return (await res.json()).token;
}

function join(name) {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const centrifuge = new Centrifuge(`${scheme}://${location.host}/connection/websocket`, { getToken: () => getToken(name) });
  centrifuge.on('connecting', (ctx) => setStatus(`connecting (${ctx.reason})…`));
  centrifuge.on('connected', () => setStatus(`connected as ${name}`));
  centrifuge.on('disconnected', (ctx) => setStatus(`disconnected: ${ctx.reason}`));

  const chat = centrifuge.newSubscription('chat:general');
  chat.on('subscribed', async (ctx) => {
    $('text').disabled = $('send').disabled = false;
    $('text').focus();
    try {
      // A recovered subscription gets what it missed as publications; otherwise start from history.
      if (!ctx.recovered) await loadHistory(chat);
      await refreshOnline(chat);
    } catch (err) {
      showError(err);
    }
  });
  chat.on('unsubscribed', (ctx) => setStatus(`left the chat: ${ctx.reason}`));
  chat.on('publication', addMessage);
  chat.on('join', () => refreshOnline(chat).catch(showError));
  chat.on('leave', () => refreshOnline(chat).catch(showError));
  chat.subscribe();

  const announcements = centrifuge.newSubscription('public:announcements');
  announcements.on('publication', ({ data }) => {
    $('announcement').textContent = `📣 ${data.user}: ${data.text}`;
    $('announcement').hidden = false;
  });
  announcements.subscribe();

  $('send-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await chat.publish({ text: $('text').value });
      $('text').value = '';
    } catch (err) {
      showError(err);
    }
  });
  centrifuge.connect();
}

$('join-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const name = $('name').value.trim();
  if (!name) return;
  $('name').disabled = $('join').disabled = true;
  join(name);
});
