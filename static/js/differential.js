// Live update of the differential as findings are ticked. The page works without this
// script: the form submits with GET and the server renders the same result.
(function () {
  "use strict";
  var form = document.getElementById("checklist");
  var result = document.getElementById("result");
  if (!form || !result || !window.fetch) { return; }
  var timer = null;
  var pending = null;

  function query() {
    var params = new URLSearchParams(new FormData(form));
    // Keep URLs short: drop findings left "not assessed".
    var keep = new URLSearchParams();
    params.forEach(function (value, key) { if (value !== "") { keep.append(key, value); } });
    return keep.toString();
  }

  function refresh() {
    var q = query();
    if (pending) { pending.abort(); }
    pending = new AbortController();
    fetch(form.action + "?" + q + (q ? "&" : "") + "fragment=1",
          { signal: pending.signal, headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        result.innerHTML = html;
        history.replaceState(null, "", form.action + (q ? "?" + q : ""));
      })
      .catch(function () { /* keep the last result; the submit button still works */ });
  }

  form.addEventListener("change", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 120);
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); refresh(); });

  // One-click ticks from "Next questions" set the radio in the checklist.
  result.addEventListener("click", function (e) {
    var link = e.target.closest("a.tick");
    if (!link) { return; }
    var input = form.querySelector('input[name="' + link.dataset.finding + '"][value="' + link.dataset.state + '"]');
    if (!input) { return; }
    e.preventDefault();
    input.checked = true;
    refresh();
  });
  document.documentElement.classList.add("js");
})();
