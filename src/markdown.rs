//! Markdown to HTML for the plan's text: pulldown-cmark options set in one place, heading ids
//! required and shared by both languages, a stable anchor on every passage, enterprise names
//! linked, 专栏 boxes placed, fenced code highlighted, raw HTML handled by the book's policy.

use crate::config::RawHtml;
use crate::diag::Diagnostic;
use crate::escape;
use crate::fsio::SourceFile;
use crate::linker::{Linker, Segment};
use crate::model::{Lang, is_slug};
use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::collections::HashSet;

/// Stands for the relative path from a page to the site root; each page replaces it.
pub const ROOT: &str = "\u{E000}";

/// `html` with every `ROOT` marker replaced by `root`, found with memchr's substring search
/// (`str::replace` was 4% of a large build, most of it searching passages with no link).
pub fn with_root(html: &str, root: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut from = 0;
    for at in memchr::memmem::find_iter(html.as_bytes(), ROOT) {
        out.push_str(&html[from..at]);
        out.push_str(root);
        from = at + ROOT.len();
    }
    out.push_str(&html[from..]);
    out
}

/// What a heading or passage is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase", tag = "type")]
pub enum UnitKind {
    Heading { level: u8 },
    Paragraph,
    Item,
    Sidebar { number: u32 },
}

/// A heading, passage or 专栏 box of a page, in order: the grain of side-by-side reading,
/// search, mentions and the translation audit.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Unit {
    pub kind: UnitKind,
    pub anchor: String,
    /// Plain text (no markup), for excerpts, search and the audit.
    pub text: String,
    /// The unit's inner HTML (a heading's or passage's content).
    pub html: String,
    /// The heading the unit sits under (its own id for a heading).
    pub heading: Option<String>,
    pub line: usize,
}

/// An enterprise named in a passage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub enterprise: usize,
    pub anchor: String,
}

/// A rendered Markdown body.
#[derive(Debug, Clone, Default)]
pub struct Body {
    pub html: String,
    pub units: Vec<Unit>,
    pub mentions: Vec<Mention>,
    pub footnotes: Vec<String>,
    /// Links written in the Markdown to places inside the site.
    pub links: Vec<Link>,
    /// Links written in the Markdown to other sites (http and https).
    pub external: Vec<Link>,
}

/// A hand-written internal link: what was written, the site path it resolves to, and where.
#[derive(Debug, Clone)]
pub struct Link {
    pub href: String,
    /// Site-relative target, e.g. `zh/chapters/review/index.html#main-problems`.
    pub target: String,
    pub line: usize,
    pub col: usize,
}

/// A relative link, resolved against the chapter page it was written on, as a site path;
/// `None` for external links (with a scheme), absolute paths and neutralised ones.
fn site_path(href: &str, lang: Lang, page_id: &str) -> Option<String> {
    if href.is_empty()
        || href == "#"
        || href.starts_with('/')
        || href.starts_with("//")
        || href
            .split(['/', '#', '?'])
            .next()
            .is_some_and(|first| first.contains(':'))
    {
        return None;
    }
    let (path, frag) = href
        .split_once('#')
        .map(|(p, f)| (p, Some(f)))
        .unwrap_or((href, None));
    let mut parts: Vec<String> = vec![
        lang.code().to_string(),
        "chapters".into(),
        page_id.to_string(),
    ];
    let mut file = "index.html".to_string();
    if !path.is_empty() {
        let segs: Vec<&str> = path.split('/').collect();
        for (i, seg) in segs.iter().enumerate() {
            match *seg {
                "" | "." => {}
                ".." => {
                    parts.pop();
                }
                s if i + 1 == segs.len() => file = s.to_string(),
                s => parts.push(s.to_string()),
            }
        }
    }
    parts.push(file);
    let mut target = parts.join("/");
    if let Some(f) = frag {
        target.push('#');
        target.push_str(f);
    }
    Some(target)
}

/// What the renderer needs to know besides the text.
pub struct Context<'a> {
    pub lang: Lang,
    pub page_id: &'a str,
    pub linker: &'a Linker,
    pub enterprise_ids: &'a [String],
    pub raw_html: RawHtml,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_STRIKETHROUGH
}

#[derive(Default)]
struct State {
    heading: Option<String>,
    counter: usize,
    in_heading: bool,
    passage: Option<usize>,
    item_depth: usize,
    in_link: usize,
    in_footnote: usize,
    code: Option<(String, String, usize)>,
    html_block: Option<String>,
    /// Where each piece of the HTML block being collected starts: (offset in the block, offset
    /// in the source), to place a finding inside the block.
    html_pieces: Vec<(usize, usize)>,
    unit_start: usize,
    footnote_refs: Vec<String>,
    link_kinds: Vec<bool>,
    /// Inline raw HTML elements opened (sanitize policy) and not yet closed; closed at the
    /// next block boundary so they cannot reach outside their paragraph.
    inline_open: Vec<String>,
    /// Inline raw HTML went past `MAX_HTML_DEPTH` (reported once).
    inline_too_deep: bool,
    in_image: usize,
}

/// Renders one Markdown body; problems are returned alongside whatever could be rendered.
// Long on purpose, for now: one pass over pulldown-cmark's events, in which headings, passage
// anchors, 专栏 fences, links and the raw-HTML checks share one `State` and one event buffer.
// Its match arms are the next thing to move into functions over `State`.
pub fn render(file: &SourceFile, cx: &Context) -> (Body, Vec<Diagnostic>) {
    let text = file.text.as_str();
    let mut diags = Vec::new();
    let mut body = Body::default();
    let mut events: Vec<Event> = Vec::new();
    let mut st = State::default();
    let mut seen_ids: HashSet<String> = HashSet::new();
    let mut unit_ranges: Vec<(usize, usize)> = Vec::new();
    let lines = Lines::new(text);
    let err = |pos: usize, kind: &'static str, msg: String, hint: &str| {
        let (l, c) = lines.line_col(pos);
        Diagnostic::error(&file.display, kind, msg)
            .at(l, c)
            .hint(hint.to_string())
    };

    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        let line = lines.line(range.start);
        if let Some((_, buf, _)) = st.code.as_mut() {
            match event {
                Event::Text(t) => {
                    buf.push_str(&t);
                    continue;
                }
                Event::End(TagEnd::CodeBlock) => {
                    let (info, code, start) = st.code.take().unwrap_or_default();
                    if info == "sidebar" {
                        match code.trim().parse::<u32>() {
                            Ok(n) => {
                                events.push(Event::Html(CowStr::from(sidebar_marker(n))));
                                body.units.push(Unit {
                                    kind: UnitKind::Sidebar { number: n },
                                    anchor: format!("sidebar-{n}"),
                                    text: String::new(),
                                    html: String::new(),
                                    heading: st.heading.clone(),
                                    line: lines.line(start),
                                });
                                unit_ranges.push((events.len(), events.len()));
                            }
                            Err(_) => diags.push(err(
                                start,
                                "markdown",
                                format!(
                                    "sidebar block must hold a box number, found `{}`",
                                    code.trim()
                                ),
                                "write the 专栏 number alone, e.g. ```sidebar / 1 / ```",
                            )),
                        }
                    } else {
                        events.push(Event::Html(CowStr::from(crate::highlight::highlight(
                            &code, &info,
                        ))));
                    }
                    continue;
                }
                _ => continue,
            }
        }
        if let Some(buf) = st.html_block.as_mut() {
            match event {
                Event::Html(h) => {
                    st.html_pieces.push((buf.len(), range.start));
                    buf.push_str(&h);
                    continue;
                }
                Event::End(TagEnd::HtmlBlock) => {
                    let raw = st.html_block.take().unwrap_or_default();
                    let pieces = std::mem::take(&mut st.html_pieces);
                    let at = |offset: usize| {
                        let i = pieces.partition_point(|p| p.0 <= offset).saturating_sub(1);
                        pieces.get(i).map_or(range.start, |p| p.1 + (offset - p.0))
                    };
                    match check_html_block(&raw, cx.raw_html) {
                        Ok(()) => events.push(raw_html(&raw, cx.raw_html)),
                        Err((offset, msg, hint)) => diags.push(err(at(offset), "html", msg, hint)),
                    }
                    continue;
                }
                _ => {}
            }
        }
        if !st.inline_open.is_empty() && is_block_boundary(&event) {
            close_inline(&mut st.inline_open, &mut events);
        }
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let info = match kind {
                    CodeBlockKind::Fenced(i) => i.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                st.code = Some((info, String::new(), range.start));
            }
            Event::Start(Tag::HtmlBlock) => st.html_block = Some(String::new()),
            Event::Start(Tag::Heading { level, id, .. }) => {
                let lvl = heading_level(level);
                let id = match id {
                    Some(id) if is_slug(&id) => {
                        if !seen_ids.insert(id.to_string()) {
                            diags.push(err(
                                range.start,
                                "anchor",
                                format!("heading id `{id}` is used twice on this page"),
                                "give each heading its own id",
                            ));
                        }
                        id.to_string()
                    }
                    Some(id) => {
                        diags.push(err(range.start, "anchor", format!("heading id `{id}` is not a slug"), "use lowercase ASCII letters, digits and single hyphens, e.g. {#power-equipment}"));
                        format!("h-{}", body.units.len())
                    }
                    None => {
                        diags.push(err(range.start, "anchor", "heading has no id".into(), "add an id shared by both languages at the end of the heading, e.g. `## 汽车制造 {#automotive}`"));
                        format!("h-{}", body.units.len())
                    }
                };
                st.heading = Some(id.clone());
                st.counter = 0;
                st.in_heading = true;
                events.push(Event::Html(CowStr::from(format!("<h{lvl} id=\"{id}\">"))));
                st.unit_start = events.len();
                body.units.push(Unit {
                    kind: UnitKind::Heading { level: lvl },
                    anchor: id.clone(),
                    text: String::new(),
                    html: String::new(),
                    heading: Some(id),
                    line,
                });
            }
            Event::End(TagEnd::Heading(level)) => {
                st.in_heading = false;
                unit_ranges.push((st.unit_start, events.len()));
                events.push(Event::Html(CowStr::from(format!(
                    "</h{}>",
                    heading_level(level)
                ))));
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                st.in_footnote += 1;
                body.footnotes.push(label.to_string());
                events.push(Event::Start(Tag::FootnoteDefinition(label)));
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                st.in_footnote -= 1;
                events.push(Event::End(TagEnd::FootnoteDefinition));
            }
            Event::Start(Tag::Paragraph)
                if st.passage.is_none() && st.item_depth == 0 && st.in_footnote == 0 =>
            {
                let anchor = next_anchor(&mut st, cx.page_id);
                events.push(Event::Html(CowStr::from(format!("<p id=\"{anchor}\">"))));
                start_passage(
                    &mut st,
                    &mut body,
                    UnitKind::Paragraph,
                    anchor,
                    line,
                    events.len(),
                );
            }
            Event::End(TagEnd::Paragraph) if st.passage.is_some() && st.item_depth == 0 => {
                unit_ranges.push((st.unit_start, events.len()));
                st.passage = None;
                events.push(Event::Html(CowStr::from("</p>")));
            }
            Event::Start(Tag::Item) => {
                st.item_depth += 1;
                if st.item_depth == 1 && st.in_footnote == 0 {
                    let anchor = next_anchor(&mut st, cx.page_id);
                    events.push(Event::Html(CowStr::from(format!("<li id=\"{anchor}\">"))));
                    start_passage(
                        &mut st,
                        &mut body,
                        UnitKind::Item,
                        anchor,
                        line,
                        events.len(),
                    );
                } else {
                    events.push(Event::Start(Tag::Item));
                }
            }
            Event::End(TagEnd::Item) => {
                if st.item_depth == 1 && st.passage.is_some() {
                    unit_ranges.push((st.unit_start, events.len()));
                    st.passage = None;
                    events.push(Event::Html(CowStr::from("</li>")));
                } else {
                    events.push(Event::End(TagEnd::Item));
                }
                st.item_depth -= 1;
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                st.in_link += 1;
                let safe = escape::safe_href(&dest_url);
                match site_path(safe, cx.lang, cx.page_id) {
                    Some(target) => {
                        // Internal links are written here, not by pulldown-cmark, whose URL
                        // escaping would mangle the root marker.
                        let (line, col) = lines.line_col(range.start);
                        body.links.push(Link {
                            href: dest_url.to_string(),
                            target: target.clone(),
                            line,
                            col,
                        });
                        let title = if title.is_empty() {
                            String::new()
                        } else {
                            format!(" title=\"{}\"", escape::html(&title))
                        };
                        events.push(Event::Html(CowStr::from(format!(
                            "<a href=\"{ROOT}{}\"{title}>",
                            escape::html(&target)
                        ))));
                        st.link_kinds.push(true);
                    }
                    None => {
                        if safe.starts_with("http://") || safe.starts_with("https://") {
                            let (line, col) = lines.line_col(range.start);
                            body.external.push(Link {
                                href: safe.to_string(),
                                target: safe.to_string(),
                                line,
                                col,
                            });
                        }
                        events.push(Event::Start(Tag::Link {
                            link_type,
                            dest_url: CowStr::from(safe.to_string()),
                            title,
                            id,
                        }));
                        st.link_kinds.push(false);
                    }
                }
            }
            Event::End(TagEnd::Link) => {
                st.in_link = st.in_link.saturating_sub(1);
                if st.link_kinds.pop().unwrap_or(false) {
                    events.push(Event::Html(CowStr::from("</a>")));
                } else {
                    events.push(Event::End(TagEnd::Link));
                }
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                st.in_image += 1;
                let safe = escape::safe_href(&dest_url).to_string();
                events.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url: CowStr::from(safe),
                    title,
                    id,
                }));
            }
            Event::Text(t) => {
                add_text(&mut st, &mut body, &t);
                if st.passage.is_some() && st.in_link == 0 && st.in_footnote == 0 {
                    link_names(&t, cx, &mut body, &st, &mut events);
                } else {
                    events.push(Event::Text(t));
                }
            }
            Event::Code(t) => {
                add_text(&mut st, &mut body, &t);
                events.push(Event::Code(t));
            }
            Event::SoftBreak => {
                add_text(
                    &mut st,
                    &mut body,
                    if cx.lang == Lang::Zh { "" } else { " " },
                );
                events.push(Event::SoftBreak);
            }
            Event::FootnoteReference(label) => {
                let n = match st.footnote_refs.iter().position(|l| l == label.as_ref()) {
                    Some(i) => i + 1,
                    None => {
                        st.footnote_refs.push(label.to_string());
                        st.footnote_refs.len()
                    }
                };
                // Absolute within the site, so the note is reachable wherever the passage is shown.
                events.push(Event::Html(CowStr::from(format!(
                    "<sup class=\"footnote-reference\"><a href=\"{ROOT}{}/chapters/{}/index.html#{}\">{n}</a></sup>",
                    cx.lang.code(),
                    cx.page_id,
                    escape::html(&label)
                ))));
            }
            Event::End(TagEnd::Image) => {
                st.in_image = st.in_image.saturating_sub(1);
                events.push(Event::End(TagEnd::Image));
            }
            Event::InlineHtml(h) if cx.raw_html == RawHtml::Sanitize && st.in_image == 0 => {
                if st.inline_open.len() >= MAX_HTML_DEPTH && !h.trim_start().starts_with("</") {
                    // Refused once per body; the open elements stay bounded, so closing tags
                    // are matched in constant time.
                    if !st.inline_too_deep {
                        st.inline_too_deep = true;
                        diags.push(err(range.start, "html", TOO_DEEP.into(), TOO_DEEP_HINT));
                    }
                    continue;
                }
                let html = sanitize_inline(&h, &mut st.inline_open);
                if !html.is_empty() {
                    events.push(Event::InlineHtml(CowStr::from(html)));
                }
            }
            Event::Html(h) | Event::InlineHtml(h) => events.push(raw_html(&h, cx.raw_html)),
            other => events.push(other),
        }
    }
    close_inline(&mut st.inline_open, &mut events);
    for (unit, (s, e)) in body.units.iter_mut().zip(unit_ranges) {
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, events[s..e].iter().cloned());
        unit.html = html;
    }
    pulldown_cmark::html::push_html(&mut body.html, events.into_iter());
    (body, diags)
}

fn heading_level(level: HeadingLevel) -> u8 {
    level as u8
}

fn next_anchor(st: &mut State, page_id: &str) -> String {
    st.counter += 1;
    format!(
        "{}-{}",
        st.heading.as_deref().unwrap_or(page_id),
        st.counter
    )
}

fn start_passage(
    st: &mut State,
    body: &mut Body,
    kind: UnitKind,
    anchor: String,
    line: usize,
    at: usize,
) {
    st.passage = Some(body.units.len());
    st.unit_start = at;
    body.units.push(Unit {
        kind,
        anchor,
        text: String::new(),
        html: String::new(),
        heading: st.heading.clone(),
        line,
    });
}

fn add_text(st: &mut State, body: &mut Body, t: &str) {
    if st.in_footnote > 0 {
        return;
    }
    if (st.in_heading || st.passage.is_some())
        && let Some(u) = body.units.last_mut()
    {
        u.text.push_str(t);
    }
}

fn link_names<'e>(
    t: &CowStr<'e>,
    cx: &Context,
    body: &mut Body,
    st: &State,
    events: &mut Vec<Event<'e>>,
) {
    let anchor = st
        .passage
        .map(|i| body.units[i].anchor.clone())
        .unwrap_or_default();
    for seg in cx.linker.split(t) {
        match seg {
            Segment::Plain(p) => events.push(Event::Text(CowStr::from(p.to_string()))),
            Segment::Name(i, name) => {
                let id = &cx.enterprise_ids[i];
                events.push(Event::Html(CowStr::from(format!(
                    "<a class=\"ent\" href=\"{ROOT}{}/enterprises/{id}/index.html\">",
                    cx.lang.code()
                ))));
                events.push(Event::Text(CowStr::from(name.to_string())));
                events.push(Event::Html(CowStr::from("</a>")));
                body.mentions.push(Mention {
                    enterprise: i,
                    anchor: anchor.clone(),
                });
            }
        }
    }
}

/// The deepest raw HTML nesting sanitised: ammonia takes time quadratic in the depth (200,000
/// nested `<div>`s took minutes); real content nests a few levels.
pub const MAX_HTML_DEPTH: usize = 256;
const TOO_DEEP: &str = "raw HTML nested more than 256 elements deep";
const TOO_DEEP_HINT: &str =
    "flatten the HTML (or close its elements); real content needs a few levels";

/// A raw HTML block that must not be published: a comment left open (it hides the rest of
/// the block, or of the chapter), or nesting too deep to sanitise. (offset, message, hint).
fn check_html_block(h: &str, policy: RawHtml) -> Result<(), (usize, String, &'static str)> {
    if let Some(open) = unclosed_comment(h) {
        return Err((
            open,
            "HTML comment `<!--` is not closed: it hides everything after it".into(),
            "close the comment with `-->`, or write `\\<!--` to show the characters as text",
        ));
    }
    if policy == RawHtml::Sanitize {
        let (depth, at) = html_depth(h);
        if depth > MAX_HTML_DEPTH {
            return Err((at, TOO_DEEP.into(), TOO_DEEP_HINT));
        }
    }
    Ok(())
}

/// The offset of a `<!--` with no `-->` after it.
fn unclosed_comment(h: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(open) = h[from..].find("<!--").map(|p| p + from) {
        match h[open + 4..].find("-->") {
            Some(close) => from = open + 4 + close + 3,
            None => return Some(open),
        }
    }
    None
}

const VOID_ELEMENTS: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// How deep elements nest in `h`, and where the limit was first passed; a linear scan (each
/// tag is skipped whole, comments too).
fn html_depth(h: &str) -> (usize, usize) {
    let (mut depth, mut max, mut at, mut i) = (0usize, 0usize, 0usize, 0usize);
    while let Some(lt) = h[i..].find('<').map(|p| p + i) {
        let rest = &h[lt + 1..];
        if rest.starts_with("!--") {
            i = rest.find("-->").map_or(h.len(), |c| lt + 1 + c + 3);
            continue;
        }
        let Some(gt) = rest.find('>') else { break };
        let tag = &rest[..gt];
        if tag.starts_with('/') {
            depth = depth.saturating_sub(1);
        } else if tag.starts_with(|c: char| c.is_ascii_alphabetic()) && !tag.ends_with('/') {
            let name: String = tag
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            if !VOID_ELEMENTS.contains(&name.as_str()) {
                depth += 1;
                if depth > max {
                    max = depth;
                    if depth == MAX_HTML_DEPTH + 1 {
                        at = lt;
                    }
                }
            }
        }
        i = lt + 1 + gt + 1;
    }
    (max, at)
}

fn raw_html<'e>(h: &str, policy: RawHtml) -> Event<'e> {
    match policy {
        RawHtml::Escape => Event::Text(CowStr::from(h.to_string())),
        RawHtml::Trust => Event::Html(CowStr::from(h.to_string())),
        RawHtml::Sanitize => Event::Html(CowStr::from(ammonia::clean(h))),
    }
}

/// Where each line of a text starts, so that locating every event of a long chapter costs a
/// binary search instead of a scan from the top (which made rendering quadratic in its size).
struct Lines<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> Lines<'t> {
    fn new(text: &'t str) -> Lines<'t> {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines { text, starts }
    }

    /// The 1-based line of byte offset `pos`.
    fn line(&self, pos: usize) -> usize {
        self.starts.partition_point(|&s| s <= pos)
    }

    /// The same as `diag::line_col`: 1-based line and column (in characters).
    fn line_col(&self, pos: usize) -> (usize, usize) {
        let mut pos = pos.min(self.text.len());
        while pos > 0 && !self.text.is_char_boundary(pos) {
            pos -= 1;
        }
        let line = self.line(pos);
        let start = self.starts[line - 1];
        (line, self.text[start..pos].chars().count() + 1)
    }
}

/// Whether an event starts or ends a block (anything but an inline span).
fn is_block_boundary(event: &Event) -> bool {
    match event {
        Event::Start(tag) => !matches!(
            tag,
            Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Superscript
                | Tag::Subscript
                | Tag::Link { .. }
                | Tag::Image { .. }
        ),
        Event::End(tag) => !matches!(
            tag,
            TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript
                | TagEnd::Link
                | TagEnd::Image
        ),
        Event::Rule => true,
        _ => false,
    }
}

/// Closes the inline raw HTML elements still open, innermost first.
fn close_inline<'e>(open: &mut Vec<String>, events: &mut Vec<Event<'e>>) {
    if open.is_empty() {
        return;
    }
    let closes: String = open.drain(..).rev().map(|n| format!("</{n}>")).collect();
    events.push(Event::InlineHtml(CowStr::from(closes)));
}

/// One inline raw HTML tag under the sanitize policy. pulldown-cmark hands inline HTML over a
/// tag at a time, and ammonia alone would turn `<b>` into `<b></b>`, losing the markup; so an
/// opening tag is cleaned by ammonia and kept open (recorded in `open`), and a closing tag is
/// written only when it closes an element opened this way. Anything else (comments, void
/// elements, tags ammonia drops) is ammonia's output as is.
fn sanitize_inline(h: &str, open: &mut Vec<String>) -> String {
    let t = h.trim();
    if let Some(rest) = t.strip_prefix("</") {
        let name = rest.trim_end_matches('>').trim().to_ascii_lowercase();
        return match open.iter().rposition(|n| *n == name) {
            Some(i) => open.drain(i..).rev().map(|n| format!("</{n}>")).collect(),
            None => String::new(),
        };
    }
    let cleaned = ammonia::clean(h);
    let name: String = t
        .strip_prefix('<')
        .unwrap_or("")
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    if !name.is_empty()
        && !t.ends_with("/>")
        && let Some(start) = cleaned.strip_suffix(&format!("</{name}>"))
        && start.starts_with(&format!("<{name}"))
        && is_one_start_tag(start)
    {
        open.push(name);
        return start.to_string();
    }
    cleaned
}

/// True when `s` is exactly one start tag as ammonia writes it (double-quoted attributes).
fn is_one_start_tag(s: &str) -> bool {
    let mut quoted = false;
    for (i, c) in s.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '<' if !quoted && i > 0 => return false,
            '>' if !quoted => return i + 1 == s.len(),
            _ => {}
        }
    }
    false
}

/// The placeholder a 专栏 box leaves in the body until the page puts the box there.
pub fn sidebar_marker(n: u32) -> String {
    format!("<!--planbook:sidebar:{n}-->")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn each_root_marker_becomes_the_page_root() {
        let html = format!("<a href=\"{ROOT}zh/x/\">哈药</a><a href=\"{ROOT}en/\">y</a>");
        assert_eq!(
            with_root(&html, "../../"),
            "<a href=\"../../zh/x/\">哈药</a><a href=\"../../en/\">y</a>"
        );
        assert_eq!(with_root("无链接", "../"), "无链接");
    }

    fn run(md: &str, names: &[&str]) -> (Body, Vec<Diagnostic>) {
        let linker = Linker::new(
            &names
                .iter()
                .map(|n| vec![n.to_string()])
                .collect::<Vec<_>>(),
            false,
        );
        let ids: Vec<String> = (0..names.len()).map(|i| format!("e{i}")).collect();
        let file = SourceFile {
            display: PathBuf::from("c/zh.md"),
            text: md.into(),
        };
        let cx = Context {
            lang: Lang::Zh,
            page_id: "pg",
            linker: &linker,
            enterprise_ids: &ids,
            raw_html: RawHtml::Sanitize,
        };
        render(&file, &cx)
    }

    #[test]
    fn passages_get_anchors_under_their_heading() {
        let (b, d) = run("前言。\n\n## 一 {#one}\n\n甲。\n\n- 乙\n- 丙\n", &[]);
        assert!(d.is_empty());
        let anchors: Vec<_> = b.units.iter().map(|u| u.anchor.as_str()).collect();
        assert_eq!(anchors, ["pg-1", "one", "one-1", "one-2", "one-3"]);
        assert!(b.html.contains("<p id=\"one-1\">甲。</p>"), "{}", b.html);
        assert!(b.html.contains("<li id=\"one-2\">乙</li>"), "{}", b.html);
    }

    #[test]
    fn names_become_links_and_mentions() {
        let (b, _) = run("## 甲 {#a}\n\n哈药集团和哈药。\n", &["哈药"]);
        assert_eq!(b.mentions.len(), 2);
        assert!(b.html.contains(&format!(
            "<a class=\"ent\" href=\"{ROOT}zh/enterprises/e0/index.html\">哈药</a>"
        )));
    }

    #[test]
    fn missing_and_duplicate_heading_ids_are_errors() {
        let (_, d) = run("## 甲\n\n## 乙 {#x}\n\n## 丙 {#x}\n", &[]);
        let msgs: Vec<_> = d.iter().map(|d| (d.line, d.message.as_str())).collect();
        assert_eq!(
            msgs,
            [
                (1, "heading has no id"),
                (5, "heading id `x` is used twice on this page")
            ]
        );
    }

    #[test]
    fn sidebar_blocks_become_markers() {
        let (b, _) = run("```sidebar\n3\n```\n", &[]);
        assert!(b.html.contains("<!--planbook:sidebar:3-->"));
        assert_eq!(b.units[0].kind, UnitKind::Sidebar { number: 3 });
    }

    #[test]
    fn line_index_agrees_with_line_col() {
        for text in ["", "a", "\n", "ab\n哈尔滨x\n\nend", "\n\n中\n", "x\r\ny"] {
            let lines = Lines::new(text);
            for pos in 0..=text.len() + 2 {
                assert_eq!(
                    lines.line_col(pos),
                    crate::diag::line_col(text, pos),
                    "{text:?} at {pos}"
                );
                assert_eq!(lines.line(pos), crate::diag::line_col(text, pos).0);
            }
        }
    }

    #[test]
    fn sanitized_inline_html_keeps_its_content_inside() {
        let (b, _) = run(
            "a <b>bold</b> <em onmouseover=\"alert(1)\">em</em> <img src=x onerror=alert(1)> </div></p> <i>open\n\nnext <b/>x\n",
            &[],
        );
        assert!(
            b.html.contains(
                "a <b>bold</b> <em>em</em> <img src=\"x\">  <i>open</i></p><p id=\"pg-2\">next <b></b>x</p>"
            ),
            "{}",
            b.html
        );
        assert_eq!(
            b.units[0].html,
            "a <b>bold</b> <em>em</em> <img src=\"x\">  <i>open</i>"
        );
    }

    #[test]
    fn script_links_and_raw_html_are_neutralised() {
        let (b, _) = run(
            "[x](javascript:alert(1)) <img src=x onerror=alert(1)>\n\n<script>alert(1)</script>\n",
            &[],
        );
        assert!(!b.html.contains("javascript:"), "{}", b.html);
        assert!(!b.html.contains("onerror"), "{}", b.html);
        assert!(!b.html.contains("<script"), "{}", b.html);
    }
}
