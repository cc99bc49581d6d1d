// Starts ReDoc on /redoc; the page's Content-Security-Policy forbids inline
// scripts, so the OpenAPI address comes from the container's data- attributes,
// and so does the nonce the policy gives ReDoc's generated <style> elements.
(function () {
  "use strict";
  var root = document.getElementById("redoc");
  window.Redoc.init(
    root.dataset.openapiUrl,
    { nonce: root.dataset.styleNonce },
    root
  );
})();
