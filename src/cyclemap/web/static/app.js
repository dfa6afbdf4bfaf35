// cyclemap web app: the drop zone. The file goes as the request body, with the CSRF token
// in a header; the upload shows its progress, then the import's own progress takes over.
(function () {
  "use strict";
  function ready(fn) { if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn); }
  ready(function () {
    var form = document.getElementById("upload");
    if (!form) return;
    var input = document.getElementById("file");
    var bar = document.getElementById("upload-progress");
    var message = document.getElementById("upload-message");
    var csrf = document.body.getAttribute("data-csrf");
    var limit = parseInt(form.getAttribute("data-limit"), 10) * 1024 * 1024;

    function send(file) {
      if (!file) return;
      if (file.size > limit) { message.textContent = "This file is larger than " + form.getAttribute("data-limit") + " MB, the most cyclemap takes at once. Nothing was stored."; return; }
      message.textContent = "Uploading " + file.name + "…";
      bar.hidden = false; bar.value = 0;
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.getAttribute("action") + "?name=" + encodeURIComponent(file.name));
      xhr.setRequestHeader("X-CSRF-Token", csrf);
      xhr.setRequestHeader("Content-Type", "application/octet-stream");
      xhr.setRequestHeader("HX-Request", "true");
      xhr.upload.onprogress = function (e) { if (e.lengthComputable) bar.value = Math.round(100 * e.loaded / e.total); };
      xhr.onload = function () {
        bar.hidden = true;
        if (xhr.status === 202) {
          message.textContent = "Uploaded. Reading it now…";
          var jobs = document.getElementById("jobs");
          jobs.insertAdjacentHTML("afterbegin", xhr.responseText);
          if (window.htmx) window.htmx.process(jobs.firstElementChild);
        } else {
          var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
          var text = doc.querySelector(".message");
          message.textContent = text ? text.textContent : "The upload did not work (" + xhr.status + ").";
        }
        input.value = "";
      };
      xhr.onerror = function () { bar.hidden = true; message.textContent = "The upload did not reach cyclemap. Is it still running?"; };
      xhr.send(file);
    }

    input.addEventListener("change", function () { send(input.files[0]); });
    ["dragenter", "dragover"].forEach(function (name) {
      form.addEventListener(name, function (e) { e.preventDefault(); form.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      form.addEventListener(name, function (e) { e.preventDefault(); form.classList.remove("over"); });
    });
    form.addEventListener("drop", function (e) { if (e.dataTransfer && e.dataTransfer.files.length) send(e.dataTransfer.files[0]); });
    form.addEventListener("submit", function (e) { e.preventDefault(); send(input.files[0]); });
  });
})();
