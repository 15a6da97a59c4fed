// A button that opens the file chooser and sends the chosen file to the kernel (see file_picker.py).
export default {
  render({ model, el }) {
    const input = document.createElement("input");
    input.type = "file";
    input.hidden = true;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "jupyter-button widget-button ed-button";
    const show = () => {
      button.textContent = model.get("label");
      input.accept = model.get("accept");
    };
    show();
    model.on("change:label", show);
    model.on("change:accept", show);
    button.addEventListener("click", () => {
      input.value = "";
      input.click();
    });
    input.addEventListener("change", async () => {
      const file = input.files[0];
      if (!file) return;
      const about = { name: file.name, size: file.size };
      if (file.size > model.get("max_bytes")) {
        model.send(about);
      } else {
        model.send(about, undefined, [await file.arrayBuffer()]); // (content, callbacks, buffers)
      }
    });
    el.append(button, input);
    return () => model.off(null, show);
  },
};
