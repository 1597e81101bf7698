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
