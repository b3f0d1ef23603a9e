// The query logic of themes/default/static/search.js: run with `node --test tests/js/`.
const test = require("node:test");
const assert = require("node:assert");
const s = require("../../themes/default/static/search.js");

test("quoted phrases are one term, other words one term each, lowercased", () => {
  assert.deepStrictEqual(s.parseQuery('"Wind  Power" Harbin 哈药'), ["wind power", "harbin", "哈药"]);
  assert.deepStrictEqual(s.parseQuery("“风电 设备” 哈药"), ["风电 设备", "哈药"]);
  assert.deepStrictEqual(s.parseQuery("   "), []);
});

test("grams: Chinese pairs, Latin triples, a lone Chinese character, a two-letter word", () => {
  assert.deepStrictEqual(s.grams("哈药集团, HPGC"), ["哈药", "药集", "集团", "hpg", "pgc"]);
  assert.deepStrictEqual(s.grams("哈"), ["哈"]);
  assert.deepStrictEqual(s.grams("GE"), ["ge"]);
  assert.deepStrictEqual(s.grams("MW级"), ["w级"]);
  assert.deepStrictEqual(s.grams("x"), []);
  assert.deepStrictEqual(s.someGrams("harbin"), ["har", "arb", "rbi", "bin"]);
  assert.deepStrictEqual(s.someGrams("哈尔滨电机有限公司"), ["哈尔", "尔滨", "电机", "机有", "限公", "公司"]);
  assert.strictEqual(s.firstGram("Boeing"), "boe");
  assert.strictEqual(s.firstGram("哈药集团"), "哈药");
});

test("the gram hash is the one index.rs computes", () => {
  // The same values are asserted in src/render/search/index.rs.
  assert.strictEqual(s.gramHash("哈药"), 3464288712);
  assert.strictEqual(s.gramHash("bo"), 1110159422);
});

test("postings decode from base-36 deltas and intersect", () => {
  assert.deepStrictEqual(s.decode("0,1,10,3"), [0, 1, 37, 40]);
  assert.deepStrictEqual(s.decode(undefined), []);
  // The bitmap form, as index.rs writes it (see dense_postings_are_bitmaps there).
  assert.deepStrictEqual(s.decode("~CBC"), [1, 6, 13]);
  assert.deepStrictEqual(s.decode("~__").length, 12);
  assert.deepStrictEqual(s.intersect([1, 3, 5, 9], [3, 4, 9]), [3, 9]);
});

test("every term must occur, as a substring, in the names or the text", () => {
  const passage = { k: "passage", t: "建设哈尔滨风电装备基地" };
  assert.ok(s.matches(passage, ["风电"]));
  assert.ok(s.matches(passage, ["哈尔滨", "装备"]));
  assert.ok(!s.matches(passage, ["哈尔滨", "汽车"]));
  const ent = { k: "enterprise", n: ["Harbin Pharmaceutical Group", "哈药集团"], t: "" };
  assert.ok(s.matches(ent, ["哈药"]));
  assert.ok(s.matches(ent, ["harbin pharmaceutical"]));
});

test("records named by the query rank first, then those whose name starts with it", () => {
  const ent = { k: "enterprise", n: ["Boeing", "波音公司"], t: "" };
  assert.strictEqual(s.tier(ent, ["boeing"]), 0);
  assert.strictEqual(s.tier(ent, ["波音"]), 1);
  assert.strictEqual(s.tier({ k: "passage", t: "Boeing" }, ["boeing"]), 2);
  assert.strictEqual(s.tier({ k: "project", n: ["Boeing"], t: "Boeing" }, ["boeing"]), 2);
});

test("the shortest name starting with the query is the closest", () => {
  const group = { k: "enterprise", n: ["Harbin Pharmaceutical Group", "哈药集团"], t: "" };
  const factory = { k: "enterprise", n: ["Harbin Pharmaceutical Group General Factory"], t: "" };
  assert.ok(s.closeness(group, ["harbin pharmaceutical"]) < s.closeness(factory, ["harbin pharmaceutical"]));
  assert.strictEqual(s.closeness(group, ["pharmaceutical"]), 0);
});

test("highlights cover every occurrence of every term, merged", () => {
  assert.deepStrictEqual(s.ranges("Wind power and wind", ["wind", "power"]), [[0, 4], [5, 10], [15, 19]]);
  assert.deepStrictEqual(s.ranges("风电风电设备", ["风电", "电风"]), [[0, 4]]);
});

test("English snippets never cut a word; Chinese ones cut between characters", () => {
  const words = Array.from({ length: 80 }, (_, i) => "word" + i).join(" ") + " target " + "tail ".repeat(40);
  const [a, b] = s.window(words, ["target"], 120);
  const cut = (i) => i > 0 && i < words.length && /\w/.test(words[i - 1]) && /\w/.test(words[i]);
  assert.ok(!cut(a), "starts inside a word: " + words.slice(a, a + 10));
  assert.ok(!cut(b), "ends inside a word: " + words.slice(b - 10, b));
  assert.ok(words.slice(a, b).includes("target"));
  const zh = "甲".repeat(300) + "风电" + "乙".repeat(300);
  const [c, d] = s.window(zh, ["风电"], 110);
  assert.ok(zh.slice(c, d).includes("风电") && d - c === 110);
});
