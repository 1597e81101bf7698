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
