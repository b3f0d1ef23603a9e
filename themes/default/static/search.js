// planbook search. The index is split in files (see src/render/search/index.rs): a manifest,
// gram shards and text chunks, each a script calling planbookSearch(kind, n, data), so it loads
// from disk (file://) as from a server. A query loads the shards of its grams, intersects their
// postings, then checks the candidates' text chunk by chunk, in rank order, until a page of
// results is found: every term must occur as a substring (Chinese words inside unspaced text
// are found), case-insensitively. Names of enterprises, sectors, terms and targets are indexed
// in both languages, so either language's name finds them from either search page.
(function () {
  "use strict";

  // ---- Pure logic (also run by tests/search.test.js under node) ----

  var WORD = /[\p{L}\p{N}]/u;
  var QUOTES = /["\u201c\u201d\u300c\u300d]/;

  function norm(s) { return s.toLowerCase(); }

  // Runs of letters and digits of s, lowercased, each an array of characters.
  function runs(s) {
    var out = [], cur = [];
    Array.from(norm(s)).forEach(function (c) {
      if (WORD.test(c)) cur.push(c);
      else if (cur.length) { out.push(cur); cur = []; }
    });
    if (cur.length) out.push(cur);
    return out;
  }

  function isAscii(c) { return c !== undefined && c.charCodeAt(0) < 128; }

  // The grams starting at run[i], the most telling first (as grams_at in index.rs): three
  // ASCII characters, a pair with a Chinese character, a whole two-character ASCII run, a
  // Chinese character alone.
  function gramsAt(r, i) {
    var out = [];
    if (i + 2 < r.length && isAscii(r[i]) && isAscii(r[i + 1]) && isAscii(r[i + 2])) out.push(r[i] + r[i + 1] + r[i + 2]);
    if (i + 1 < r.length && !(isAscii(r[i]) && isAscii(r[i + 1]))) out.push(r[i] + r[i + 1]);
    if (r.length === 2 && i === 0 && isAscii(r[0]) && isAscii(r[1])) out.push(r[0] + r[1]);
    if (!isAscii(r[i])) out.push(r[i]);
    return out;
  }

  // The grams a query term needs: all but single characters, unless a run is one character.
  function grams(term) {
    var out = [];
    runs(term).forEach(function (r) {
      for (var i = 0; i < r.length; i++) {
        gramsAt(r, i).forEach(function (g) {
          if ((r.length === 1 || Array.from(g).length > 1) && out.indexOf(g) < 0) out.push(g);
        });
      }
    });
    return out;
  }

  // At most MAX_GRAMS grams per term, spread from first to last: each is a small shard to
  // load, and each narrows the candidates whose text chunks must be loaded and checked.
  var MAX_GRAMS = 6;
  function someGrams(term) {
    var g = grams(term);
    if (g.length <= MAX_GRAMS) return g;
    var out = [];
    for (var k = 0; k < MAX_GRAMS; k++) out.push(g[Math.round(k * (g.length - 1) / (MAX_GRAMS - 1))]);
    return out;
  }

  function firstGram(s) {
    var r = runs(s)[0];
    return r ? gramsAt(r, 0)[0] || null : null;
  }

  // FNV-1a over code points, as gram_hash in index.rs.
  function gramHash(g) {
    var h = 0x811c9dc5;
    Array.from(g).forEach(function (c) {
      h = (h ^ c.codePointAt(0)) >>> 0;
      h = Math.imul(h, 0x01000193) >>> 0;
    });
    return h;
  }

  function collapse(s) { return s.replace(/\s+/g, " ").trim(); }

  // "quoted phrases" are one term; other words are terms each; all must match.
  function parseQuery(q) {
    var terms = [];
    var parts = q.split(QUOTES);
    parts.forEach(function (part, i) {
      var p = collapse(norm(part));
      if (!p) return;
      if (i % 2 === 1) terms.push(p);
      else p.split(" ").forEach(function (w) { terms.push(w); });
    });
    return terms.filter(function (t, i) { return terms.indexOf(t) === i; });
  }

  var BITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

  // Postings: base-36 deltas joined by commas, or "~" and a bitmap of six items per character.
  function decode(s) {
    if (!s) return [];
    if (s[0] === "~") {
      var ids = [];
      for (var c = 1; c < s.length; c++) {
        var v = BITS.indexOf(s[c]);
        for (var b = 0; b < 6; b++) if (v & (1 << b)) ids.push((c - 1) * 6 + b);
      }
      return ids;
    }
    var out = [], prev = 0;
    s.split(",").forEach(function (d, i) {
      prev = (i === 0 ? 0 : prev) + parseInt(d, 36);
      out.push(prev);
    });
    return out;
  }

  function intersect(a, b) {
    var out = [], i = 0, j = 0;
    while (i < a.length && j < b.length) {
      if (a[i] < b[j]) i++;
      else if (a[i] > b[j]) j++;
      else { out.push(a[i]); i++; j++; }
    }
    return out;
  }

  function haystack(item) {
    return collapse(norm((item.n || []).join("\n") + "\n" + item.t));
  }

  function matches(item, terms) {
    var h = haystack(item);
    return terms.every(function (t) { return h.indexOf(t) >= 0; });
  }

  // Records (enterprises, sectors, terms, targets): 0 when a name is the query, 1 when a name
  // starts with it; anything else 2 (kept in index order).
  function tier(item, terms) {
    if (item.k === "passage" || item.k === "project") return 2;
    var q = terms.join(" ");
    var names = (item.n || []).map(function (n) { return collapse(norm(n)); });
    if (names.indexOf(q) >= 0) return 0;
    if (names.some(function (n) { return n.indexOf(q) === 0; })) return 1;
    return 2;
  }

  // Among records of one tier, the shortest name that starts with the query comes first
  // ("Harbin Pharmaceutical" finds Harbin Pharmaceutical Group before its factories).
  function closeness(item, terms) {
    var q = terms.join(" "), best = 0;
    (item.n || []).forEach(function (n) {
      n = collapse(norm(n));
      if (n.indexOf(q) === 0 && (!best || n.length < best)) best = n.length;
    });
    return best;
  }

  // Where the terms occur in text: sorted, merged [start, end) ranges.
  function ranges(text, terms) {
    var low = norm(text), out = [];
    terms.forEach(function (t) {
      for (var i = low.indexOf(t); i >= 0 && t; i = low.indexOf(t, i + t.length)) out.push([i, i + t.length]);
    });
    out.sort(function (a, b) { return a[0] - b[0]; });
    var merged = [];
    out.forEach(function (r) {
      var last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
      else merged.push(r.slice());
    });
    return merged;
  }

  // The part of text to show around the first match: [start, end), never inside a Latin word.
  function window_(text, terms, budget) {
    if (text.length <= budget) return [0, text.length];
    var r = ranges(text, terms)[0];
    var at = r ? r[0] : 0;
    var start = Math.max(0, at - Math.floor(budget / 3));
    var end = Math.min(text.length, start + budget);
    var inWord = function (i) {
      return i > 0 && i < text.length && /[A-Za-z0-9]/.test(text[i - 1]) && /[A-Za-z0-9]/.test(text[i]);
    };
    while (start < at && inWord(start)) start++;
    while (end > (r ? r[1] : 0) && inWord(end)) end--;
    return [start, end];
  }

  var PAGE = 20;
  // Chunks loaded at once while looking for a page of results: a few, so that a rare term
  // whose candidates are spread over the whole book loads only what it shows.
  var ROUND_CHUNKS = 4;

  function chunkOf(m, id) {
    var lo = 0, hi = m.starts.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (m.starts[mid] <= id) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  // Candidates in rank order: items with a name starting with the query's first gram, then
  // the others in index order; null when the query has no gram to look up.
  function candidates(m, terms, sectorId, load) {
    var need = [];
    terms.forEach(function (t) { need = need.concat(someGrams(t)); });
    if (!need.length) return Promise.resolve(null);
    if (sectorId) need.push("\u00a7" + sectorId);
    var first = firstGram(terms[0]);
    var prefix = first ? "^" + first : null;
    var all = prefix ? need.concat([prefix]) : need;
    var buckets = all.map(function (g) { return gramHash(g) & (m.buckets - 1); });
    return Promise.all(buckets.map(function (b) { return load("g", b); })).then(function (shards) {
      var post = function (k) { return decode(shards[k][all[k]]); };
      var cands = post(0);
      for (var k = 1; k < need.length; k++) cands = intersect(cands, post(k));
      var top = prefix ? intersect(cands, post(all.length - 1)) : [];
      var first = new Set(top);
      var rest = cands.filter(function (id) { return !first.has(id); });
      return top.concat(rest);
    });
  }

  // Checks the candidates of state (from state.pos), loading their chunks with load, until PAGE
  // more results are found or none are left.
  function advance(state, load) {
    var want = state.hits.length + PAGE;
    function round() {
      if (state.hits.length >= want || state.pos >= state.order.length) return Promise.resolve();
      // The next candidates, within at most ROUND_CHUNKS chunks not yet looked at.
      var ids = [], chunks = [], distinct = [];
      for (var k = state.pos; k < state.order.length; k++) {
        var c = chunkOf(state.m, state.order[k]);
        if (distinct.indexOf(c) < 0) {
          if (distinct.length >= ROUND_CHUNKS) break;
          distinct.push(c);
        }
        ids.push(state.order[k]);
        chunks.push(c);
      }
      return Promise.all(chunks.map(function (c) { return load("c", c); })).then(function (data) {
        ids.forEach(function (id, k) {
          if (state.hits.length >= want) return;
          state.pos++;
          var chunk = data[k], item = chunk.items[id - state.m.starts[chunks[k]]];
          if (item && matches(item, state.terms)) {
            var t = tier(item, state.terms);
            state.hits.push({
              id: id, item: item, page: chunk.pages[item.p], tier: t,
              close: t < 2 ? closeness(item, state.terms) : 0
            });
          }
        });
        return round();
      });
    }
    return round();
  }

  var core = {
    runs: runs, grams: grams, someGrams: someGrams, firstGram: firstGram, gramHash: gramHash,
    parseQuery: parseQuery, decode: decode, intersect: intersect, matches: matches, tier: tier,
    closeness: closeness, candidates: candidates, advance: advance, PAGE: PAGE,
    ranges: ranges, window: window_
  };
  if (typeof module !== "undefined" && module.exports) { module.exports = core; return; }

  // ---- The page ----

  var list = document.getElementById("search-results");
  var form = document.querySelector(".search-form");
  var status = document.getElementById("search-status");
  var input = document.getElementById("q");
  var sector = document.getElementById("sector");
  var moreButton = document.getElementById("search-more");
  var base = list.getAttribute("data-base");
  var root = list.getAttribute("data-root");
  var lang = list.getAttribute("data-lang") === "en" ? "en" : "zh";
  var loaded = {};
  var received = {};
  var current = null;

  window.planbookSearch = function (kind, n, data) { received[kind + n] = data; };

  // The file kind/n of the index, loaded once, as a promise of its data.
  function load(kind, n) {
    var key = kind + n;
    if (!loaded[key]) {
      loaded[key] = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = base + (kind === "m" ? "manifest.js" : kind + "/" + n + ".js");
        s.onload = function () { key in received ? resolve(received[key]) : reject(new Error(s.src)); };
        s.onerror = function () { delete loaded[key]; reject(new Error(s.src)); };
        document.head.appendChild(s);
      });
    }
    return loaded[key];
  }

  function say(key, n) {
    status.textContent = list.getAttribute("data-" + key).replace("{n}", n);
  }

  function fail(state) {
    if (state !== current) return;
    list.textContent = "";
    moreButton.hidden = true;
    status.className = "search-error";
    say("failed");
  }

  function marked(text, terms) {
    var frag = document.createDocumentFragment(), at = 0;
    ranges(text, terms).forEach(function (r) {
      frag.appendChild(document.createTextNode(text.slice(at, r[0])));
      var mk = document.createElement("mark");
      mk.textContent = text.slice(r[0], r[1]);
      frag.appendChild(mk);
      at = r[1];
    });
    frag.appendChild(document.createTextNode(text.slice(at)));
    return frag;
  }

  function snippet(text, terms) {
    var w = window_(text, terms, lang === "en" ? 220 : 110);
    var frag = document.createDocumentFragment();
    if (w[0] > 0) frag.appendChild(document.createTextNode("…"));
    frag.appendChild(marked(text.slice(w[0], w[1]).trim(), terms));
    if (w[1] < text.length) frag.appendChild(document.createTextNode("…"));
    return frag;
  }

  function result(h, terms) {
    var item = h.item, li = document.createElement("li");
    var record = item.k !== "passage";
    li.className = "result result-" + item.k;
    var a = document.createElement("a");
    a.className = "result-title";
    var url = h.page[1] + (item.a ? "#" + item.a : "");
    a.href = root + url;
    a.appendChild(record && item.k !== "project" ? marked(h.page[0], terms) : document.createTextNode(h.page[0]));
    li.appendChild(a);
    if (item.l) {
      var kind = document.createElement("span");
      kind.className = "result-kind";
      kind.textContent = item.l;
      li.appendChild(document.createTextNode(" "));
      li.appendChild(kind);
    }
    if (item.t) {
      var body = document.createElement(record ? "p" : "blockquote");
      body.appendChild(snippet(item.t, terms));
      li.appendChild(body);
    }
    if (item.k === "passage" || item.k === "project") {
      var other = lang === "en" ? "zh" : "en";
      var twin = document.createElement("a");
      twin.className = "result-twin";
      twin.href = root + other + url.slice(2);
      twin.lang = other === "zh" ? "zh-CN" : "en";
      twin.hreflang = twin.lang;
      twin.textContent = list.getAttribute("data-twin");
      li.appendChild(twin);
    }
    return li;
  }

  function show(state) {
    if (state !== current) return;
    var hits = state.hits.slice().sort(function (a, b) {
      return a.tier - b.tier || a.close - b.close || a.id - b.id;
    });
    list.textContent = "";
    hits.forEach(function (h) { list.appendChild(result(h, state.terms)); });
    var done = state.pos >= state.order.length;
    status.className = "";
    if (!hits.length) say("none");
    else say(done ? "count" : "at-least", hits.length);
    moreButton.hidden = done;
  }

  function run(q, s) {
    var terms = parseQuery(q);
    list.textContent = "";
    moreButton.hidden = true;
    status.className = "";
    var state = { terms: terms, hits: [], pos: 0, order: [] };
    current = state;
    if (!terms.length) { status.textContent = ""; return; }
    say("loading");
    load("m", 0).then(function (m) {
      state.m = m;
      return candidates(m, terms, s, load).then(function (order) {
        if (state !== current) return;
        if (!order) { say("too-short"); return; }
        state.order = order;
        return advance(state, load).then(function () { show(state); });
      });
    }).catch(function () { fail(state); });
  }

  moreButton.addEventListener("click", function () {
    var state = current;
    if (!state || !state.m) return;
    say("loading");
    advance(state, load).then(function () { show(state); }).catch(function () { fail(state); });
  });

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
    try { history.replaceState(null, "", url); } catch (err) { /* file:// may refuse; the search still runs */ }
    run(input.value, sector.value);
  });
})();
