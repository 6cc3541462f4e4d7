// piccolo-admin shows and reads timestamps in the time zone kept under "defaultTimezone"
// (UTC when unset). Officials work in Hà Nội time: make it the default, keep a zone someone chose.
(function () {
  try {
    if (!window.localStorage.getItem("defaultTimezone")) {
      window.localStorage.setItem("defaultTimezone", "Asia/Ho_Chi_Minh");
    }
  } catch (e) { /* storage unavailable: the admin falls back to UTC */ }
})();
