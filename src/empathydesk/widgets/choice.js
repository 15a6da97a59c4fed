// EmpathyDesk's Choice (choice.py): a question's options as native radio buttons sharing one name, in a
// role="radiogroup" named by the question. The browser gives such a group one tab stop and moves between
// its options with the arrow keys. Every text goes in as text (textContent), never as markup.

function render({ model, el }) {
  const id = `ed-choice-${Math.random().toString(36).slice(2, 12)}`;
  const question = document.createElement("div");
  question.className = "ed-choice-question";
  question.id = `${id}-q`;
  const group = document.createElement("div");
  group.className = "ed-choice-options";
  group.setAttribute("role", "radiogroup");
  group.setAttribute("aria-labelledby", question.id);
  el.classList.add("ed-choice");
  el.append(question, group);
  let inputs = [];

  function pick(event) {
    model.set("index", Number(event.target.value));
    model.save_changes();
  }

  function state() {
    const index = model.get("index");
    const disabled = model.get("disabled");
    inputs.forEach((input, i) => {
      input.checked = i === index;
      input.disabled = disabled;
    });
    el.classList.toggle("ed-choice--disabled", disabled);
    if (disabled) group.setAttribute("aria-disabled", "true");
    else group.removeAttribute("aria-disabled");
  }

  function draw() {
    const labels = model.get("labels");
    const kind = model.get("kind");
    el.classList.remove("ed-choice--list", "ed-choice--scale");
    el.classList.add(`ed-choice--${kind}`);
    el.style.setProperty("--ed-choice-n", String(labels.length));
    question.textContent = model.get("description");
    question.hidden = !model.get("description");
    const options = labels.map((text, i) => {
      const input = document.createElement("input");
      input.type = "radio";
      input.name = id;
      input.value = String(i);
      input.addEventListener("change", pick);
      const words = document.createElement("span");
      words.className = "ed-choice-words";
      words.textContent = text;
      const option = document.createElement("label");
      option.className = "ed-choice-option";
      option.append(input, words);
      return option;
    });
    group.replaceChildren(...options);
    inputs = options.map((option) => option.firstChild);
    state();
  }

  model.on("change:labels", draw);
  model.on("change:description", draw);
  model.on("change:kind", draw);
  model.on("change:index", state);
  model.on("change:disabled", state);
  draw();
  return () => {
    model.off("change:labels", draw);
    model.off("change:description", draw);
    model.off("change:kind", draw);
    model.off("change:index", state);
    model.off("change:disabled", state);
  };
}

export default { render };
