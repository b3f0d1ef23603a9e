// planbook: dark-mode toggle (remembered), a language switch that keeps the passage being read,
// a link and a citation for every passage, footnotes that stay on the page, and list filters.
// Deferred; a two-line inline script in <head> applies the stored theme before the first paint,
// and this file repeats it for pages that lack that script. Nothing here moves laid-out text:
// what it adds is positioned out of the flow, so there is no layout shift.
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

  // ----- Place-keeping -----------------------------------------------------------------------

  // The top of the reading area: below the header while the header stays in view.
  function topLine() {
    var header = document.querySelector(".site-header");
    return header ? Math.max(0, header.getBoundingClientRect().bottom) : 0;
  }

  // Elements that mark a place: anything in <main> with an id that is laid out as a block
  // (a paragraph, list item, heading, box, category or row), not an inline mark inside one.
  function places() {
    return Array.prototype.filter.call(document.querySelectorAll("main [id]"), function (e) {
      if (e.id === "pb-status" || e.closest(".cite-bar")) return false;
      var d = getComputedStyle(e).display;
      return d !== "none" && d.indexOf("inline") !== 0 && e.getBoundingClientRect().height > 0;
    });
  }

  // The passage being read: the innermost place under a line a little below the top of the
  // reading area (just below where a followed link puts a passage, so a paragraph scrolled
  // almost out of view counts as read), or, when that line falls between passages, the next.
  function currentAnchor() {
    var top = topLine();
    // The passage the address names, while it is still at the top, or below the top at the
    // foot of the page, where it could not be scrolled any higher.
    if (location.hash) {
      var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
      if (target) {
        var r = target.getBoundingClientRect();
        var atFoot = window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2;
        var limit = atFoot ? window.innerHeight : top + window.innerHeight / 4;
        if (r.top >= top - 2 && r.top < limit) return target.id;
      }
    }
    var y = top + 28;
    var all = places();
    var best = null;
    for (var i = 0; i < all.length; i++) {
      var rect = all[i].getBoundingClientRect();
      if (rect.top <= y && rect.bottom > y) best = all[i];
    }
    for (var j = 0; j < all.length; j++) {
      if (best && !best.contains(all[j])) continue;
      var rj = all[j].getBoundingClientRect();
      if (rj.top > y && rj.top < window.innerHeight) return all[j].id;
    }
    return best ? best.id : "";
  }

  function keepPlace(sw) {
    sw.addEventListener("click", function () {
      var base = sw.getAttribute("href").split("#")[0].split("?")[0];
      // The search page keeps its query; a reading page keeps its passage.
      var search = document.body.classList.contains("page-search") ? location.search : "";
      var a = window.scrollY > 0 || location.hash ? currentAnchor() : "";
      // Side by side, a 专栏 box in the other language carries that language's prefix
      // ("en-s1-…"); in the other language's view the same item is the unprefixed one.
      var other = (sw.getAttribute("hreflang") || "").split("-")[0];
      if (other && document.body.classList.contains("page-parallel")) a = a.replace(new RegExp("^" + other + "-"), "");
      sw.setAttribute("href", base + search + (a ? "#" + encodeURIComponent(a) : ""));
    });
  }

  // ----- Links and citations for passages ----------------------------------------------------

  var PASSAGES = ".chapter .prose p[id], .chapter .prose li[id], .chapter .prose h2[id], " +
    ".chapter .prose h3[id], .chapter .prose h4[id], .page-sidebar main li[id]";
  var data = document.body ? document.body.dataset : {};
  var bar = null;
  var selected = null;

  function announce(text) {
    var status = document.getElementById("pb-status");
    if (!status) return;
    status.textContent = "";
    setTimeout(function () { status.textContent = text; }, 50);
  }

  // The passage's permanent address in this language: the published address when the site
  // has one, else the address it was opened from (which works from disk too).
  function permalink(id) {
    var base = data.permalink || location.href.split("#")[0];
    return base + "#" + encodeURIComponent(id);
  }

  // Text of a passage without the controls added to it, cut to a short quotation.
  function excerpt(el) {
    var copy = el.cloneNode(true);
    copy.querySelectorAll(".pl, .footnote-reference, .editor-note").forEach(function (x) { x.remove(); });
    var text = copy.textContent.replace(/\s+/g, " ").trim();
    var latin = (root.lang || "").indexOf("zh") !== 0;
    if (latin) {
      var words = text.split(" ");
      return words.length > 14 ? words.slice(0, 12).join(" ") + " …" : text;
    }
    return text.length > 30 ? text.slice(0, 28) + "……" : text;
  }

  function citation(el) {
    var values = { issuer: data.issuer, plan: data.plan, period: data.period, page: data.pageTitle, excerpt: excerpt(el), url: permalink(el.id) };
    return (data.citeFormat || "{excerpt} {url}").replace(/\{(\w+)\}/g, function (m, k) {
      return values[k] !== undefined ? values[k] : m;
    });
  }

  // Copies `text`: the Clipboard API where allowed, else a selected text field and the copy
  // command; if both fail the text is shown, selected, for the reader to copy.
  function copy(text, done) {
    function fallback() {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "cite-fallback";
      bar.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) {}
      if (ok) { area.remove(); done(true); }
      else { area.setAttribute("aria-label", data.tCopyFailed); area.focus(); done(false); }
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, fallback);
    } else {
      fallback();
    }
  }

  function button(label, cls, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = cls;
    b.textContent = label;
    b.addEventListener("click", onClick);
    return b;
  }

  // The bar at the foot of the window that offers the selected passage's citation and link.
  function citeBar() {
    if (bar) return bar;
    bar = document.createElement("div");
    bar.className = "cite-bar";
    bar.hidden = true;
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", data.tCite);
    var msg = document.createElement("p");
    msg.className = "cite-msg";
    bar.appendChild(msg);
    bar.appendChild(button(data.tCite, "cite", function () {
      var text = citation(selected);
      copy(text, function (ok) { say(ok ? data.tCopied : data.tCopyFailed); });
    }));
    bar.appendChild(button(data.tCopyLink, "copy-link", function () {
      copy(permalink(selected.id), function (ok) { say(ok ? data.tLinkCopied : data.tCopyFailed); });
    }));
    bar.appendChild(button("×", "close", closeBar));
    bar.lastChild.setAttribute("aria-label", data.tClose);
    bar.addEventListener("keydown", function (e) { if (e.key === "Escape") closeBar(); });
    document.querySelector("main").appendChild(bar);
    return bar;
  }

  function say(text) {
    bar.querySelector(".cite-msg").textContent = text;
    announce(text);
  }

  function select(el, focusBar) {
    if (selected) selected.classList.remove("pb-selected");
    selected = el;
    el.classList.add("pb-selected");
    var b = citeBar();
    var old = b.querySelector(".cite-fallback");
    if (old) old.remove();
    b.querySelector(".cite-msg").textContent = excerpt(el);
    b.hidden = false;
    // After the link's own jump to the passage, which would otherwise take the focus.
    if (focusBar) setTimeout(function () { b.querySelector(".cite").focus(); }, 0);
  }

  function closeBar() {
    if (!bar || bar.hidden) return;
    bar.hidden = true;
    if (selected) {
      selected.classList.remove("pb-selected");
      var link = selected.querySelector(".pl");
      if (link) link.focus();
    }
    selected = null;
  }

  // A ¶ link in the margin of every passage (shown on hover and focus, and always on touch
  // screens); following it, or tapping the passage's text, offers the citation.
  function addPassageLinks() {
    var touch = window.matchMedia && window.matchMedia("(hover: none)").matches;
    document.querySelectorAll(PASSAGES).forEach(function (el) {
      var a = document.createElement("a");
      a.className = "pl";
      a.href = "#" + encodeURIComponent(el.id);
      a.textContent = "¶";
      a.setAttribute("aria-label", data.tLink + ": " + excerpt(el));
      a.addEventListener("click", function () { select(el, true); });
      el.insertBefore(a, el.firstChild);
      // On a touch screen, with no hover to show the ¶, tapping the text offers the citation.
      if (touch) el.addEventListener("click", function (e) {
        if (e.target.closest("a, button, input, select, textarea")) return;
        var sel = window.getSelection && window.getSelection();
        if (sel && String(sel).length > 0) return;
        select(el, false);
      });
    });
  }

  // ----- Footnotes: stay on the page, and lead back to where they were cited ----------------

  function fixFootnotes() {
    var seen = {};
    document.querySelectorAll(".footnote-reference a[href*='#']").forEach(function (a) {
      var id = decodeURIComponent(a.getAttribute("href").split("#")[1] || "");
      if (!document.getElementById(id)) return;
      a.setAttribute("href", "#" + encodeURIComponent(id));
      if (!seen[id]) {
        seen[id] = true;
        a.parentNode.id = "fnref-" + id;
      }
    });
    Object.keys(seen).forEach(function (id) {
      var def = document.getElementById(id);
      var back = document.createElement("a");
      back.className = "fn-back";
      back.href = "#fnref-" + encodeURIComponent(id);
      back.textContent = "↩";
      back.setAttribute("aria-label", data.tBack);
      def.appendChild(back);
    });
  }

  // ----- Start -------------------------------------------------------------------------------

  function themeToggle(toggle) {
    toggle.addEventListener("click", function () {
      var next = isDark() ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try { localStorage.setItem("planbook-theme", next); } catch (e) {}
    });
  }

  function filters() {
    var filter = document.querySelector("[data-filter]");
    var sectorFilter = document.querySelector("[data-sector-filter]");
    function applyFilters() {
      var sel = (filter || sectorFilter).getAttribute(filter ? "data-filter" : "data-sector-filter");
      var q = filter ? filter.value.trim().toLowerCase() : "";
      var s = sectorFilter ? sectorFilter.value : "";
      document.querySelectorAll(sel).forEach(function (li) {
        var okText = !q || li.textContent.toLowerCase().indexOf(q) >= 0;
        var okSector = !s || (" " + (li.getAttribute("data-sectors") || "") + " ").indexOf(" " + s + " ") >= 0;
        var okFacets = facets.every(function (f) {
          return !f.value || (" " + (li.getAttribute("data-" + f.getAttribute("data-facet")) || "") + " ").indexOf(" " + f.value + " ") >= 0;
        });
        li.hidden = !(okText && okSector && okFacets);
      });
    }
    // Further filters (the project explorer's box, category, enterprise, kind): a select with
    // data-facet="NAME" keeps the items whose data-NAME lists its value.
    var facets = Array.prototype.slice.call(document.querySelectorAll("select[data-facet]"));
    facets.forEach(function (f) { f.addEventListener("change", applyFilters); });
    if (filter) filter.addEventListener("input", applyFilters);
    if (sectorFilter) sectorFilter.addEventListener("change", applyFilters);
  }

  function start() {
    data = document.body.dataset;
    var toggle = document.querySelector(".theme-toggle");
    if (toggle) themeToggle(toggle);
    var sw = document.querySelector("[data-keep-place]");
    if (sw) keepPlace(sw);
    if (data.citeFormat) addPassageLinks();
    fixFootnotes();
    filters();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
