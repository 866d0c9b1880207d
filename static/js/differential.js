// The checklist at clinic speed: live update of the differential, type-to-filter, counts on
// the collapsed categories, and focus that stays where the clinician is working. The page
// works without this script: the form submits with GET, the server renders the same
// result, and CSS marks the result stale while a tick differs from the submitted one.
(function () {
  "use strict";
  var form = document.getElementById("checklist");
  var result = document.getElementById("result");
  var resultBody = document.getElementById("result-body");
  var nextSlot = document.getElementById("next-slot");
  if (!form || !result || !resultBody || !nextSlot || !window.fetch || !window.URLSearchParams) { return; }
  document.documentElement.classList.add("js");
  var timer = null;
  var pending = null;
  var focusAfter = null; // how to place focus once the new result is in

  function query() {
    var params = new URLSearchParams(new FormData(form));
    // Keep URLs short: drop findings left "not assessed".
    var keep = new URLSearchParams();
    params.forEach(function (value, key) { if (value !== "") { keep.append(key, value); } });
    return keep.toString();
  }

  // Where focus was inside the result, so it can return to the same control after a redraw.
  function focusKey(el) {
    if (!el || el === document.body) { return null; }
    if (el.id) { return "#" + CSS.escape(el.id); }
    if (el.matches("a[href]")) { return 'a[href="' + CSS.escape(el.getAttribute("href")) + '"]'; }
    return null;
  }

  function placeFocus(hadFocus) {
    var how = focusAfter;
    focusAfter = null;
    if (how) { how(); return; }
    if (!hadFocus) { return; }
    var again = document.querySelector(hadFocus);
    (again || result).focus();
  }

  function refresh() {
    var q = query();
    var active = document.activeElement;
    var inside = (resultBody.contains(active) || nextSlot.contains(active)) ? (focusKey(active) || "#result") : null;
    if (pending) { pending.abort(); }
    pending = new AbortController();
    result.setAttribute("aria-busy", "true");
    fetch(form.action + "?" + q + (q ? "&" : "") + "fragment=1",
          { signal: pending.signal, headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("update-result");
        var next = doc.getElementById("update-next");
        if (!fresh || !next) { return Promise.reject("unexpected response"); }
        resultBody.replaceChildren.apply(resultBody, Array.prototype.slice.call(fresh.childNodes));
        nextSlot.replaceChildren.apply(nextSlot, Array.prototype.slice.call(next.childNodes));
        result.classList.remove("failed");
        result.removeAttribute("aria-busy");
        history.replaceState(null, "", form.action + (q ? "?" + q : ""));
        placeFocus(inside);
      })
      .catch(function (e) {
        if (e && e.name === "AbortError") { return; }
        // Keep the last result, say plainly that it is not for these ticks; submit still works.
        result.classList.add("failed");
        result.removeAttribute("aria-busy");
        placeFocus(inside);
      });
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 120);
  }

  // Counts on each category's summary: what is ticked in it, even while it is collapsed.
  function updateCount(group) {
    var count = group.querySelector(".count");
    if (!count) { return; }
    var present = group.querySelectorAll('input[type=radio][value="present"]:checked').length;
    var absent = group.querySelectorAll('input[type=radio][value="absent"]:checked').length;
    var parts = [];
    if (present) { parts.push(present + " present"); }
    if (absent) { parts.push(absent + " absent"); }
    count.textContent = count.dataset.total + " findings" + (parts.length ? ": " + parts.join(", ") : "");
  }

  form.addEventListener("change", function (e) {
    if (!e.target.name) { return; } // the filter box is not part of the form's data
    var group = e.target.closest("details.group");
    if (group) { updateCount(group); }
    schedule();
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); refresh(); });

  // One-click ticks from "Next questions" set the radio in the checklist; focus then goes to
  // the question now in the same place (the next one to ask), or to the list's heading.
  document.addEventListener("click", function (e) {
    var link = e.target.closest("a.tick");
    if (!link) { return; }
    var list = nextSlot.contains(link) ? nextSlot : resultBody;
    var input = form.querySelector('input[name="' + CSS.escape(link.dataset.finding) + '"][value="' + CSS.escape(link.dataset.state) + '"]');
    if (!input) { return; }
    e.preventDefault();
    input.checked = true;
    var group = input.closest("details.group");
    if (group) { updateCount(group); }
    var items = Array.prototype.slice.call(list.querySelectorAll(".next li"));
    var index = items.indexOf(link.closest("li"));
    var state = link.dataset.state;
    focusAfter = function () {
      var rows = list.querySelectorAll(".next li");
      var row = rows[Math.min(index, rows.length - 1)];
      var target = row && row.querySelector('a.tick[data-state="' + state + '"]');
      (target || nextSlot.querySelector(".next-box")).focus();
    };
    clearTimeout(timer);
    refresh();
  });

  // Type to filter: by label, question and synonyms, forgiving as the reference search is.
  var row = document.getElementById("filter-row");
  var box = document.getElementById("finding-filter");
  var status = document.getElementById("filter-status");
  if (!row || !box || !status) { return; }
  row.hidden = false;
  var groups = Array.prototype.slice.call(form.querySelectorAll("details.group"));
  var findings = Array.prototype.slice.call(form.querySelectorAll("fieldset.finding"));
  var terms = findings.map(function (f) { return (f.dataset.terms || "").split(" "); });
  var savedOpen = null;
  var STOP = " a an and are at by for from has have in is it of on or the to with ";

  function stem(w) {
    if (w.length > 4 && /ies$/.test(w)) { return w.slice(0, -3) + "y"; }
    if (w.length > 5 && /ing$/.test(w)) { return w.slice(0, -3); }
    if (w.length > 4 && /ed$/.test(w) && !/eed$/.test(w)) { return w.slice(0, -2); }
    if (w.length > 4 && /(ches|shes|sses|xes)$/.test(w)) { return w.slice(0, -2); }
    if (w.length > 3 && /s$/.test(w) && !/(ss|us|is)$/.test(w)) { return w.slice(0, -1); }
    return w;
  }

  function words(text) {
    var plain = text.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
      .replace(/['\u2019\u2018`\u00b4]/g, "").replace(/[^\p{L}\p{N}]+/gu, " ").trim();
    if (!plain) { return []; }
    return plain.split(" ").filter(function (w) { return STOP.indexOf(" " + w + " ") < 0; }).map(stem);
  }

  function within(a, b, limit) {
    if (Math.abs(a.length - b.length) > limit) { return false; }
    var prev = [], cur = [], i, j;
    for (j = 0; j <= b.length; j++) { prev[j] = j; }
    for (i = 1; i <= a.length; i++) {
      cur = [i];
      var low = i;
      for (j = 1; j <= b.length; j++) {
        cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        low = Math.min(low, cur[j]);
      }
      if (low > limit) { return false; }
      prev = cur;
    }
    return prev[b.length] <= limit;
  }

  function exactOrPrefix(typed, word) {
    return typed === word || (typed.length >= 2 && word.indexOf(typed) === 0);
  }

  function wordMatches(typed, word) {
    if (exactOrPrefix(typed, word)) { return true; }
    var limit = typed.length >= 8 ? 2 : typed.length >= 4 ? 1 : 0;
    return limit > 0 && (within(typed, word, limit) || within(typed, word.slice(0, typed.length), limit));
  }

  function applyFilter() {
    var typed = words(box.value);
    // While filtering, the matches come straight under the box.
    nextSlot.hidden = typed.length > 0;
    if (!typed.length) {
      findings.forEach(function (f) { f.hidden = false; });
      groups.forEach(function (g, i) {
        g.hidden = false;
        if (savedOpen) { g.open = savedOpen[i] || !!g.querySelector('input[value]:checked:not([value=""])'); }
      });
      savedOpen = null;
      status.textContent = "";
      return;
    }
    if (!savedOpen) { savedOpen = groups.map(function (g) { return g.open; }); }
    // As the reference search does: near spellings count only for a word found nowhere as typed.
    var strict = typed.map(function (t) {
      return terms.some(function (ws) { return ws.some(function (w) { return exactOrPrefix(t, w); }); });
    });
    var shown = 0;
    findings.forEach(function (f, i) {
      var ok = typed.every(function (t, k) {
        return terms[i].some(function (w) { return strict[k] ? exactOrPrefix(t, w) : wordMatches(t, w); });
      });
      f.hidden = !ok;
      if (ok) { shown += 1; }
    });
    groups.forEach(function (g) {
      var any = !!g.querySelector("fieldset.finding:not([hidden])");
      g.hidden = !any;
      if (any) { g.open = true; }
    });
    status.textContent = shown === 0 ? "No finding matches." : shown === 1 ? "1 finding matches." : shown + " findings match.";
  }

  box.addEventListener("input", applyFilter);
  box.addEventListener("keydown", function (e) {
    if (e.key === "Enter") {
      // Enter would submit the form: go to the first matching finding's choice instead.
      e.preventDefault();
      var first = form.querySelector("fieldset.finding:not([hidden]) input[type=radio]:checked") ||
        form.querySelector("fieldset.finding:not([hidden]) input[type=radio]");
      if (first) { first.focus(); }
    } else if (e.key === "Escape" && box.value) {
      e.preventDefault();
      box.value = "";
      applyFilter();
    }
  });
})();
