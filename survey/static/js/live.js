// Live updates for the wall and the staff pages (issue 23): a server-sent-event stream tells the
// page that something changed; the page then re-reads its data (at most one read in flight,
// bursts of answers coalesced). When no stream flows (a proxy that buffers, the server full or
// restarting) the page polls every few seconds instead, and tries the stream again. The
// browser's EventSource resends Last-Event-ID on reconnecting; after a server restart the
// server answers with "sync" and the page re-reads everything.
(function () {
  "use strict";

  function follow(options) {
    var streamUrl = options.stream, pollMs = (options.poll || 3) * 1000;
    var source = null, pollTimer = null, retryTimer = null, watchdog = null;
    var reading = false, again = false, debounce = null, live = false;

    function status(state, text) {
      if (options.onStatus) options.onStatus(state, text);
    }

    function read() {
      if (reading) { again = true; return; }
      reading = true;
      fetch(options.url, {credentials: "same-origin", cache: "no-store",
                          headers: {"Accept": options.accept || "application/json"}})
        .then(function (r) {
          if (r.redirected && /\/login/.test(r.url)) throw new Error("login");
          if (!r.ok) throw new Error(String(r.status));
          return options.accept === "text/html" ? r.text() : r.json();
        })
        .then(function (data) { options.onData(data); })
        .catch(function (err) {
          if (err && err.message === "login") status("login", "登录已过期，请重新登录后再打开本页");
        })
        .then(function () {
          reading = false;
          if (again) { again = false; soon(); }
        });
    }

    function soon() {
      if (debounce) return;
      debounce = setTimeout(function () { debounce = null; read(); }, 250);
    }

    function startPolling() {
      if (pollTimer) return;
      pollTimer = setInterval(read, pollMs);
    }

    function stopPolling() {
      if (pollTimer) { clearInterval(pollTimer); pollTimer = null; }
    }

    function alive() {
      // An event arrived: the stream flows. A stream silent for longer than two heartbeats is
      // treated as stalled: poll until it speaks again.
      if (!live) { live = true; stopPolling(); status("live", "实时更新中"); }
      clearTimeout(watchdog);
      watchdog = setTimeout(function () {
        live = false; startPolling(); status("polling", "实时连接中断，每 " + pollMs / 1000 + " 秒自动刷新");
      }, 40000);
    }

    function connect() {
      clearTimeout(retryTimer);
      if (!window.EventSource || !streamUrl) { startPolling(); status("polling", "每 " + pollMs / 1000 + " 秒自动刷新"); return; }
      source = new EventSource(streamUrl);
      ["answers", "comments"].forEach(function (kind) {
        source.addEventListener(kind, function () { alive(); soon(); });
      });
      source.addEventListener("sync", function () { alive(); read(); });
      source.addEventListener("hello", function () { alive(); read(); });  // resumed: catch up anyway
      source.addEventListener("ping", alive);
      source.addEventListener("error", function () {
        live = false;
        clearTimeout(watchdog);
        startPolling();
        if (source.readyState === EventSource.CLOSED) {
          // Refused (the server full, or not a stream): poll, try the stream again later.
          status("polling", "每 " + pollMs / 1000 + " 秒自动刷新");
          retryTimer = setTimeout(connect, 15000);
        } else {
          status("reconnecting", "连接中断，正在重新连接…");  // the browser retries by itself
        }
      });
      // No event within a few seconds (a buffering proxy): poll meanwhile.
      setTimeout(function () { if (!live) startPolling(); }, 5000);
    }

    connect();
    return {read: read};
  }

  window.PingjiaLive = {follow: follow};
})();
