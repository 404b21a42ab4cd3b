/* Built by scripts/build_assets.py: do not edit. */
/* js/listen.js */
// The parent's pages: a "Listen" button that reads the page aloud with the phone's own speech
// (speechSynthesis); nothing is sent anywhere. Without script or speech the button stays hidden.
(function () {
  "use strict";
  var button = document.getElementById("listen");
  if (!button || !("speechSynthesis" in window)) return;
  var start = button.textContent;
  var speaking = false;
  button.hidden = false;
  button.addEventListener("click", function () {
    var speech = window.speechSynthesis;
    if (speaking) {
      speech.cancel();
      return;
    }
    var main = document.getElementById("main");
    var text = Array.prototype.map
      .call(main.querySelectorAll("h1, h2, p, li, label, legend, dt, dd"), function (el) {
        return el.innerText;
      })
      .join(". ");
    var say = new SpeechSynthesisUtterance(text);
    say.lang = document.documentElement.lang;
    say.onend = say.onerror = function () {
      speaking = false;
      button.textContent = start;
    };
    speaking = true;
    button.textContent = button.getAttribute("data-stop");
    speech.speak(say);
  });
})();
;
