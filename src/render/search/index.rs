//! The search index as static files that scale: a reader's query downloads a small manifest,
//! the few gram shards its words need and the text chunks of its first results, never the
//! whole index. Every file is a script calling `planbookSearch(...)`, so the index loads from
//! disk (`file://`, where `fetch()` is blocked) exactly as from a server.
//!
//! - Grams: every item's text, lowercased, is cut into runs of letters and digits. In a run,
//!   each pair of neighbouring characters of which one is not ASCII (Chinese) is a gram, each
//!   non-ASCII character alone is one (for one-character queries), each three neighbouring
//!   ASCII characters are one (Latin words: pairs would narrow too little), and a run of
//!   exactly two ASCII characters is one (so `GE` finds the word GE, though not inside a longer
//!   word). A query's grams narrow the candidates; the text itself then decides, so matching
//!   is by exact substring (a Chinese word inside unspaced text is found, no segmenter needed).
//! - Shards `g/{bucket}.js`: the postings (item numbers, delta-encoded in base 36, or a bitmap
//!   where that is shorter) of every gram
//!   whose hash falls in that bucket; `§{sector}` grams serve the sector filter and `^{gram}`
//!   grams mark names that start with that gram, for ranking.
//! - Chunks `c/{n}.js`: items in rank order (records, then passages in reading order, then 专栏
//!   items), cut every few kilobytes, each with its own table of page titles and addresses.
//! - `manifest.js`: the number of buckets and where each chunk starts.
//!
//! `gram_hash` and `grams` here and in `search.js` must agree.

use ahash::{AHashMap, AHashSet};
use rayon::prelude::*;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Text bytes after which a chunk is cut: a query's first results load a few chunks.
const CHUNK_BYTES: usize = 4 * 1024;
/// Characters of text per gram bucket: a shard then holds about 10 KB of postings.
const CHARS_PER_BUCKET: usize = 4096;
const MAX_BUCKETS: usize = 4096;

/// One searchable thing. A passage borrows its text, title and anchor from the site, and
/// shares its page's address and sector list with the page's other passages: a large book's
/// index is made from hundreds of thousands of them.
#[derive(Debug, Clone, Default)]
pub struct Item<'a> {
    /// What it is: `enterprise`, `sector`, `term`, `target`, `passage`, `project`.
    pub kind: &'static str,
    /// The kind as the reader's language says it (empty for passages).
    pub label: String,
    /// The page title (passages) or the record's name in this language.
    pub title: Cow<'a, str>,
    /// Its page, relative to the site root, without the fragment.
    pub url: Arc<str>,
    /// The fragment on that page, or empty.
    pub anchor: Cow<'a, str>,
    /// Every name it goes by, in both languages (empty for passages).
    pub names: Vec<String>,
    /// The text shown under the title and searched with the names.
    pub text: Cow<'a, str>,
    /// Sector ids (with their ancestors) for the sector filter.
    pub sectors: Arc<[String]>,
}

/// An output file of the index: path under `{lang}/search/` and its bytes.
pub struct IndexFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// FNV-1a over the code points of `gram`, as `search.js` computes it.
pub fn gram_hash(gram: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for c in gram.chars() {
        h ^= c as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// The grams of `text` (see the module's comment), sorted.
#[cfg(test)]
pub fn grams(text: &str) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    extend_grams(text, &mut out);
    out
}

/// Adds the grams of `text` to `out`.
#[cfg(test)]
fn extend_grams(text: &str, out: &mut impl Extend<String>) {
    for run in runs(text) {
        each_gram(&run, &mut |g| out.extend([g.to_string()]));
    }
}

/// Calls `f` with the grams starting at each character of `run` (a lowercased run of letters
/// and digits), the most telling first: three ASCII characters, a pair with a Chinese
/// character, a whole two-character ASCII run, a Chinese character alone. The grams are slices
/// of `run`: a build makes millions of them, and only a gram new to the index is copied.
fn each_gram<'a>(run: &'a str, f: &mut impl FnMut(&'a str)) {
    let bounds = char_bounds(run);
    for i in 0..bounds.len() - 1 {
        grams_at(run, &bounds, i, f);
    }
}

/// Where each character of `run` starts, and its end.
fn char_bounds(run: &str) -> Vec<usize> {
    run.char_indices()
        .map(|(i, _)| i)
        .chain([run.len()])
        .collect()
}

/// `each_gram`'s grams starting at character `i` of `run`.
fn grams_at<'a>(run: &'a str, bounds: &[usize], i: usize, f: &mut impl FnMut(&'a str)) {
    let n = bounds.len() - 1;
    let ascii = |k: usize| k < n && run.as_bytes()[bounds[k]].is_ascii();
    let span = |from: usize, to: usize| &run[bounds[from]..bounds[to]];
    if i + 2 < n && ascii(i) && ascii(i + 1) && ascii(i + 2) {
        f(span(i, i + 3));
    }
    if i + 1 < n && !(ascii(i) && ascii(i + 1)) {
        f(span(i, i + 2));
    }
    if n == 2 && i == 0 && ascii(0) && ascii(1) {
        f(span(0, 2));
    }
    if !ascii(i) {
        f(span(i, i + 1));
    }
}

/// The first gram of `name`: the most telling one at its start, if any.
pub fn first_gram(name: &str) -> Option<String> {
    let run = runs(name).into_iter().next()?;
    let mut first = None;
    grams_at(&run, &char_bounds(&run), 0, &mut |g| {
        first.get_or_insert_with(|| g.to_string());
    });
    first
}

/// Runs of letters and digits of `text`, lowercased.
fn runs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut add = |c: char, cur: &mut String| {
        if c.is_alphanumeric() {
            cur.push(c);
        } else if !cur.is_empty() {
            out.push(std::mem::take(cur));
        }
    };
    for c in text.chars() {
        // ASCII first: it lowercases to one character without a table lookup.
        if c.is_ascii() {
            add(c.to_ascii_lowercase(), &mut cur);
        } else {
            c.to_lowercase().for_each(|l| add(l, &mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// How the index is cut, the same in both languages so that every file has its twin: the
/// number of gram buckets, and the first item of each chunk.
pub struct Layout {
    buckets: usize,
    starts: Vec<usize>,
}

/// The layout for the languages' item lists (in the same order in each): a chunk is cut when
/// its largest language reaches `CHUNK_BYTES`; buckets follow the largest language's text.
pub fn layout(langs: &[&[Item<'_>]]) -> Layout {
    let len = langs.iter().map(|l| l.len()).max().unwrap_or(0);
    let size = |i: usize| {
        langs
            .iter()
            .filter_map(|l| l.get(i))
            .map(Item::size)
            .max()
            .unwrap_or(0)
    };
    let mut starts = vec![0];
    let mut filled = 0;
    for i in 0..len {
        if filled >= CHUNK_BYTES {
            starts.push(i);
            filled = 0;
        }
        filled += size(i);
    }
    let chars = langs
        .iter()
        .map(|l| l.iter().map(|x| x.text.chars().count()).sum::<usize>())
        .max()
        .unwrap_or(0);
    Layout {
        buckets: (chars / CHARS_PER_BUCKET)
            .clamp(1, MAX_BUCKETS)
            .next_power_of_two(),
        starts,
    }
}

impl Item<'_> {
    /// Its bytes in a chunk, roughly.
    fn size(&self) -> usize {
        self.title.len()
            + self.url.len()
            + self.text.len()
            + self.names.iter().map(String::len).sum::<usize>()
    }
}

/// Index files made at a time and handed over together: the files of a large book's index
/// are not all held at once (at 10,000 pages per language they were 40 MB).
const FILES_PER_BATCH: usize = 256;

/// Every file of one language's index, from its items in rank order, handed to `emit` a batch
/// at a time; the first error `emit` returns stops it.
pub fn files_into<E>(
    lang: &str,
    items: &[Item<'_>],
    layout: &Layout,
    emit: &mut dyn FnMut(Vec<IndexFile>) -> Result<(), E>,
) -> Result<(), E> {
    // The postings and the chunks, then each file's script, on every core: the index is made
    // while the other pages render, and at its end it was the one job left running.
    let (postings, chunks) = rayon::join(|| postings(items), || chunks(items, &layout.starts));
    emit(vec![script(
        "manifest.js",
        "m",
        0,
        &Manifest {
            lang,
            buckets: layout.buckets,
            starts: &layout.starts,
            items: items.len(),
        },
    )])?;
    emit_scripts("g", &shards(&postings, layout.buckets), emit)?;
    drop(postings);
    emit_scripts("c", &chunks, emit)?;
    Ok(())
}

/// `values` as the scripts `{kind}/N.js` (N from 0), made on every core and handed to `emit`
/// `FILES_PER_BATCH` at a time.
fn emit_scripts<T: Serialize + Sync, E>(
    kind: &str,
    values: &[T],
    emit: &mut dyn FnMut(Vec<IndexFile>) -> Result<(), E>,
) -> Result<(), E> {
    for (k, batch) in values.chunks(FILES_PER_BATCH).enumerate() {
        let first = k * FILES_PER_BATCH;
        emit(
            batch
                .par_iter()
                .enumerate()
                .map(|(i, v)| script(&format!("{kind}/{}.js", first + i), kind, first + i, v))
                .collect(),
        )?;
    }
    Ok(())
}

/// Every file of one language's index, all at once.
#[cfg(test)]
pub fn files(lang: &str, items: &[Item<'_>], layout: &Layout) -> Vec<IndexFile> {
    let mut out = Vec::new();
    let _ = files_into::<()>(lang, items, layout, &mut |batch| {
        out.extend(batch);
        Ok(())
    });
    out
}

#[derive(Serialize)]
struct Manifest<'a> {
    lang: &'a str,
    buckets: usize,
    /// The number of the first item of each chunk.
    starts: &'a [usize],
    items: usize,
}

/// `planbookSearch("kind", number, {...});` in a file at `path`. `<` is written `\u003c` (it
/// only occurs inside strings), so no content ever reads as markup, even out of context.
/// The JSON is written once, straight after the call's start (it was copied twice more).
fn script<T: Serialize>(path: &str, kind: &str, n: usize, value: &T) -> IndexFile {
    let mut bytes = format!("planbookSearch(\"{kind}\",{n},").into_bytes();
    let start = bytes.len();
    if serde_json::to_writer(&mut bytes, value).is_err() {
        bytes.truncate(start);
        bytes.extend_from_slice(b"null");
    }
    if bytes[start..].contains(&b'<') {
        let json = bytes.split_off(start);
        for b in json {
            match b {
                b'<' => bytes.extend_from_slice(b"\\u003c"),
                _ => bytes.push(b),
            }
        }
    }
    bytes.extend_from_slice(b");\n");
    IndexFile {
        path: path.into(),
        bytes,
    }
}

/// Gram -> the numbers of the items holding it, ascending.
/// Collected in hash maps and sorted once at the end: a sorted map per insert cost a tenth of a
/// 10,000-page build in string comparisons.
fn postings(items: &[Item<'_>]) -> BTreeMap<String, Vec<u32>> {
    let mut map: AHashMap<String, Vec<u32>> = AHashMap::new();
    let mut add = |gram: &str, i: u32| match map.get_mut(gram) {
        Some(ids) => ids.push(i),
        None => {
            map.insert(gram.to_string(), vec![i]);
        }
    };
    for (i, item) in items.iter().enumerate() {
        let runs: Vec<String> = runs(&item.names.join("\n"))
            .into_iter()
            .chain(runs(&item.text))
            .collect();
        let mut grams: AHashSet<&str> = AHashSet::new();
        for run in &runs {
            each_gram(run, &mut |g| {
                grams.insert(g);
            });
        }
        // Name starts and sectors: marked with a character no gram has, so never mixed up.
        let mut marked: BTreeSet<String> = BTreeSet::new();
        marked.extend(
            item.names
                .iter()
                .filter_map(|n| Some(format!("^{}", first_gram(n)?))),
        );
        marked.extend(item.sectors.iter().map(|s| format!("§{s}")));
        for gram in grams.into_iter().chain(marked.iter().map(String::as_str)) {
            add(gram, i as u32);
        }
    }
    map.into_iter().collect()
}

/// Each bucket's grams with their postings as base-36 deltas joined by commas.
fn shards(postings: &BTreeMap<String, Vec<u32>>, buckets: usize) -> Vec<BTreeMap<&str, String>> {
    let mut out = vec![BTreeMap::new(); buckets];
    for (gram, ids) in postings {
        let b = gram_hash(gram) as usize & (buckets - 1);
        out[b].insert(gram.as_str(), encode(ids));
    }
    out
}

/// Postings as deltas, or as a bitmap (`~` then six items per character) where that is shorter:
/// a gram in most passages (的, "the") costs a sixth of a byte per item instead of two bytes.
fn encode(ids: &[u32]) -> String {
    let list = deltas(ids);
    let Some(&last) = ids.last() else {
        return list;
    };
    if (last as usize / 6) + 2 >= list.len() {
        return list;
    }
    bitmap(ids, last)
}

fn bitmap(ids: &[u32], last: u32) -> String {
    const DIGITS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut cells = vec![0u8; last as usize / 6 + 1];
    for &id in ids {
        cells[id as usize / 6] |= 1 << (id % 6);
    }
    let mut s = String::with_capacity(cells.len() + 1);
    s.push('~');
    s.extend(cells.iter().map(|&c| DIGITS[c as usize] as char));
    s
}

fn deltas(ids: &[u32]) -> String {
    let mut prev = 0;
    let mut parts = Vec::with_capacity(ids.len());
    for (k, &id) in ids.iter().enumerate() {
        let d = if k == 0 { id } else { id - prev };
        parts.push(base36(d));
        prev = id;
    }
    parts.join(",")
}

fn base36(mut n: u32) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut s = Vec::new();
    loop {
        s.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// A chunk: its own table of pages (title, address), and its items.
#[derive(Serialize, Default)]
struct Chunk<'a> {
    pages: Vec<(&'a str, &'a str)>,
    items: Vec<ChunkItem<'a>>,
}

#[derive(Serialize)]
struct ChunkItem<'a> {
    k: &'a str,
    /// Index in the chunk's page table.
    p: usize,
    #[serde(skip_serializing_if = "str::is_empty")]
    a: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    l: &'a str,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    n: &'a [String],
    t: &'a str,
}

/// Items cut into chunks where `starts` says, each with its own page table.
fn chunks<'a>(items: &'a [Item<'_>], starts: &[usize]) -> Vec<Chunk<'a>> {
    let mut out = Vec::with_capacity(starts.len());
    for (k, &start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(items.len());
        let mut chunk = Chunk::default();
        for item in items.get(start..end.max(start)).unwrap_or_default() {
            let page = (item.title.as_ref(), item.url.as_ref());
            let p = match chunk.pages.iter().position(|x| *x == page) {
                Some(p) => p,
                None => {
                    chunk.pages.push(page);
                    chunk.pages.len() - 1
                }
            };
            chunk.items.push(ChunkItem {
                k: item.kind,
                p,
                a: item.anchor.as_ref(),
                l: &item.label,
                n: &item.names,
                t: item.text.as_ref(),
            });
        }
        out.push(chunk);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn passage(text: &str, sectors: &[&str]) -> Item<'static> {
        Item {
            kind: "passage",
            title: "Page".into(),
            url: "en/chapters/a/index.html".into(),
            anchor: "a-1".into(),
            text: Cow::Owned(text.to_string()),
            sectors: sectors.iter().map(|s| s.to_string()).collect(),
            ..Item::default()
        }
    }

    #[test]
    fn grams_are_chinese_pairs_and_characters_and_latin_triples() {
        let g = grams("哈药集团, HPGC GE MW级");
        for want in [
            "哈药", "药集", "集团", "哈", "团", "hpg", "pgc", "ge", "w级", "级",
        ] {
            assert!(g.contains(want), "{want} missing from {g:?}");
        }
        for not in ["团h", "h", "hp", "mw", "m"] {
            assert!(!g.contains(not), "{not} in {g:?}");
        }
    }

    #[test]
    fn gram_hash_is_the_one_search_js_computes() {
        // The same values are asserted in tests/js/search.test.js.
        assert_eq!(gram_hash("哈药"), 3_464_288_712);
        assert_eq!(gram_hash("bo"), 1_110_159_422);
    }

    #[test]
    fn first_gram_starts_the_name() {
        assert_eq!(first_gram("Boeing").as_deref(), Some("boe"));
        assert_eq!(first_gram("哈药集团").as_deref(), Some("哈药"));
        assert_eq!(first_gram("GE").as_deref(), Some("ge"));
        assert_eq!(first_gram("哈").as_deref(), Some("哈"));
        assert_eq!(first_gram("a"), None);
    }

    #[test]
    fn postings_are_delta_encoded_in_base_36() {
        assert_eq!(deltas(&[0, 1, 37, 40]), "0,1,10,3");
    }

    #[test]
    fn dense_postings_are_bitmaps() {
        let all: Vec<u32> = (0..60).collect();
        assert_eq!(encode(&all), format!("~{}", "_".repeat(10)));
        assert_eq!(encode(&[1, 600]), "1,gn");
        assert_eq!(bitmap(&[1, 6, 13], 13), "~CBC");
    }

    #[test]
    fn page_titles_are_stored_once_per_chunk() {
        let items = vec![passage("one", &[]), passage("two", &[])];
        let starts = layout(&[&items]).starts;
        assert_eq!(starts, vec![0]);
        let chunks = chunks(&items, &starts);
        assert_eq!(chunks[0].pages.len(), 1);
        assert_eq!(chunks[0].items.len(), 2);
    }

    #[test]
    fn both_languages_are_cut_alike() {
        let zh: Vec<Item> = (0..100).map(|_| passage("短", &[])).collect();
        let en: Vec<Item> = (0..100)
            .map(|_| passage(&"long ".repeat(100), &[]))
            .collect();
        let both = layout(&[&zh, &en]);
        assert_eq!(layout(&[&en]).starts, both.starts);
        assert!(both.starts.len() > 1, "{:?}", both.starts);
        assert_eq!(chunks(&zh, &both.starts).len(), both.starts.len());
    }

    #[test]
    fn every_gram_is_in_the_shard_its_hash_names() {
        let items = vec![passage("wind power", &["energy"]), passage("风电", &[])];
        let post = postings(&items);
        assert_eq!(post.get("风电"), Some(&vec![1]));
        assert_eq!(post.get("§energy"), Some(&vec![0]));
        let shards = shards(&post, 4);
        for (gram, ids) in &post {
            let b = gram_hash(gram) as usize & 3;
            assert_eq!(shards[b].get(gram.as_str()), Some(&encode(ids)));
        }
    }

    #[test]
    fn files_are_scripts_that_register_themselves() {
        let items = [passage("wind power", &[])];
        let files = files("en", &items, &layout(&[&items]));
        let manifest = &files[0];
        assert_eq!(manifest.path, "manifest.js");
        let text = String::from_utf8_lossy(&manifest.bytes);
        assert!(text.starts_with("planbookSearch(\"m\",0,{"), "{text}");
        assert!(files.iter().any(|f| f.path == "c/0.js"));
        assert!(files.iter().any(|f| f.path == "g/0.js"));
    }

    #[test]
    fn markup_in_the_text_never_reads_as_markup() {
        let items = [passage("<script>alert(1)</script>", &[])];
        let files = files("en", &items, &layout(&[&items]));
        let chunk = files.iter().find(|f| f.path == "c/0.js").expect("chunk");
        let text = String::from_utf8_lossy(&chunk.bytes);
        assert!(!text.contains('<'), "{text}");
        assert!(text.contains("\\u003cscript>alert(1)"), "{text}");
    }
}
