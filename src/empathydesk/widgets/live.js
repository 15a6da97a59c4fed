// EmpathyDesk's Live (live.py): HTML in a polite live region that is drawn once and stays in place, so a
// screen reader announces each change (a region put on the page together with its text is often not read).

function render({ model, el }) {
  const region = document.createElement("div");
  region.className = "ed-live";
  region.setAttribute("role", "status");
  region.setAttribute("aria-live", "polite");
  el.appendChild(region);
  const show = () => { region.innerHTML = model.get("value"); };
  show();
  model.on("change:value", show);
  return () => model.off("change:value", show);
}

export default { render };
