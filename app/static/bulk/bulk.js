/* Bulk filing: poll the batch's status (small JSON) and move the progress bar; reload the
   page when the batch is done so the summary and the row errors show. No library, no CDN. */
(function () {
  var script = document.getElementById("bulk-poll");
  if (!script) { return; }
  var url = script.getAttribute("data-status-url");
  var bar = document.getElementById("bulk-progress-bar");
  var text = document.getElementById("bulk-progress-text");
  function tick() {
    var xhr = new XMLHttpRequest();
    xhr.open("GET", url, true);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.onload = function () {
      if (xhr.status !== 200) { text.textContent = "查询进度失败（" + xhr.status + "），请刷新页面。"; return; }
      var s = JSON.parse(xhr.responseText);
      var pct = Math.max(0, Math.min(100, s.progress || 0));
      bar.style.width = pct + "%";
      bar.setAttribute("aria-valuenow", pct);
      bar.textContent = pct + "%";
      text.textContent = s.status_label + "……" + (s.total ? "共 " + s.total + " 行。" : "");
      if (s.done) { window.location.reload(); return; }
      window.setTimeout(tick, 1000);
    };
    xhr.onerror = function () { window.setTimeout(tick, 3000); };
    xhr.send();
  }
  window.setTimeout(tick, 500);
})();
