/*
 * The admin review page: asks for the admin token (kept in sessionStorage for
 * this tab only), lists the review queue with the conversation around each
 * flagged turn, records decisions and corrections, and lists model versions
 * with links to their training reports. Plain JS, no inline code; every text
 * from the log is set with textContent, never as HTML.
 */
(function () {
  'use strict';
  var TOKEN_KEY = 'colloquy-admin-token';
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function token() {
    try { return sessionStorage.getItem(TOKEN_KEY) || ''; } catch (e) { return ''; }
  }
  function setToken(value) {
    try {
      if (value) sessionStorage.setItem(TOKEN_KEY, value);
      else sessionStorage.removeItem(TOKEN_KEY);
    } catch (e) { /* storage off: the token lives as long as the page */ }
  }

  function showLogin(message) {
    setToken('');
    $('app').hidden = true;
    $('sign-out').hidden = true;
    $('login').hidden = false;
    $('login-error').textContent = message || '';
    $('token').focus();
  }

  /** Calls the admin API; a 401 sends the reviewer back to the token form. */
  function api(method, path, body) {
    var headers = { Authorization: 'Bearer ' + token() };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return fetch('/admin/api' + path, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'omit' })
      .then(function (res) {
        return res.json().catch(function () { return {}; }).then(function (data) {
          if (res.status === 401) {
            showLogin('That token was not accepted.');
            throw new Error('unauthorized');
          }
          if (!res.ok) {
            var err = new Error((data && data.message) || ('Request failed (' + res.status + ').'));
            err.hint = data && data.hint;
            throw err;
          }
          return data;
        });
      });
  }

  function setStatus(text) { $('status').textContent = text || ''; }

  // — the review queue —

  function turnNode(t, flaggedId) {
    var li = el('li', 'turn turn--' + t.speaker + (t.id === flaggedId ? ' is-flagged' : ''));
    li.setAttribute('data-turn-id', t.id);
    li.appendChild(el('span', 'turn__who', t.speaker));
    var body = el('div', 'turn__body');
    body.appendChild(el('span', 'turn__text', t.text));
    var meta = [];
    if (t.fallback) meta.push('fallback');
    if (t.factCheck && t.factCheck.verdict !== 'passed') meta.push('fact check ' + t.factCheck.verdict + ': ' + (t.factCheck.unsupported || []).join(', '));
    if (typeof t.confidence === 'number') meta.push('confidence ' + t.confidence.toFixed(2));
    if (t.feedback) meta.push('thumbs-' + t.feedback);
    if (meta.length) body.appendChild(el('span', 'turn__meta', meta.join(' · ')));
    if (typeof t.correction === 'string') body.appendChild(el('span', 'turn__fix', 'Corrected: ' + t.correction));
    li.appendChild(body);
    return li;
  }

  /** Marks every item of a conversation as decided (a verdict covers the whole conversation). */
  function settleConversation(conversationId, text) {
    var items = document.querySelectorAll('.item');
    for (var i = 0; i < items.length; i++) {
      if (items[i].getAttribute('data-conversation-id') !== conversationId) continue;
      items[i].classList.add('is-done');
      var buttons = items[i].querySelectorAll('button, textarea');
      for (var j = 0; j < buttons.length; j++) buttons[j].disabled = true;
      var result = items[i].querySelector('.result');
      result.classList.remove('is-error');
      result.textContent = text;
    }
  }

  function itemNode(item, index) {
    var li = el('li', 'item');
    li.setAttribute('data-conversation-id', item.conversationId);
    li.setAttribute('data-turn-id', item.turnId);
    var head = el('div', 'item__head');
    head.appendChild(el('span', null, '#' + (index + 1)));
    head.appendChild(el('span', 'item__id', item.conversationId));
    head.appendChild(el('span', null, item.channel + ' · ' + String(item.updatedAt).slice(0, 16).replace('T', ' ')));
    item.reasons.forEach(function (r) { head.appendChild(el('span', 'reason', r)); });
    if (item.review) head.appendChild(el('span', 'reason', 'reviewed: ' + item.review.status));
    li.appendChild(head);

    var turns = el('ol', 'turns');
    item.turns.forEach(function (t) { turns.appendChild(turnNode(t, item.turnId)); });
    li.appendChild(turns);

    var result = el('p', 'result');
    result.setAttribute('role', 'status');
    var fail = function (err) {
      if (err.message === 'unauthorized') return;
      result.classList.add('is-error');
      result.textContent = err.message + (err.hint ? ' ' + err.hint : '');
    };

    var actions = el('div', 'actions');
    [['good', 'Good'], ['bad', 'Bad'], ['ignore', 'Ignore']].forEach(function (pair) {
      var b = el('button', pair[0], pair[1]);
      b.type = 'button';
      b.setAttribute('data-decision', pair[0]);
      b.addEventListener('click', function () {
        b.disabled = true;
        api('POST', '/review/' + encodeURIComponent(item.conversationId), { status: pair[0] })
          .then(function () { settleConversation(item.conversationId, 'Marked ' + pair[0] + '.'); })
          .catch(fail)
          .then(function () { if (!li.classList.contains('is-done')) b.disabled = false; });
      });
      actions.appendChild(b);
    });
    li.appendChild(actions);

    if (item.correctable) {
      var fix = el('form', 'fix');
      var id = 'fix-' + index;
      var label = el('label', null, 'The reply the bot should have given');
      label.htmlFor = id;
      var area = el('textarea');
      area.id = id;
      area.maxLength = 4000;
      area.required = true;
      var row = el('div', 'fix__row');
      var save = el('button', 'save', 'Save correction');
      save.type = 'submit';
      row.appendChild(save);
      fix.appendChild(label);
      fix.appendChild(area);
      fix.appendChild(row);
      fix.addEventListener('submit', function (e) {
        e.preventDefault();
        if (!area.value.trim()) return fail(new Error('Write the reply first.'));
        save.disabled = true;
        api('POST', '/review/' + encodeURIComponent(item.conversationId), { correct: [{ turnId: item.turnId, text: area.value }] })
          .then(function (data) {
            var text = data.review.corrections[item.turnId];
            result.classList.remove('is-error');
            result.textContent = 'Correction saved.';
            var flagged = turns.querySelector('.is-flagged .turn__body');
            var old = flagged.querySelector('.turn__fix');
            if (old) old.remove();
            flagged.appendChild(el('span', 'turn__fix', 'Corrected: ' + text));
            area.value = '';
            li.classList.add('is-done');
          })
          .catch(fail)
          .then(function () { save.disabled = false; });
      });
      li.appendChild(fix);
    }
    li.appendChild(result);
    return li;
  }

  function loadQueue() {
    setStatus('Loading…');
    var query = '?limit=100' + ($('include-reviewed').checked ? '&includeReviewed=1' : '');
    return api('GET', '/review' + query).then(function (data) {
      var queue = $('queue');
      queue.replaceChildren();
      data.items.forEach(function (item, i) { queue.appendChild(itemNode(item, i)); });
      $('count').textContent = '(' + data.items.length + ')';
      $('empty').hidden = data.items.length > 0;
      setStatus('');
    });
  }

  // — model versions —

  function metric(v, key) {
    var x = v.metrics && v.metrics[key];
    return typeof x === 'number' && isFinite(x) ? x.toFixed(key === 'perWordPerplexity' ? 2 : 3) : '–';
  }

  function loadModels() {
    return api('GET', '/models').then(function (data) {
      var body = $('models').querySelector('tbody');
      body.replaceChildren();
      data.versions.forEach(function (v) {
        var tr = el('tr');
        tr.setAttribute('data-version', v.name);
        tr.appendChild(el('td', null, v.name));
        var status = el('td');
        status.appendChild(el('span', 'badge badge--' + v.status, v.status));
        tr.appendChild(status);
        tr.appendChild(el('td', null, String(v.createdAt || '').slice(0, 16).replace('T', ' ')));
        tr.appendChild(el('td', 'num', metric(v, 'perWordPerplexity')));
        tr.appendChild(el('td', 'num', metric(v, 'bleu4')));
        tr.appendChild(el('td', 'num', metric(v, 'validLoss')));
        var report = el('td');
        // only our own report links: never a URL of another kind from the data
        if (typeof v.reportUrl === 'string' && v.reportUrl.indexOf('/admin/reports/') === 0) {
          var a = el('a', null, 'Report');
          a.href = v.reportUrl;
          a.target = '_blank';
          a.rel = 'noopener noreferrer';
          report.appendChild(a);
        } else report.textContent = '–';
        tr.appendChild(report);
        body.appendChild(tr);
      });
      $('models').hidden = data.versions.length === 0;
      $('models-empty').hidden = data.versions.length > 0;
    });
  }

  function loadAll() {
    $('login').hidden = true;
    $('app').hidden = false;
    $('sign-out').hidden = false;
    return Promise.all([loadQueue(), loadModels()]).catch(function (err) {
      if (err.message !== 'unauthorized') setStatus(err.message);
    });
  }

  $('login-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var value = $('token').value.trim();
    if (!value) return;
    setToken(value);
    $('token').value = '';
    loadAll();
  });
  $('sign-out').addEventListener('click', function () { showLogin(''); });
  $('refresh').addEventListener('click', function () { loadAll(); });
  $('include-reviewed').addEventListener('change', function () {
    loadQueue().catch(function (err) { if (err.message !== 'unauthorized') setStatus(err.message); });
  });

  if (token()) loadAll();
  else showLogin('');
})();
