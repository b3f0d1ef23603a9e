// planbook search: loads this language's passage index only when the reader searches, then
// matches every query term as a substring (so Chinese words inside unspaced text are found)
// and case-insensitively for Latin script. Results link to the exact passage.
(function () {
  var list = document.getElementById("search-results");
  var form = document.querySelector(".search-form");
  var status = document.getElementById("search-status");
  var input = document.getElementById("q");
  var sector = document.getElementById("sector");
  var index = null;

  function load(cb) {
    if (index) return cb(index);
    status.textContent = list.getAttribute("data-loading");
    fetch(list.getAttribute("data-index"))
      .then(function (r) { return r.json(); })
      .then(function (data) { index = data; cb(index); })
      .catch(function () { status.textContent = list.getAttribute("data-none"); });
  }

  function terms(q) {
    return q.toLowerCase().split(/\s+/).filter(function (t) { return t.length > 0; });
  }

  function excerpt(text, term) {
    var i = text.toLowerCase().indexOf(term);
    var start = Math.max(0, i - 40);
    var end = Math.min(text.length, i + term.length + 80);
    var frag = document.createDocumentFragment();
    if (start > 0) frag.appendChild(document.createTextNode("…"));
    frag.appendChild(document.createTextNode(text.slice(start, i)));
    var m = document.createElement("mark");
    m.textContent = text.slice(i, i + term.length);
    frag.appendChild(m);
    frag.appendChild(document.createTextNode(text.slice(i + term.length, end)));
    if (end < text.length) frag.appendChild(document.createTextNode("…"));
    return frag;
  }

  function run(q, s) {
    var ts = terms(q);
    list.textContent = "";
    if (!ts.length) { status.textContent = ""; return; }
    load(function (idx) {
      var hits = [];
      idx.passages.forEach(function (p) {
        var low = p.text.toLowerCase();
        if (s && p.sectors.indexOf(s) < 0) return;
        var score = 0;
        for (var k = 0; k < ts.length; k++) {
          var n = low.split(ts[k]).length - 1;
          if (n === 0) return;
          score += n;
        }
        hits.push({ p: p, score: score });
      });
      hits.sort(function (a, b) { return b.score - a.score || a.p.order - b.p.order; });
      status.textContent = hits.length ? list.getAttribute("data-count").replace("{n}", hits.length) : list.getAttribute("data-none");
      var rootPath = list.getAttribute("data-root");
      hits.slice(0, 100).forEach(function (h) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = rootPath + h.p.url;
        a.textContent = h.p.title;
        var q = document.createElement("blockquote");
        q.appendChild(excerpt(h.p.text, ts[0]));
        li.appendChild(a);
        li.appendChild(q);
        list.appendChild(li);
      });
    });
  }

  var params = new URLSearchParams(location.search);
  var q0 = params.get("q") || "";
  var s0 = params.get("sector") || "";
  input.value = q0;
  if (s0) sector.value = s0;
  if (q0) run(q0, s0);
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var url = new URL(location.href);
    url.searchParams.set("q", input.value);
    if (sector.value) url.searchParams.set("sector", sector.value); else url.searchParams.delete("sector");
    history.replaceState(null, "", url);
    run(input.value, sector.value);
  });
})();
