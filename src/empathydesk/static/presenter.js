/* EmpathyDesk's presenter view (empathydesk.presenter): move between the cohort's modules, a countdown timer
   for each module, and the room's progress asked from the facilitator app every few seconds.
   Keys: left/right arrows (or a clicker's page up/down) change module, space starts or pauses the timer,
   + and - add or take away a minute, R resets it. */
(function () {
  "use strict";
  var main = document.querySelector(".ed-presenter");
  if (!main) return;
  var sections = Array.prototype.slice.call(main.querySelectorAll(".ed-module"));
  var ids = sections.map(function (s) { return s.getAttribute("data-module"); });
  var current = Math.max(0, sections.findIndex(function (s) { return !s.hidden; }));
  var defaultMinutes = Number(main.getAttribute("data-minutes")) || 5;
  var pollSeconds = Number(main.getAttribute("data-poll-seconds")) || 5;
  var longest = 180 * 60;  // seconds
  var timers = {};  // module id -> {total, left (seconds), endsAt (ms, while running)}
  var latest = null;  // the last progress read

  function part(name) { return main.querySelector('[data-ed="' + name + '"]'); }
  function remembered(id) { return "empathydesk-timer-" + id; }

  function timer(id) {
    if (!timers[id]) {
      var minutes = Number(window.localStorage.getItem(remembered(id))) || defaultMinutes;
      timers[id] = {total: minutes * 60, left: minutes * 60, endsAt: null};
    }
    return timers[id];
  }

  function left(t) {
    return t.endsAt === null ? t.left : Math.max(0, (t.endsAt - Date.now()) / 1000);
  }

  function clock(seconds) {
    var whole = Math.ceil(seconds), minutes = Math.floor(whole / 60), rest = whole % 60;
    return minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function showTimer() {
    var t = timer(ids[current]), seconds = left(t);
    if (t.endsAt !== null && seconds <= 0) { t.endsAt = null; t.left = 0; }
    var running = t.endsAt !== null, up = !running && t.left <= 0;
    part("clock").textContent = clock(seconds);
    var state = up ? "Time is up" : running ? "Running" : t.left < t.total ? "Paused" : "Ready";
    if (part("timer-state").textContent !== state) part("timer-state").textContent = state;
    part("start").textContent = running ? "Pause" : t.left < t.total && !up ? "Go on" : "Start";
    main.classList.toggle("ed-running", running);
    main.classList.toggle("ed-time-up", up);
  }

  function startOrPause() {
    var t = timer(ids[current]);
    if (t.endsAt !== null) {
      t.left = left(t);
      t.endsAt = null;
    } else {
      if (t.left <= 0) t.left = t.total;
      t.endsAt = Date.now() + t.left * 1000;
    }
    showTimer();
  }

  function addMinutes(minutes) {
    var id = ids[current], t = timer(id), change = minutes * 60;
    if (t.endsAt !== null) {
      t.endsAt = Math.max(Date.now(), t.endsAt + change * 1000);
    } else if (t.left === t.total) {  // not started: the module's time, remembered for next time
      t.total = Math.min(longest, Math.max(60, t.total + change));
      t.left = t.total;
      window.localStorage.setItem(remembered(id), String(t.total / 60));
    } else {
      t.left = Math.min(longest, Math.max(0, t.left + change));
    }
    showTimer();
  }

  function reset() {
    var t = timer(ids[current]);
    t.endsAt = null;
    t.left = t.total;
    showTimer();
  }

  function showCounts() {
    if (!latest) return;
    var row = latest.modules[ids[current]] || {};
    ["working", "stuck", "done", "waiting"].forEach(function (key) {
      part(key).textContent = key in row ? String(row[key]) : "–";
    });
    part("joined").textContent = latest.joined_text;
  }

  function go(step) {
    var next = Math.min(ids.length - 1, Math.max(0, current + step));
    if (next === current) return;
    sections[current].hidden = true;
    current = next;
    sections[current].hidden = false;
    part("previous").disabled = current === 0;
    part("next").disabled = current === ids.length - 1;
    var address = new URL(window.location.href);
    address.searchParams.set("module", ids[current]);
    window.history.replaceState(null, "", address.pathname + address.search);
    showTimer();
    showCounts();
  }

  function poll() {
    fetch(main.getAttribute("data-progress-url"), {credentials: "same-origin", cache: "no-store"})
      .then(function (reply) {
        if (reply.status === 403) throw new Error("signed out");
        if (!reply.ok) throw new Error("not now");
        return reply.json();
      })
      .then(function (progress) { latest = progress; showCounts(); })
      .catch(function (problem) {
        part("joined").textContent = problem.message === "signed out"
          ? "You are signed out. Reload the page to sign in again."
          : "The room's progress can't be read right now. Trying again.";
      });
  }

  function pressed(event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var target = event.target.tagName;
    if (target === "INPUT" || target === "TEXTAREA" || target === "SELECT") return;
    var key = event.key;
    if (key === "ArrowRight" || key === "PageDown") go(1);
    else if (key === "ArrowLeft" || key === "PageUp") go(-1);
    else if (key === " " || key === "Spacebar") {
      if (target === "BUTTON" || target === "A") return;  // a focused button or link does its own thing
      startOrPause();
    } else if (key === "+" || key === "=") addMinutes(1);
    else if (key === "-" || key === "_") addMinutes(-1);
    else if (key === "r" || key === "R") reset();
    else return;
    event.preventDefault();
  }

  var actions = {start: startOrPause, reset: reset, more: function () { addMinutes(1); },
                 less: function () { addMinutes(-1); }, previous: function () { go(-1); },
                 next: function () { go(1); }};
  Object.keys(actions).forEach(function (name) {
    var button = part(name);
    button.addEventListener("click", actions[name]);
    // a mouse click leaves the focus where it was, so the space bar keeps starting and pausing the timer
    button.addEventListener("mousedown", function (event) { event.preventDefault(); });
  });
  document.addEventListener("keydown", pressed);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") poll();
  });
  part("previous").disabled = current === 0;
  part("next").disabled = current === ids.length - 1;
  showTimer();
  poll();
  window.setInterval(showTimer, 250);
  window.setInterval(poll, pollSeconds * 1000);
})();
