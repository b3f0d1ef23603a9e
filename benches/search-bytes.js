#!/usr/bin/env node
// What one search downloads from a built site's index, measured by running search.js's own
// query logic against the files on disk: the files and bytes (raw and gzipped) a first page
// of results loads, and, with --recall, whether checking every candidate finds exactly the
// items a full scan of the index finds (exact substring recall).
//
// Usage: node benches/search-bytes.js [--recall] SITE LANG QUERY...
//   SITE: a built site (planbook build --out SITE); LANG: zh or en.
// Prints one JSON line per query.
"use strict";
const fs = require("fs");
const path = require("path");
const zlib = require("zlib");
const core = require("../themes/default/static/search.js");

// A load(kind, n) like the page's, reading the files of dir and logging their bytes.
function loader(dir, log) {
  const cache = {};
  return function load(kind, n) {
    const key = kind + n;
    if (!cache[key]) {
      const file = path.join(dir, kind === "m" ? "manifest.js" : kind + "/" + n + ".js");
      const bytes = fs.readFileSync(file);
      log.push(bytes);
      let data;
      new Function("planbookSearch", bytes.toString("utf8"))(function (k, i, d) { data = d; });
      cache[key] = Promise.resolve(data);
    }
    return cache[key];
  };
}

async function fullScan(dir, m, terms) {
  const load = loader(dir, []);
  let n = 0;
  for (let c = 0; c < m.starts.length; c++) {
    const chunk = await load("c", c);
    n += chunk.items.filter(function (it) { return core.matches(it, terms); }).length;
  }
  return n;
}

async function measure(dir, q, recall) {
  const log = [];
  const load = loader(dir, log);
  const m = await load("m", 0);
  const terms = core.parseQuery(q);
  const order = await core.candidates(m, terms, "", load);
  const state = { m: m, terms: terms, hits: [], pos: 0, order: order || [] };
  await core.advance(state, load);
  const out = {
    query: q,
    files: log.length,
    bytes: log.reduce(function (a, b) { return a + b.length; }, 0),
    gzipped: log.reduce(function (a, b) { return a + zlib.gzipSync(b).length; }, 0),
    shown: state.hits.length,
    candidates: state.order.length,
  };
  if (recall) {
    while (state.pos < state.order.length) await core.advance(state, load);
    out.found = state.hits.length;
    out.full_scan = await fullScan(dir, m, terms);
  }
  return out;
}

(async function main() {
  const args = process.argv.slice(2);
  const recall = args[0] === "--recall";
  if (recall) args.shift();
  const [site, lang, ...queries] = args;
  if (!site || !lang || !queries.length) {
    console.error("usage: node benches/search-bytes.js [--recall] SITE LANG QUERY...");
    process.exit(2);
  }
  const dir = path.join(site, lang, "search");
  for (const q of queries) console.log(JSON.stringify(await measure(dir, q, recall)));
})().catch(function (e) { console.error(String(e)); process.exit(1); });
