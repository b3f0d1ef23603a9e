//! Glossary terms in the text: on a chapter page, the first occurrence of each glossary term
//! becomes a link to its glossary entry with the term in the other language as its title, so a
//! reader sees what 十一五 or "old industrial base" means without leaving the page. Headings,
//! links, footnote markers and code are left as they are, and so is a term that opens a
//! passage: a link there would sit against the passage's ¶ link, two touch targets too close
//! together on a phone (it is linked at its next occurrence instead).

use crate::escape;
use crate::model::{GlossaryTerm, Lang};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

/// Elements whose text is never marked.
const SKIP: [&str; 12] = [
    "a", "h1", "h2", "h3", "h4", "h5", "h6", "sup", "code", "pre", "summary", "button",
];

/// The form of a term looked for in `lang`'s text: in English, without a leading "the" and a
/// trailing parenthesis ("the 10th Five-Year Plan period (2001–2005)" is found as "10th
/// Five-Year Plan period").
fn needle(t: &GlossaryTerm, lang: Lang) -> String {
    match lang {
        Lang::Zh => t.zh.trim().to_string(),
        Lang::En => {
            let s = t.en.trim();
            let s = s.strip_prefix("the ").unwrap_or(s);
            let s = match s.find(" (") {
                Some(i) if s.ends_with(')') => &s[..i],
                _ => s,
            };
            s.trim().to_string()
        }
    }
}

/// The automaton that finds `lang`'s glossary terms; built once per language and build.
pub(super) fn term_finder(terms: &[GlossaryTerm], lang: Lang) -> Option<AhoCorasick> {
    let needles: Vec<String> = terms.iter().map(|t| needle(t, lang)).collect();
    AhoCorasickBuilder::new()
        .match_kind(MatchKind::LeftmostLongest)
        .ascii_case_insensitive(lang == Lang::En)
        .build(&needles)
        .ok()
}

/// `html` with the first occurrence of each term linked to `glossary_url#id`.
#[cfg(test)]
fn mark_first(html: &str, terms: &[GlossaryTerm], lang: Lang, glossary: &str) -> String {
    match term_finder(terms, lang) {
        Some(finder) => mark_first_with(&finder, html, terms, lang, glossary),
        None => html.to_string(),
    }
}

/// `mark_first` with the language's `finder` (from `term_finder`).
pub(super) fn mark_first_with(
    finder: &AhoCorasick,
    html: &str,
    terms: &[GlossaryTerm],
    lang: Lang,
    glossary: &str,
) -> String {
    let mut used = vec![false; terms.len()];
    let mut out = String::with_capacity(html.len() + 1024);
    let mut skip_depth = 0usize;
    // Right after a passage's opening tag, where its ¶ link sits.
    let mut passage_start = false;
    let mut rest = html;
    while !rest.is_empty() {
        if rest.starts_with('<') {
            let end = rest.find('>').map_or(rest.len(), |i| i + 1);
            let tag = &rest[..end];
            skip_depth = track(tag, skip_depth);
            passage_start = opens_passage(tag);
            out.push_str(tag);
            rest = &rest[end..];
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            let text = &rest[..end];
            if skip_depth == 0 {
                let cx = Marking {
                    finder,
                    terms,
                    lang,
                    glossary,
                };
                cx.mark_text(text, passage_start, &mut used, &mut out);
            } else {
                out.push_str(text);
            }
            passage_start = false;
            rest = &rest[end..];
        }
    }
    out
}

/// An opening `<p>` or `<li>` tag.
fn opens_passage(tag: &str) -> bool {
    let name = tag_name(tag.trim_start_matches('<'));
    name.eq_ignore_ascii_case("p") || name.eq_ignore_ascii_case("li")
}

/// The element name at the start of `inner` (a tag without its `<`).
fn tag_name(inner: &str) -> &str {
    let end = inner
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(inner.len());
    &inner[..end]
}

/// The depth inside skipped elements after `tag`.
fn track(tag: &str, depth: usize) -> usize {
    let inner = tag.trim_start_matches('<');
    let closing = inner.starts_with('/');
    let name = tag_name(inner.trim_start_matches('/'));
    let skipped = SKIP.iter().any(|s| s.eq_ignore_ascii_case(name));
    if !skipped || tag.ends_with("/>") {
        return depth;
    }
    if closing {
        depth.saturating_sub(1)
    } else {
        depth + 1
    }
}

struct Marking<'a> {
    finder: &'a AhoCorasick,
    terms: &'a [GlossaryTerm],
    lang: Lang,
    glossary: &'a str,
}

impl Marking<'_> {
    /// Copies `text` into `out`, linking each term's first occurrence.
    fn mark_text(&self, text: &str, passage_start: bool, used: &mut [bool], out: &mut String) {
        let mut last = 0;
        for m in self.finder.find_iter(text) {
            let k = m.pattern().as_usize();
            let opens = passage_start && m.start() == 0;
            if used[k] || opens || !self.bounded(text, m.start(), m.end()) {
                continue;
            }
            used[k] = true;
            let t = &self.terms[k];
            let other = match self.lang {
                Lang::Zh => &t.en,
                Lang::En => &t.zh,
            };
            out.push_str(&text[last..m.start()]);
            out.push_str(&format!(
                "<a class=\"term\" href=\"{}#{}\" title=\"{}\">{}</a>",
                self.glossary,
                escape::html(&t.id),
                escape::html(other),
                &text[m.start()..m.end()]
            ));
            last = m.end();
        }
        out.push_str(&text[last..]);
    }

    /// In English a term must stand as whole words.
    fn bounded(&self, text: &str, start: usize, end: usize) -> bool {
        if self.lang == Lang::Zh {
            return true;
        }
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        !before.is_some_and(|c| c.is_alphanumeric()) && !after.is_some_and(|c| c.is_alphanumeric())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(id: &str, zh: &str, en: &str) -> GlossaryTerm {
        GlossaryTerm {
            id: id.into(),
            zh: zh.into(),
            en: en.into(),
            note: None,
        }
    }

    #[test]
    fn only_the_first_occurrence_outside_headings_and_links_is_linked() {
        let terms = [term("base", "老工业基地", "old industrial base")];
        let html = "<h2>Old industrial base</h2><p>An <a href=\"x\">old industrial base</a>; the old industrial base, the old industrial bases, an old industrial base.</p>";
        let out = mark_first(html, &terms, Lang::En, "g.html");
        assert_eq!(
            out,
            "<h2>Old industrial base</h2><p>An <a href=\"x\">old industrial base</a>; the <a class=\"term\" href=\"g.html#base\" title=\"老工业基地\">old industrial base</a>, the old industrial bases, an old industrial base.</p>"
        );
    }

    #[test]
    fn a_term_opening_a_passage_is_linked_at_its_next_occurrence() {
        let terms = [term("x", "省委", "the Provincial Party Committee")];
        let out = mark_first(
            "<p id=\"a-1\">省委决定。</p><li>又经省委。</li>",
            &terms,
            Lang::Zh,
            "g",
        );
        assert_eq!(
            out,
            "<p id=\"a-1\">省委决定。</p><li>又经<a class=\"term\" href=\"g#x\" title=\"the Provincial Party Committee\">省委</a>。</li>"
        );
    }

    #[test]
    fn english_needles_drop_the_article_and_the_dates() {
        let t = term("x", "十五", "the 10th Five-Year Plan period (2001–2005)");
        assert_eq!(needle(&t, Lang::En), "10th Five-Year Plan period");
        let out = mark_first("<p>“十五”期间，十五。</p>", &[t], Lang::Zh, "g.html");
        assert_eq!(
            out,
            "<p>“<a class=\"term\" href=\"g.html#x\" title=\"the 10th Five-Year Plan period (2001–2005)\">十五</a>”期间，十五。</p>"
        );
    }
}
