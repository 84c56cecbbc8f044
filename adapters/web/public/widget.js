/*
 * Colloquy chat widget. Add to any page:
 *   <script src="https://your-bot.example/widget.js" defer
 *           data-title="Support" data-greeting="Hi! How can I help?"
 *           data-accent="#2563eb" data-position="right" data-lang="en"></script>
 * data-lang picks the UI strings (en, de, fr, es; default: the page's lang).
 * Plain JS, no build step, no inline code, no eval: it runs under a strict CSP.
 * Every message is rendered with textContent, never as HTML.
 */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || window.__colloquyWidget) return;
  window.__colloquyWidget = true;

  var data = script.dataset;
  // UI strings by language (data-lang); unknown languages fall back to English
  var STRINGS = {
    "en": {
      "title": "Chat with us",
      "greeting": "Hi! How can I help you today?",
      "open": "Open chat: ",
      "close": "Close chat",
      "conversation": "Conversation",
      "yourMessage": "Your message",
      "placeholder": "Type your message…",
      "send": "Send",
      "helpful": "Helpful?",
      "yes": "Yes",
      "no": "No",
      "helpfulYes": "Helpful: yes",
      "helpfulNo": "Helpful: no",
      "thanks": "Thanks for your feedback.",
      "you": "You",
      "agent": "Agent",
      "bot": "Bot",
      "typing": "The bot is typing",
      "expired": "This conversation has expired. Please send your message again.",
      "tooFast": "You are sending messages too quickly. Please wait {s} seconds.",
      "tooLong": "That message is too long. Could you shorten it?",
      "error": "Sorry, something went wrong. Please try again.",
      "interrupted": "The connection was interrupted. Please try again.",
      "unreachable": "Could not reach the chat. Please check your connection and try again."
    },
    "de": {
      "title": "Chatten Sie mit uns",
      "greeting": "Hallo! Wie kann ich Ihnen heute helfen?",
      "open": "Chat öffnen: ",
      "close": "Chat schließen",
      "conversation": "Unterhaltung",
      "yourMessage": "Ihre Nachricht",
      "placeholder": "Nachricht eingeben…",
      "send": "Senden",
      "helpful": "Hilfreich?",
      "yes": "Ja",
      "no": "Nein",
      "helpfulYes": "Hilfreich: ja",
      "helpfulNo": "Hilfreich: nein",
      "thanks": "Danke für Ihr Feedback.",
      "you": "Sie",
      "agent": "Mitarbeiter",
      "bot": "Bot",
      "typing": "Der Bot schreibt",
      "expired": "Diese Unterhaltung ist abgelaufen. Bitte senden Sie Ihre Nachricht erneut.",
      "tooFast": "Sie senden zu schnell. Bitte warten Sie {s} Sekunden.",
      "tooLong": "Diese Nachricht ist zu lang. Können Sie sie kürzen?",
      "error": "Leider ist etwas schiefgelaufen. Bitte versuchen Sie es erneut.",
      "interrupted": "Die Verbindung wurde unterbrochen. Bitte versuchen Sie es erneut.",
      "unreachable": "Der Chat ist nicht erreichbar. Bitte prüfen Sie Ihre Verbindung."
    },
    "fr": {
      "title": "Discutez avec nous",
      "greeting": "Bonjour ! Comment puis-je vous aider aujourd'hui ?",
      "open": "Ouvrir le chat : ",
      "close": "Fermer le chat",
      "conversation": "Conversation",
      "yourMessage": "Votre message",
      "placeholder": "Écrivez votre message…",
      "send": "Envoyer",
      "helpful": "Utile ?",
      "yes": "Oui",
      "no": "Non",
      "helpfulYes": "Utile : oui",
      "helpfulNo": "Utile : non",
      "thanks": "Merci pour votre avis.",
      "you": "Vous",
      "agent": "Conseiller",
      "bot": "Bot",
      "typing": "Le bot écrit",
      "expired": "Cette conversation a expiré. Veuillez renvoyer votre message.",
      "tooFast": "Vous envoyez des messages trop vite. Patientez {s} secondes.",
      "tooLong": "Ce message est trop long. Pouvez-vous le raccourcir ?",
      "error": "Désolé, une erreur s'est produite. Veuillez réessayer.",
      "interrupted": "La connexion a été interrompue. Veuillez réessayer.",
      "unreachable": "Impossible de joindre le chat. Vérifiez votre connexion."
    },
    "es": {
      "title": "Chatea con nosotros",
      "greeting": "¡Hola! ¿En qué puedo ayudarte hoy?",
      "open": "Abrir chat: ",
      "close": "Cerrar chat",
      "conversation": "Conversación",
      "yourMessage": "Tu mensaje",
      "placeholder": "Escribe tu mensaje…",
      "send": "Enviar",
      "helpful": "¿Te ayudó?",
      "yes": "Sí",
      "no": "No",
      "helpfulYes": "Útil: sí",
      "helpfulNo": "Útil: no",
      "thanks": "Gracias por tu opinión.",
      "you": "Tú",
      "agent": "Agente",
      "bot": "Bot",
      "typing": "El bot está escribiendo",
      "expired": "Esta conversación ha caducado. Envía tu mensaje de nuevo.",
      "tooFast": "Estás enviando mensajes demasiado rápido. Espera {s} segundos.",
      "tooLong": "Ese mensaje es demasiado largo. ¿Puedes acortarlo?",
      "error": "Lo siento, algo salió mal. Inténtalo de nuevo.",
      "interrupted": "Se interrumpió la conexión. Inténtalo de nuevo.",
      "unreachable": "No se puede conectar con el chat. Comprueba tu conexión."
    }
  };
  var lang = String(data.lang || document.documentElement.lang || 'en').toLowerCase().slice(0, 2);
  var t = STRINGS[lang] || STRINGS.en;
  var base = (data.api || new URL(script.src, location.href).origin).replace(/\/+$/, '');
  var opts = {
    title: data.title || t.title,
    greeting: data.greeting || t.greeting,
    accent: data.accent || '',
    position: data.position === 'left' ? 'left' : 'right',
  };
  var storageKey = 'colloquy:' + base;

  // the stylesheet sits next to the script
  var link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = new URL('widget.css', script.src).href;
  document.head.appendChild(link);

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // — the DOM —
  var root = el('div', 'colloquy colloquy--' + opts.position);
  if (/^#[0-9a-f]{3,8}$|^[a-z]+$|^rgba?\([\d\s.,%]+\)$|^hsla?\([\d\s.,%deg]+\)$/i.test(opts.accent)) {
    root.style.setProperty('--colloquy-accent', opts.accent); // CSSOM, allowed by CSP
  }
  var bubble = el('button', 'colloquy__bubble');
  bubble.type = 'button';
  bubble.setAttribute('aria-label', t.open + opts.title);
  bubble.setAttribute('aria-expanded', 'false');
  bubble.setAttribute('aria-controls', 'colloquy-panel');
  bubble.appendChild(el('span', 'colloquy__bubble-icon')).setAttribute('aria-hidden', 'true');

  var panel = el('section', 'colloquy__panel');
  panel.id = 'colloquy-panel';
  panel.hidden = true;
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-labelledby', 'colloquy-title');
  var header = el('header', 'colloquy__header');
  var title = el('h2', 'colloquy__title', opts.title);
  title.id = 'colloquy-title';
  var close = el('button', 'colloquy__close', '\u00d7');
  close.type = 'button';
  close.setAttribute('aria-label', t.close);
  header.appendChild(title);
  header.appendChild(close);

  var list = el('div', 'colloquy__messages');
  list.setAttribute('role', 'log');
  list.setAttribute('aria-label', t.conversation);
  list.setAttribute('aria-live', 'off'); // announcements go through `live`, once per finished message
  list.tabIndex = 0;
  var live = el('div', 'colloquy__sr-only');
  live.setAttribute('aria-live', 'polite');
  live.setAttribute('role', 'status');

  var form = el('form', 'colloquy__form');
  var label = el('label', 'colloquy__sr-only', t.yourMessage);
  label.htmlFor = 'colloquy-input';
  var input = el('input', 'colloquy__input');
  input.id = 'colloquy-input';
  input.type = 'text';
  input.autocomplete = 'off';
  input.placeholder = t.placeholder;
  var send = el('button', 'colloquy__send', t.send);
  send.type = 'submit';
  form.appendChild(label);
  form.appendChild(input);
  form.appendChild(send);

  panel.appendChild(header);
  panel.appendChild(list);
  panel.appendChild(form);
  panel.appendChild(live);
  root.appendChild(panel);
  root.appendChild(bubble);
  document.body.appendChild(root);

  // — state —
  var session = load();
  var started = false;
  var busy = false;
  /** Rendered messages by turn id: nothing is shown twice. */
  var rendered = Object.create(null);
  /** The last turn id known to be in the list (history is refetched after it on reconnect). */
  var lastTurnId = null;
  var events = null; // the live EventSource while the panel is open
  var reopenTimer = null;
  var syncing = false;
  var syncAgain = false;
  var syncFrom; // when set, the next catch-up starts there rather than at lastTurnId

  function load() {
    try {
      var s = JSON.parse(localStorage.getItem(storageKey) || 'null');
      return s && typeof s.conversationId === 'string' && typeof s.token === 'string' ? s : null;
    } catch (e) {
      return null;
    }
  }
  function save(s) {
    session = s;
    try {
      if (s) localStorage.setItem(storageKey, JSON.stringify(s));
      else localStorage.removeItem(storageKey);
    } catch (e) {
      /* private mode: the conversation lasts as long as the page */
    }
  }
  function announce(text) {
    live.textContent = '';
    setTimeout(function () { live.textContent = text; }, 50);
  }
  function scrollDown() {
    list.scrollTop = list.scrollHeight;
  }

  // — rendering (textContent only) —
  function addMessage(speaker, text, turnId, feedback) {
    if (turnId && rendered[turnId]) return rendered[turnId];
    var item = el('div', 'colloquy__msg colloquy__msg--' + speaker);
    item.setAttribute('data-speaker', speaker);
    if (speaker === 'agent') item.appendChild(el('div', 'colloquy__who', speakerLabel('agent')));
    var body = el('div', 'colloquy__text', text);
    item.appendChild(body);
    if (turnId) setTurnId(item, turnId);
    if (turnId && (speaker === 'bot' || speaker === 'agent')) addFeedback(item, turnId, feedback);
    list.appendChild(item);
    scrollDown();
    return item;
  }

  /** Keys a rendered message by its logged turn. */
  function setTurnId(item, turnId) {
    item.setAttribute('data-turn-id', turnId);
    rendered[turnId] = item;
    lastTurnId = turnId;
  }

  /** Shows a logged turn unless it is already shown; a user message sent from this page is matched by text. */
  function mergeTurn(m, quiet) {
    if (!m || typeof m.id !== 'string') return;
    if (rendered[m.id]) { lastTurnId = m.id; return; } // turns arrive oldest first

    if (m.speaker !== 'user' && m.speaker !== 'bot' && m.speaker !== 'agent' && m.speaker !== 'notice') return;
    if (m.speaker === 'user') {
      var pending = list.querySelectorAll('.colloquy__msg--user:not([data-turn-id])');
      for (var i = 0; i < pending.length; i++) {
        if (pending[i].querySelector('.colloquy__text').textContent === m.text) {
          setTurnId(pending[i], m.id);
          return;
        }
      }
    }
    addMessage(m.speaker, m.text, m.id, m.feedback);
    if (!quiet && (m.speaker === 'agent' || m.speaker === 'notice')) announce((m.speaker === 'agent' ? t.agent + ': ' : '') + m.text);
  }

  function addFeedback(item, turnId, current) {
    var row = el('div', 'colloquy__feedback');
    row.appendChild(el('span', 'colloquy__feedback-label', t.helpful));
    // words, not emoji: they render with any font
    [['up', t.yes, t.helpfulYes], ['down', t.no, t.helpfulNo]].forEach(function (f) {
      var b = el('button', 'colloquy__thumb colloquy__thumb--' + f[0], f[1]);
      b.type = 'button';
      b.setAttribute('aria-label', f[2]);
      b.setAttribute('data-value', f[0]);
      b.setAttribute('aria-pressed', String(current === f[0]));
      b.addEventListener('click', function () { giveFeedback(row, turnId, f[0]); });
      row.appendChild(b);
    });
    item.appendChild(row);
  }

  function giveFeedback(row, turnId, value) {
    if (!session) return;
    api('POST', '/feedback', { turnId: turnId, value: value }).then(function (res) {
      if (!res.ok) return;
      row.querySelectorAll('button').forEach(function (b) {
        b.setAttribute('aria-pressed', String(b.getAttribute('data-value') === value));
      });
      announce(t.thanks);
    }).catch(function () { /* offline: nothing to do */ });
  }

  function speakerLabel(s) {
    return s === 'user' ? t.you : s === 'agent' ? t.agent : t.bot;
  }

  // — the API —
  function api(method, path, body) {
    var headers = { Authorization: 'Bearer ' + session.token };
    if (body) headers['Content-Type'] = 'application/json';
    return fetch(base + '/api/conversations/' + encodeURIComponent(session.conversationId) + path, {
      method: method,
      headers: headers,
      body: body ? JSON.stringify(body) : undefined,
    });
  }

  function startConversation() {
    return fetch(base + '/api/conversations', { method: 'POST' }).then(function (res) {
      if (!res.ok) throw new Error('HTTP ' + res.status);
      return res.json();
    }).then(function (s) {
      save({ conversationId: s.conversationId, token: s.token });
    });
  }

  /** Fetches the history (everything after `after` when given, else the last 100 turns) and merges it in. */
  function loadHistory(after) {
    var query = after ? '/messages?limit=100&after=' + encodeURIComponent(after) : '/messages?limit=100';
    return api('GET', query).then(function (res) {
      if (res.status === 401) { save(null); disconnectEvents(); return; }
      if (res.status === 400 && after) return loadHistory(null); // that turn is gone: take the latest
      if (!res.ok) return;
      return res.json().then(function (h) {
        // a reply being streamed is keyed when it finishes; catch up after that instead
        if (busy) { syncAgain = true; return; }
        h.messages.forEach(function (m) { mergeTurn(m, !after); });
        if (after && h.hasMore) syncAgain = true;
      });
    });
  }

  /** Catches up with what was logged while the page was not listening (offline, reconnecting). */
  function sync() {
    if (!session || !started) return;
    if (syncing || busy) { syncAgain = true; return; }
    syncing = true;
    syncAgain = false;
    var from = syncFrom !== undefined ? syncFrom : lastTurnId;
    syncFrom = undefined;
    loadHistory(from).catch(function () { /* offline: the next online/open event retries */ }).then(function () {
      syncing = false;
      if (syncAgain) sync();
    });
  }

  // — live events (agent messages, hand-off notices) while the panel is open —
  function connectEvents() {
    if (events || !session || panel.hidden || typeof EventSource !== 'function') return;
    clearTimeout(reopenTimer);
    var url = base + '/api/conversations/' + encodeURIComponent(session.conversationId) + '/events?token=' + encodeURIComponent(session.token);
    var es = new EventSource(url);
    events = es;
    es.addEventListener('open', sync); // covers whatever happened before (re)connecting
    es.addEventListener('error', function () {
      if (events !== es) return;
      if (es.readyState === 2) {
        // refused (expired token, server down): try again later, history first
        events = null;
        reopenTimer = setTimeout(function () { sync(); connectEvents(); }, 5000);
      }
    });
    function onTurn(speaker) {
      return function (e) {
        if (events !== es) return;
        var d;
        try { d = JSON.parse(e.data); } catch (err) { return; }
        if (busy) { syncAgain = true; return; } // merged once the reply in flight is keyed
        mergeTurn({ id: d.turnId, speaker: speaker, text: String(d.text || ''), feedback: null });
      };
    }
    es.addEventListener('agent-message', onTurn('agent'));
    es.addEventListener('notice', onTurn('notice'));
    es.addEventListener('handoff', function (e) {
      try { root.setAttribute('data-handoff', JSON.parse(e.data).state); } catch (err) { /* skipped */ }
    });
  }
  function disconnectEvents() {
    clearTimeout(reopenTimer);
    if (events) events.close();
    events = null;
  }
  // offline: the stream is dead or soon will be; online: catch up, then listen again
  window.addEventListener('offline', disconnectEvents);
  window.addEventListener('online', function () {
    if (panel.hidden) return;
    sync();
    connectEvents();
  });

  function start() {
    if (started) return;
    started = true;
    addMessage('bot', opts.greeting).classList.add('colloquy__msg--greeting');
    if (session) loadHistory(null).catch(function () { /* shown on next send */ });
  }

  /** Reads Server-Sent Events from a fetch body: calls onEvent(name, data) per event. */
  function readEvents(res, onEvent) {
    var reader = res.body.getReader();
    var decoder = new TextDecoder();
    var buffer = '';
    function pump() {
      return reader.read().then(function (r) {
        buffer += decoder.decode(r.value || new Uint8Array(), { stream: !r.done });
        var parts = buffer.split('\n\n');
        buffer = parts.pop();
        parts.forEach(function (chunk) {
          var name = 'message', lines = [];
          chunk.split('\n').forEach(function (line) {
            if (line.indexOf('event:') === 0) name = line.slice(6).trim();
            else if (line.indexOf('data:') === 0) lines.push(line.slice(5).replace(/^ /, ''));
          });
          try { onEvent(name, JSON.parse(lines.join('\n'))); } catch (e) { /* a broken event is skipped */ }
        });
        if (!r.done) return pump();
      });
    }
    return pump();
  }

  function sendMessage(text) {
    busy = true;
    send.disabled = true;
    var userItem = addMessage('user', text);
    var mark = lastTurnId; // what was logged while this reply streamed comes after this
    var item = addMessage('bot', '');
    var body = item.querySelector('.colloquy__text');
    item.classList.add('colloquy__msg--typing');
    item.setAttribute('data-state', 'typing');
    var dots = el('span', 'colloquy__typing');
    dots.setAttribute('aria-label', t.typing);
    dots.appendChild(el('span'));
    dots.appendChild(el('span'));
    dots.appendChild(el('span'));
    item.insertBefore(dots, body);
    var streamed = '';
    var finished = false;
    // the server answers one id once: a resend after a dropped connection (maybe to another instance) gets the same answer
    var clientMessageId = (window.crypto && window.crypto.randomUUID) ? window.crypto.randomUUID() : Date.now().toString(36) + '-' + Math.random().toString(36).slice(2);

    function firstToken() {
      if (dots.parentNode) {
        dots.parentNode.removeChild(dots);
        item.classList.remove('colloquy__msg--typing');
        item.setAttribute('data-state', 'streaming');
      }
    }
    function finish(kind, text, turnId, userTurnId) {
      finished = true;
      firstToken();
      if (userTurnId && !rendered[userTurnId]) setTurnId(userItem, userTurnId);
      if ((kind === 'silent' && !text) || (turnId && rendered[turnId])) {
        item.parentNode.removeChild(item);
      } else {
        body.textContent = text; // on fallback, the streamed text is replaced
        if (kind === 'notice' || kind === 'command') item.setAttribute('data-speaker', 'notice');
        item.classList.toggle('colloquy__msg--notice', kind === 'notice' || kind === 'command');
        if (turnId) setTurnId(item, turnId);
        if (turnId && (kind === 'reply' || kind === 'fallback')) addFeedback(item, turnId, null);
        item.setAttribute('data-kind', kind);
        announce(speakerLabel('bot') + ': ' + text);
      }
      item.setAttribute('data-state', 'done');
      scrollDown();
    }
    function fail(message) {
      if (!finished) finish('error', message, null);
    }

    function post() {
      return api('POST', '/messages', { text: text, clientMessageId: clientMessageId });
    }
    var ready = session ? Promise.resolve() : startConversation().then(connectEvents);
    ready.then(function () {
      // one resend, with the same id, when the request never reached a server
      return post().catch(function () {
        return new Promise(function (resolve) { setTimeout(resolve, 1000); }).then(post);
      });
    }).then(function (res) {
      if (res.status === 401) {
        save(null);
        disconnectEvents();
        return fail(t.expired);
      }
      if (res.status === 429) {
        var wait = res.headers.get('Retry-After') || 'a few';
        return fail(t.tooFast.replace('{s}', wait));
      }
      if (res.status === 413) return fail(t.tooLong);
      if (!res.ok || !res.body) return fail(t.error);
      return readEvents(res, function (name, value) {
        if (name === 'token' && typeof value === 'string') {
          firstToken();
          streamed += value;
          body.textContent = streamed;
          scrollDown();
        } else if (name === 'done') {
          finish(value.kind, String(value.text || ''), value.turnId, value.userTurnId);
        } else if (name === 'error') {
          fail(String(value.message || t.error));
        }
      }).then(function () {
        fail(t.interrupted);
      });
    }).catch(function () {
      fail(t.unreachable);
    }).then(function () {
      busy = false;
      send.disabled = false;
      if (syncAgain) {
        syncFrom = mark; // events that arrived while the reply streamed may precede the reply
        sync();
      }
    });
  }

  // — open, close, keyboard —
  function open() {
    panel.hidden = false;
    root.classList.add('colloquy--open');
    bubble.setAttribute('aria-expanded', 'true');
    start();
    connectEvents();
    scrollDown();
    input.focus();
  }
  function hide() {
    panel.hidden = true;
    disconnectEvents();
    root.classList.remove('colloquy--open');
    bubble.setAttribute('aria-expanded', 'false');
    bubble.focus();
  }
  bubble.addEventListener('click', function () {
    if (panel.hidden) open();
    else hide();
  });
  close.addEventListener('click', hide);
  panel.addEventListener('keydown', function (e) {
    if (e.key === 'Escape') {
      e.preventDefault();
      hide();
    }
  });
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var text = input.value;
    if (busy || !text.trim()) return;
    input.value = '';
    sendMessage(text);
  });
})();
