#!/usr/bin/env bash
# Seeds the fuzz corpora (gitignored) from the bundled plan and the fixture books.
# Run from anywhere: bash fuzz/seed.sh
set -euo pipefail
cd "$(dirname "$0")/.."
for t in yaml_records markdown book_toml; do mkdir -p "fuzz/corpus/$t"; done
n=0
for f in content/*.yaml content/sidebars/*.yaml content/chapters/*/chapter.yaml \
         tests/fixtures/sites/mini/content/*.yaml tests/fixtures/errors/*/content/*.yaml; do
  [ -f "$f" ] || continue
  cp "$f" "fuzz/corpus/yaml_records/$(echo "$f" | tr '/' '_')"; n=$((n+1))
done
for f in content/chapters/*/*.md tests/fixtures/sites/mini/content/chapters/*/*.md \
         tests/fixtures/errors/*/content/chapters/*/*.md; do
  [ -f "$f" ] || continue
  cp "$f" "fuzz/corpus/markdown/$(echo "$f" | tr '/' '_')"; n=$((n+1))
done
for f in book.toml tests/fixtures/sites/mini/book.toml tests/fixtures/errors/*/book.toml \
         src/skeleton/book.toml; do
  [ -f "$f" ] || continue
  cp "$f" "fuzz/corpus/book_toml/$(echo "$f" | tr '/' '_')"; n=$((n+1))
done
echo "seeded $n files: $(ls fuzz/corpus/yaml_records | wc -l) yaml, $(ls fuzz/corpus/markdown | wc -l) markdown, $(ls fuzz/corpus/book_toml | wc -l) toml"
