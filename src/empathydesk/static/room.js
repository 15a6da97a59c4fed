/* EmpathyDesk's live room view (empathydesk.room_view): every few seconds, ask the facilitator app for the
   room as it is now and put its HTML (built and escaped on the server) in place. The page keeps where it was
   scrolled to, the wide tables too. */
(function () {
  "use strict";
  var main = document.querySelector(".ed-room-view");
  if (!main) return;
  var live = main.querySelector('[data-ed="live"]');
  var status = main.querySelector('[data-ed="status"]');
  var url = main.getAttribute("data-live-url");
  var pollSeconds = Number(main.getAttribute("data-poll-seconds")) || 5;

  function say(text) { if (status.textContent !== text) status.textContent = text; }

  function put(html) {
    if (live.innerHTML === html) return;
    var wide = Array.prototype.map.call(live.querySelectorAll(".ed-wide"), function (w) { return w.scrollLeft; });
    live.innerHTML = html;
    Array.prototype.forEach.call(live.querySelectorAll(".ed-wide"), function (w, i) {
      if (wide[i]) w.scrollLeft = wide[i];
    });
  }

  function poll() {
    fetch(url, {credentials: "same-origin", cache: "no-store"})
      .then(function (reply) {
        if (reply.status === 403) throw new Error("signed out");
        if (!reply.ok) throw new Error("not now");
        return reply.json();
      })
      .then(function (room) { put(room.html); say(""); })
      .catch(function (problem) {
        say(problem.message === "signed out"
          ? "You are signed out. Reload the page to sign in again."
          : "The room can't be read right now. Trying again.");
      })
      .then(function () { window.setTimeout(poll, pollSeconds * 1000); });
  }

  window.setTimeout(poll, pollSeconds * 1000);
})();
