// Progressive enhancement only: every page works without this file.
// "Go back" returns to the previous page when the reader came from this site; otherwise the
// link keeps its plain destination, the article's section.
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("a[data-history-back]");
  if (!link || window.history.length < 2) return;
  try {
    if (new URL(document.referrer).origin !== window.location.origin) return;
  } catch (e) {
    return;
  }
  event.preventDefault();
  window.history.back();
});

// Back office: the live preview of the Markdown body, rendered by the server as readers will
// see it. Without JavaScript the form's Preview button does the same.
(function () {
  var body = document.querySelector("textarea[data-preview]");
  if (!body || !window.fetch) return;
  var target = document.querySelector(body.getAttribute("data-preview"));
  var csrf = body.form.querySelector("input[name=csrf]");
  var timer;
  body.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var data = new URLSearchParams();
      data.set("csrf", csrf.value);
      data.set("body", body.value);
      fetch("/admin/preview", { method: "POST", body: data, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) { if (html !== null) target.innerHTML = html; });
    }, 400);
  });
})();

// Back office: each counted field's length against what search engines show of it.
document.querySelectorAll("[data-counts]").forEach(function (counter) {
  var field = document.getElementById(counter.getAttribute("data-counts"));
  var count = counter.querySelector(".count");
  var limit = Number(counter.getAttribute("data-limit"));
  if (!field || !count) return;
  field.addEventListener("input", function () {
    var length = Array.from(field.value).length;
    count.textContent = String(length);
    counter.classList.toggle("over", length > limit);
  });
});

// Back office: Ctrl+S (⌘S) saves the editor's form, Ctrl+Shift+P (⌘⇧P) asks for its preview.
document.addEventListener("keydown", function (event) {
  if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
  var key = event.key.toLowerCase();
  var intent = key === "s" && !event.shiftKey ? "save" : key === "p" && event.shiftKey ? "preview" : null;
  var button = intent && document.querySelector(".editor-form button[name=intent][value=" + intent + "]");
  if (!button) return;
  event.preventDefault();
  button.click();
});

// Back office: a copy of the editor's form kept on the server a few seconds after each change
// (not a revision), a warning before leaving with changes not saved for real, and who else has
// the item open.
(function () {
  var form = document.querySelector("form.editor-form[data-autosave]");
  if (!form || !window.fetch) return;
  var csrf = form.querySelector("input[name=csrf]").value;
  var status = form.querySelector(".autosave-status");
  var others = document.querySelector("[data-also-editing]");
  var editable = !form.querySelector("fieldset[disabled]");
  var dirty = false;
  var timer = null;
  function show(answer) {
    if (others && typeof answer.others === "string") others.textContent = answer.others;
    if (status && answer.saved) status.textContent = answer.saved;
  }
  function send(url, data) {
    return fetch(url, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : {}; })
      .then(show, function () {});
  }
  function keepCopy() {
    timer = null;
    var data = new URLSearchParams(new FormData(form));
    data.delete("intent");
    send(form.getAttribute("data-autosave"), data);
  }
  function changed() {
    if (!editable) return;
    dirty = true;
    if (!timer) timer = setTimeout(keepCopy, 3000);
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (event) {
    if (!dirty) return;
    if (timer) { clearTimeout(timer); keepCopy(); }
    event.preventDefault();
    event.returnValue = "";
  });
  var presence = form.getAttribute("data-presence");
  if (presence) {
    setInterval(function () {
      var data = new URLSearchParams();
      data.set("csrf", csrf);
      send(presence, data);
    }, 15000);
  }
})();

// Back office: the editor's media without leaving it. "Choose media" opens the picker page's
// library in a dialog; a choice changes the form's hidden fields and what it shows; files are
// uploaded from the picker or dropped on it, with progress; the gallery is reordered in place.
// Without JavaScript the same button keeps the form and opens the picker as a page.
(function () {
  var fields = document.querySelector(".editor-form .media-fields[data-picker]");
  if (!fields || !window.fetch || !window.DOMParser || !window.HTMLDialogElement) return;
  var form = fields.closest("form");
  var csrf = form.querySelector("input[name=csrf]").value;
  var body = form.querySelector("textarea[name=body]");
  var pickerUrl = fields.getAttribute("data-picker");
  var dialog = document.createElement("dialog");
  dialog.className = "picker-dialog";
  dialog.setAttribute("aria-label", fields.querySelector("legend").textContent);
  document.body.appendChild(dialog);

  function field(name) { return form.querySelector("input[type=hidden][name=" + name + "]"); }
  function changed() { form.dispatchEvent(new Event("change", { bubbles: true })); }
  function ids(name) { return field(name).value.split(",").map(function (s) { return s.trim(); }).filter(Boolean); }
  function setIds(name, list) { field(name).value = list.join(", "); changed(); }
  function hideEmptyHint(list) { var hint = list.parentNode.querySelector(".hint"); if (hint) hint.hidden = list.children.length > 0; }

  // Each chosen photo and document gets buttons to move and remove it.
  function button(label, action) {
    var b = document.createElement("button");
    b.type = "button"; b.className = "secondary small-button"; b.textContent = label; b.setAttribute("data-action", action);
    return b;
  }
  function withControls(li, gallery) {
    if (gallery) { li.appendChild(button("↑", "up")); li.appendChild(button("↓", "down")); }
    li.appendChild(button("✕", "remove"));
    li.querySelectorAll("button").forEach(function (b) { b.setAttribute("aria-label", b.textContent + " " + li.querySelector("span").textContent); });
  }
  fields.querySelectorAll(".chosen-list").forEach(function (list) {
    var gallery = list.getAttribute("data-field") === "gallery";
    list.querySelectorAll("li").forEach(function (li) { withControls(li, gallery); });
    list.addEventListener("click", function (event) {
      var b = event.target.closest("button[data-action]");
      if (!b) return;
      var li = b.closest("li");
      var action = b.getAttribute("data-action");
      if (action === "remove") li.remove();
      if (action === "up" && li.previousElementSibling) li.parentNode.insertBefore(li, li.previousElementSibling);
      if (action === "down" && li.nextElementSibling) li.parentNode.insertBefore(li.nextElementSibling, li);
      setIds(list.getAttribute("data-field"), Array.prototype.map.call(list.children, function (x) { return x.getAttribute("data-id"); }));
      hideEmptyHint(list);
    });
  });
  var cover = fields.querySelector(".chosen-cover");
  function showCover(item) {
    cover.querySelectorAll("figure, .hint, button").forEach(function (x) { x.remove(); });
    if (!item) { var p = document.createElement("p"); p.className = "hint"; p.textContent = "—"; cover.appendChild(p); return; }
    var figure = document.createElement("figure");
    figure.className = "media-card";
    figure.innerHTML = "<img alt=''><figcaption></figcaption>";
    figure.querySelector("img").src = item.getAttribute("data-thumbnail");
    figure.querySelector("figcaption").textContent = item.getAttribute("data-name");
    cover.appendChild(figure);
    var remove = button("✕", "remove-cover");
    remove.setAttribute("aria-label", "✕ " + item.getAttribute("data-name"));
    remove.addEventListener("click", function () { field("cover").value = ""; changed(); showCover(null); });
    cover.appendChild(remove);
  }
  if (field("cover").value && cover.querySelector("figure")) {
    var removeCover = button("✕", "remove-cover");
    removeCover.addEventListener("click", function () { field("cover").value = ""; changed(); showCover(null); });
    cover.appendChild(removeCover);
  }

  function addTo(name, item) {
    var list = fields.querySelector(".chosen-list[data-field=" + name + "]");
    var id = item.getAttribute("data-id");
    if (ids(name).indexOf(id) >= 0) return;
    var li = document.createElement("li");
    li.setAttribute("data-id", id);
    if (name === "gallery") {
      var img = document.createElement("img");
      img.alt = ""; img.src = item.getAttribute("data-thumbnail");
      li.appendChild(img); li.appendChild(document.createTextNode(" "));
    }
    var span = document.createElement("span");
    span.textContent = item.getAttribute("data-name");
    li.appendChild(span);
    withControls(li, name === "gallery");
    list.appendChild(li);
    hideEmptyHint(list);
    setIds(name, ids(name).concat([id]));
  }
  // Remembered where the cursor was when the dialog opened.
  var cursor = null;
  function insert(text) {
    var at = cursor === null ? body.value.length : cursor;
    var before = body.value.slice(0, at), after = body.value.slice(at);
    var lead = before && !/\n\n$/.test(before) ? (/\n$/.test(before) ? "\n" : "\n\n") : "";
    var trail = after && !/^\n\n/.test(after) ? "\n\n" : "";
    body.value = before + lead + text + trail + after;
    cursor = (before + lead + text).length;
    body.dispatchEvent(new Event("input", { bubbles: true }));
  }
  function choose(item, action) {
    if (action === "cover") { field("cover").value = item.getAttribute("data-url"); changed(); showCover(item); }
    if (action === "gallery") addTo("gallery", item);
    if (action === "attach") addTo("attachments", item);
    if (action === "insert") insert(item.getAttribute("data-markdown"));
    dialog.close();
  }

  function load(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (html) {
      var picker = new DOMParser().parseFromString(html, "text/html").getElementById("picker");
      if (!picker) return;
      dialog.innerHTML = "";
      var close = document.createElement("button");
      close.type = "button"; close.className = "secondary dialog-close"; close.textContent = "✕";
      close.setAttribute("aria-label", document.documentElement.lang === "ru" ? "Закрыть" : "Close");
      close.addEventListener("click", function () { dialog.close(); });
      dialog.appendChild(close);
      dialog.appendChild(document.importNode(picker, true));
    });
  }
  dialog.addEventListener("click", function (event) {
    var link = event.target.closest("a[href]");
    if (link && link.closest(".pagination")) { event.preventDefault(); load(link.href); }
  });
  dialog.addEventListener("submit", function (event) {
    var target = event.target;
    event.preventDefault();
    if (target.classList.contains("picker-search")) {
      load(pickerUrl + "?q=" + encodeURIComponent(target.querySelector("input[name=q]").value));
    } else if (target.classList.contains("choice")) {
      var submitter = event.submitter || target.querySelector("button");
      choose(target.closest(".picker-item"), submitter.value);
    } else if (target.classList.contains("picker-upload")) {
      upload(target, target.querySelector("input[type=file]").files);
    }
  });
  // Files dropped anywhere on the dialog are uploaded with the alt text typed in its form.
  dialog.addEventListener("dragover", function (event) { event.preventDefault(); dialog.classList.add("dropping"); });
  dialog.addEventListener("dragleave", function () { dialog.classList.remove("dropping"); });
  dialog.addEventListener("drop", function (event) {
    event.preventDefault();
    dialog.classList.remove("dropping");
    var uploadForm = dialog.querySelector(".picker-upload");
    if (uploadForm && event.dataTransfer.files.length) upload(uploadForm, event.dataTransfer.files);
  });
  function upload(uploadForm, files) {
    var progress = uploadForm.querySelector(".upload-progress");
    var queue = Array.prototype.slice.call(files);
    function next() {
      var file = queue.shift();
      if (!file) { load(pickerUrl); return; }
      var row = document.createElement("li");
      var bar = document.createElement("progress");
      bar.max = 100; bar.value = 0;
      row.textContent = file.name + " ";
      row.appendChild(bar);
      progress.appendChild(row);
      var data = new FormData();
      data.append("csrf", csrf);
      uploadForm.querySelectorAll("input[name^=alt_]").forEach(function (alt) { data.append(alt.name, alt.value); });
      data.append("file", file, file.name);
      var request = new XMLHttpRequest();
      request.open("POST", "/admin/media");
      request.setRequestHeader("Accept", "application/json");
      request.upload.addEventListener("progress", function (e) { if (e.lengthComputable) bar.value = Math.round(100 * e.loaded / e.total); });
      request.addEventListener("load", function () {
        var answer = {};
        try { answer = JSON.parse(request.responseText); } catch (e) { answer = {}; }
        if (request.status === 200) { bar.value = 100; next(); } else { row.textContent = file.name + ": " + (answer.error || request.status); row.className = "form-error"; next(); }
      });
      request.addEventListener("error", function () { row.textContent = file.name + ": ✕"; row.className = "form-error"; next(); });
      request.send(data);
    }
    next();
  }

  var open = form.querySelector("button[name=intent][value=media]");
  open.addEventListener("click", function (event) {
    event.preventDefault();
    cursor = body && document.activeElement === body ? body.selectionStart : (body ? body.selectionStart : null);
    load(pickerUrl).then(function () { dialog.showModal(); });
  });
  if (body) body.addEventListener("blur", function () { cursor = body.selectionStart; });
})();
