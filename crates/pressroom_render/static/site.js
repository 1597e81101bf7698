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
