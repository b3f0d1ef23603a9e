// planbook: dark-mode toggle (remembered), language switch that keeps the reader's place, and
// list filters. Deferred; a two-line inline script in <head> applies the stored theme before
// the first paint, and this file repeats it for pages that lack that script.
(function () {
  var root = document.documentElement;
  // Tells the stylesheet that scripts run: the theme toggle is shown from the first paint.
  root.classList.add("js");
  var stored = null;
  try { stored = localStorage.getItem("planbook-theme"); } catch (e) {}
  if (stored === "dark" || stored === "light") root.setAttribute("data-theme", stored);

  function isDark() {
    var t = root.getAttribute("data-theme");
    if (t) return t === "dark";
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  }

  // The top of the reading area: below the header when the header stays in view.
  function topLine() {
    var header = document.querySelector(".site-header");
    return header ? Math.max(0, header.getBoundingClientRect().bottom) : 0;
  }

  // The passage at the top of the window: its id is the place to keep across languages.
  function currentAnchor() {
    var top = topLine();
    if (location.hash) {
      var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
      if (target) {
        var r = target.getBoundingClientRect();
        if (r.bottom > top && r.top < window.innerHeight) return location.hash.slice(1);
      }
    }
    var nodes = document.querySelectorAll("main [id]");
    for (var i = 0; i < nodes.length; i++) {
      var rect = nodes[i].getBoundingClientRect();
      if (rect.bottom > top && rect.height > 0) return rect.top < window.innerHeight ? nodes[i].id : "";
    }
    return "";
  }

  // The header's height, for the sticky header's scroll offsets (style.css).
  function measureHeader() {
    var header = document.querySelector(".site-header");
    if (header) root.style.setProperty("--header-h", header.offsetHeight + "px");
  }

  document.addEventListener("DOMContentLoaded", function () {
    measureHeader();
    var header = document.querySelector(".site-header");
    if (header && window.ResizeObserver) new ResizeObserver(measureHeader).observe(header);
    else window.addEventListener("resize", measureHeader);
    // On a narrow screen the contents start folded, so the page's own text comes first.
    var toc = document.querySelector(".toc details");
    if (toc && window.matchMedia && window.matchMedia("(max-width: 59.99rem)").matches) toc.open = false;
    var toggle = document.querySelector(".theme-toggle");
    if (toggle) {
      toggle.setAttribute("aria-pressed", String(isDark()));
      toggle.addEventListener("click", function () {
        var next = isDark() ? "light" : "dark";
        root.setAttribute("data-theme", next);
        try { localStorage.setItem("planbook-theme", next); } catch (e) {}
        toggle.setAttribute("aria-pressed", String(next === "dark"));
      });
    }
    var sw = document.querySelector("[data-keep-place]");
    if (sw) {
      sw.addEventListener("click", function () {
        var a = window.scrollY > 0 || location.hash ? currentAnchor() : "";
        var base = sw.getAttribute("href").split("#")[0];
        sw.setAttribute("href", a ? base + "#" + encodeURIComponent(a) : base);
      });
    }
    var filter = document.querySelector("[data-filter]");
    var sectorFilter = document.querySelector("[data-sector-filter]");
    function applyFilters() {
      var sel = (filter || sectorFilter).getAttribute(filter ? "data-filter" : "data-sector-filter");
      var q = filter ? filter.value.trim().toLowerCase() : "";
      var s = sectorFilter ? sectorFilter.value : "";
      document.querySelectorAll(sel).forEach(function (li) {
        var okText = !q || li.textContent.toLowerCase().indexOf(q) >= 0;
        var okSector = !s || (" " + (li.getAttribute("data-sectors") || "") + " ").indexOf(" " + s + " ") >= 0;
        li.hidden = !(okText && okSector);
      });
    }
    if (filter) filter.addEventListener("input", applyFilters);
    if (sectorFilter) sectorFilter.addEventListener("change", applyFilters);
  });
})();
