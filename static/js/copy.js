// Copy the clinical note to the clipboard; the text stays selectable without JavaScript.
(function () {
  "use strict";
  var button = document.getElementById("copy-note");
  if (!button || !navigator.clipboard) { return; }
  button.addEventListener("click", function () {
    var text = document.getElementById(button.dataset.target).innerText;
    navigator.clipboard.writeText(text).then(function () {
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = "Copy to clipboard"; }, 2000);
    });
  });
})();
