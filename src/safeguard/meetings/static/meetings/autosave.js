// Keeps a meeting item's notes as a draft on the server while the chair types.
// Without JavaScript the Save notes button does the same; this only saves sooner.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var status = form.querySelector(".sg-autosave-status");
  var timer = null;
  var dirty = false;

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function save(keepalive) {
    if (!dirty) {
      return;
    }
    dirty = false;
    fetch(form.getAttribute("data-autosave"), {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      keepalive: !!keepalive,
      headers: { "X-Autosave": "1" }
    }).then(function (response) {
      if (response.ok) {
        var now = new Date();
        say("Draft saved at " + now.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" }));
      } else {
        dirty = true;
        say("Not saved: press Save notes to see what needs changing");
      }
    }).catch(function () {
      dirty = true;
      say("Not saved: no connection. Your notes stay on this page; we will try again.");
    });
  }

  form.addEventListener("input", function () {
    dirty = true;
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { save(false); }, 2000);
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      save(true);
    }
  });
  window.setInterval(function () { save(false); }, 15000);
})();
