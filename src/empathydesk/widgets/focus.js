// EmpathyDesk's Focus (focus.py): once drawn, focus the first element matching `target` inside the same piece,
// as soon as it exists. Draws nothing itself.

const WAIT_MS = 10000;  // a slow page draws the new turn within this; after it, the focus is left alone

function render({ model, el }) {
  el.hidden = true;
  const piece = el.closest(".ed-piece") || document.body;
  const target = model.get("target");
  let observer = null;
  let timer = null;

  function stop() {
    if (observer) observer.disconnect();
    if (timer) clearTimeout(timer);
    observer = timer = null;
  }

  function focus() {
    const found = target && piece.querySelector(target);
    if (!found) return false;
    stop();
    if (found.tabIndex < 0 && !found.hasAttribute("tabindex")) found.setAttribute("tabindex", "-1");
    found.focus();
    return true;
  }

  if (!focus()) {
    observer = new MutationObserver(focus);
    observer.observe(piece, { childList: true, subtree: true });
    timer = setTimeout(stop, WAIT_MS);
  }
  return stop;
}

export default { render };
