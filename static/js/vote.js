/* Public vote: cast a vote without leaving the page; the form still works without JavaScript. */
(function () {
  "use strict";
  var status = document.getElementById("vote-status");
  var forms = document.querySelectorAll("form[data-vote]");
  if (!status || !window.fetch || !forms.length) { return; }
  Array.prototype.forEach.call(forms, function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button");
      if (button) { button.disabled = true; }
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { "Accept": "application/json" },
        credentials: "same-origin"
      }).then(function (response) { return response.json(); }).then(function (data) {
        var p = document.createElement("p");
        p.textContent = data.message;
        status.replaceChildren(p);
        if (data.voted) {
          var done = document.createElement("p");
          done.className = "voted";
          var strong = document.createElement("strong");
          strong.textContent = "\u2713 " + data.message;
          done.appendChild(strong);
          form.replaceWith(done);
          if (data.left === 0) {
            Array.prototype.forEach.call(document.querySelectorAll("form[data-vote] button"), function (b) {
              b.disabled = true;
            });
          }
        } else if (button) {
          button.disabled = false;
        }
      }).catch(function () { form.submit(); });
    });
  });
})();
