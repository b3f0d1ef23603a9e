#!/usr/bin/env python3
"""Chinese recall of Pagefind on words inside unspaced text: random 2-4 character substrings of
the chapter pages' text, each searched with Pagefind; recall = pages found / pages containing it."""
import json, random, re, subprocess, sys, glob, html
import os
site, n = sys.argv[1], int(sys.argv[2])
BASE = os.environ.get("PF_BASE", "http://127.0.0.1:8765"); LOG = os.environ.get("PF_LOG", "/tmp/pagefind-requests.log")
pages = {}
for f in glob.glob(site + "/zh/chapters/*/index.html"):
    t = open(f, encoding="utf-8").read()
    m = re.search(r"<main.*?</main>", t, re.S)
    text = html.unescape(re.sub(r"<[^>]+>", "", m.group(0) if m else t))
    pages["/" + f[len(site) + 1:].replace("index.html", "")] = text
rng = random.Random(14)
allt = "".join(pages.values())
words = sys.argv[3:] if len(sys.argv) > 3 else []
while len(words) < n:
    i = rng.randrange(len(allt) - 4); k = rng.choice([2, 3, 4]); w = allt[i:i + k]
    if re.fullmatch(r"[\u4e00-\u9fff]+", w) and w not in words:
        words.append(w)
out = subprocess.run(["env", "PF_PAGE=pfr", "python3", os.path.join(os.path.dirname(os.path.abspath(__file__)), "run_queries.py"), BASE, "zh-CN", LOG] + words,
                     capture_output=True, text=True).stdout.splitlines()
found = total = 0; misses = []
for w, line in zip(words, out):
    r = json.loads(line)
    gt = {p for p, t in pages.items() if w in t}
    got = set(r.get("urls", [])) 
    # Pagefind returns at most the pages it matched; compare the sets (results <= 20 here).
    hit = len(gt & got) if got is not None else len(gt)
    found += hit; total += len(gt)
    if got is not None and hit < len(gt): misses.append((w, len(gt), hit))
print(json.dumps({"words": len(words), "pages_expected": total, "pages_found": found,
                  "recall": round(found / total, 3), "words_with_misses": len(misses), "examples": misses[:8]}, ensure_ascii=False))
