// piccolo-admin names each table in its side menu and page headings by the database name
// ("contest round"). The page carries the Vietnamese names (a JSON block written by the server);
// this replaces those texts as the single-page admin draws them.
(function () {
  "use strict";
  var block = document.getElementById("sangtao-admin-labels");
  if (!block) { return; }
  var names;
  try { names = JSON.parse(block.textContent); } catch (e) { return; }
  var byReadable = {};
  Object.keys(names).forEach(function (table) {
    byReadable[table.split("_").join(" ").toLowerCase()] = names[table];
  });

  function rename(root) {
    var links = root.querySelectorAll ? root.querySelectorAll("a[href*='#/']") : [];
    links.forEach(function (link) {
      var table = (link.getAttribute("href") || "").split("#/")[1] || "";
      table = table.split(/[/?]/)[0];
      var label = names[table];
      var span = link.querySelector("span");
      if (label && span && span.textContent !== label) { span.textContent = label; }
    });
    var headings = root.querySelectorAll ? root.querySelectorAll("h1, h2, .title, p.title") : [];
    headings.forEach(function (el) {
      if (el.children.length) { return; }
      var label = byReadable[el.textContent.trim().toLowerCase()];
      if (label && el.textContent !== label) { el.textContent = label; }
    });
  }

  var scheduled = false;
  var observer = new MutationObserver(function () {
    if (scheduled) { return; }
    scheduled = true;
    window.requestAnimationFrame(function () { scheduled = false; rename(document.body); });
  });
  function start() {
    rename(document.body);
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
