// Swagger UI (/api/v1/docs/) renders two controls of its Authorize dialog without a fitting
// accessible name: the icon-only close button has none, and the Authorize buttons are
// labelled "Apply credentials", which is not the text a voice user sees and says. Name them.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || !window.MutationObserver) { return; }
  function name(selector, label) {
    root.querySelectorAll(selector).forEach(function (el) {
      if (el.getAttribute("aria-label") !== label) { el.setAttribute("aria-label", label); }
    });
  }
  function fix() {
    name(".close-modal", "Close");
    name('.auth-btn-wrapper .authorize[aria-label="Apply credentials"]', "Authorize: apply credentials");
    name('.auth-btn-wrapper .authorize[aria-label="Remove authorization"]', "Logout: remove authorization");
  }
  new MutationObserver(fix).observe(root, { childList: true, subtree: true });
  fix();
})();
