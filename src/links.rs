//! Internal link checking over the rendered site: every relative link and anchor must resolve
//! to a file and an id that the build produced.

use crate::diag::Diagnostic;
use crate::render::OutFile;
use std::collections::{BTreeMap, BTreeSet};

/// The files of a built site and the ids on its HTML pages: all a link check needs, so a
/// build can gather it while it writes instead of keeping the pages in memory.
#[derive(Debug, Default)]
pub struct SiteIndex {
    ids: BTreeMap<String, BTreeSet<String>>,
    files: BTreeSet<String>,
}

/// The pages whose ids a build gathers: those the text links to with an anchor, the only ids
/// `check_sources` reads (scanning every written page was a tenth of a large build).
pub fn anchored_targets(site: &crate::resolve::Site) -> BTreeSet<String> {
    let mut wanted = BTreeSet::new();
    for p in &site.pages {
        for lang in crate::model::Lang::ALL {
            for l in &p.body.get(lang).links {
                if let Some((file, frag)) = l.target.split_once('#')
                    && !frag.is_empty()
                {
                    wanted.insert(file.to_string());
                }
            }
        }
    }
    wanted
}

impl SiteIndex {
    /// Every file of `files`, with the ids of every HTML page.
    pub fn of(files: &[OutFile]) -> SiteIndex {
        SiteIndex::of_some(files, None)
    }

    /// Every file of `files`, with the ids of the HTML pages in `wanted` (all when `None`).
    pub fn of_some(files: &[OutFile], wanted: Option<&BTreeSet<String>>) -> SiteIndex {
        let mut index = SiteIndex::default();
        for f in files {
            let ids_wanted = wanted.is_none_or(|w| w.contains(&f.path));
            if ids_wanted && f.path.ends_with(".html") {
                let ids = attr_values(&String::from_utf8_lossy(&f.bytes), "id");
                index.ids.insert(f.path.clone(), ids.into_iter().collect());
            }
            index.files.insert(f.path.clone());
        }
        index
    }

    pub fn merge(&mut self, other: SiteIndex) {
        self.ids.extend(other.ids);
        self.files.extend(other.files);
    }

    /// What is wrong with a link to site path `file` and fragment `frag`, if anything.
    fn problem(&self, file: &str, frag: Option<&str>) -> Option<Problem> {
        match (self.ids.get(file), frag) {
            (None, _) if !self.files.contains(file) => Some(Problem::NoPage),
            (Some(ids), Some(f)) if !f.is_empty() && !ids.contains(f) => Some(Problem::NoId),
            _ => None,
        }
    }
}

enum Problem {
    NoPage,
    NoId,
}

/// Links written in Markdown that point nowhere, reported at the place they were written with
/// the form that works; also returns the targets reported, so `check` does not repeat them.
pub fn check_sources(
    site: &crate::resolve::Site,
    index: &SiteIndex,
) -> (Vec<Diagnostic>, BTreeSet<String>) {
    let mut out = Vec::new();
    let mut reported = BTreeSet::new();
    for p in &site.pages {
        for lang in crate::model::Lang::ALL {
            for l in &p.body.get(lang).links {
                let (file, frag) = match l.target.split_once('#') {
                    Some((a, b)) => (a, Some(b)),
                    None => (l.target.as_str(), None),
                };
                let Some(problem) = index.problem(file, frag) else {
                    continue;
                };
                let here = format!("{}/chapters/{}/index.html", lang.code(), p.id);
                let message = match problem {
                    Problem::NoPage => {
                        format!("broken link `{}`: {file} is not part of the site", l.href)
                    }
                    Problem::NoId => format!(
                        "broken anchor `{}`: {file} has no id `{}`",
                        l.href,
                        frag.unwrap_or_default()
                    ),
                };
                let hint = match better_target(site, index, lang, file, frag) {
                    Some(t) => format!("write it as `{}`", relative_href(&here, &t)),
                    None => "links are relative to the chapter's page: `../ID/` is another \
                             chapter, `#ID` a passage on this page, `../../enterprises/ID/` an \
                             enterprise (see the guide's \"Links\")"
                        .to_string(),
                };
                reported.insert(l.target.clone());
                out.push(
                    Diagnostic::error(&p.source.get(lang).display, "link", message)
                        .at(l.line, l.col)
                        .hint(hint),
                );
            }
        }
    }
    (out, reported)
}

/// The site path a broken link most likely meant: the chapter page of a source file written
/// mdBook-style (`../03-strategy/en.md`), a folder's `index.html`, or the nearest page or id.
fn better_target(
    site: &crate::resolve::Site,
    index: &SiteIndex,
    lang: crate::model::Lang,
    file: &str,
    frag: Option<&str>,
) -> Option<String> {
    let with_frag = |page: String, frag: Option<&str>| match frag {
        Some(f) if !f.is_empty() => format!("{page}#{f}"),
        _ => page,
    };
    if index.ids.contains_key(file) {
        let ids = index.ids.get(file)?;
        let near = crate::diag::suggest(frag?, ids.iter().map(String::as_str))?;
        return Some(format!("{file}#{near}"));
    }
    let (dir, name) = file.rsplit_once('/').unwrap_or(("", file));
    if name.ends_with(".md") {
        let folder = dir.rsplit('/').next().unwrap_or(dir);
        let page = site.pages.iter().find(|p| {
            p.meta_path
                .parent()
                .and_then(|d| d.file_name())
                .is_some_and(|d| d == folder)
        })?;
        let lang = match name {
            "zh.md" => crate::model::Lang::Zh,
            "en.md" => crate::model::Lang::En,
            _ => lang,
        };
        let page = format!("{}/chapters/{}/index.html", lang.code(), page.id);
        return Some(with_frag(page, frag));
    }
    let folder = format!("{file}/index.html");
    if index.files.contains(&folder) {
        return Some(with_frag(folder, frag));
    }
    Some(with_frag(nearest_page(index, file)?, frag))
}

/// The page beside `file` (in the same folder, e.g. `en/enterprises/`) with the nearest id.
fn nearest_page(index: &SiteIndex, file: &str) -> Option<String> {
    let page = file.strip_suffix("/index.html").unwrap_or(file);
    let (section, id) = page.rsplit_once('/')?;
    let siblings: Vec<&str> = index
        .files
        .iter()
        .filter(|k| k.ends_with(".html"))
        .filter_map(|k| k.strip_prefix(section)?.strip_prefix('/'))
        .filter_map(|rest| rest.strip_suffix("/index.html"))
        .filter(|rest| !rest.contains('/'))
        .collect();
    let near = crate::diag::suggest(id, siblings)?;
    Some(format!("{section}/{near}/index.html"))
}

/// The href from page `from` to site path `to`, both relative to the site root, written the
/// way links in the text are: folders end in `/`, a link to the same page is just `#id`.
fn relative_href(from: &str, to: &str) -> String {
    let (to_path, frag) = match to.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (to, None),
    };
    if to_path == from && frag.is_some() {
        return format!("#{}", frag.unwrap_or_default());
    }
    let from_dirs: Vec<&str> = from.split('/').collect::<Vec<_>>();
    let from_dirs = &from_dirs[..from_dirs.len() - 1];
    let to_parts: Vec<&str> = to_path.split('/').collect();
    let common = from_dirs
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut href = "../".repeat(from_dirs.len() - common);
    href.push_str(&to_parts[common..].join("/"));
    let mut href = match href.strip_suffix("index.html") {
        Some("") => "./".to_string(),
        Some(folder) => folder.to_string(),
        None => href,
    };
    if let Some(f) = frag {
        href.push('#');
        href.push_str(f);
    }
    href
}

/// Broken internal links and anchors in the rendered pages, one finding per broken target;
/// targets in `known` were already reported at their source.
pub fn check(files: &[OutFile], known: &BTreeSet<String>) -> Vec<Diagnostic> {
    let mut reported: BTreeSet<String> = known.clone();
    let mut ids: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    let html: Vec<(&str, String)> = files
        .iter()
        .filter(|f| f.path.ends_with(".html"))
        .map(|f| {
            (
                f.path.as_str(),
                String::from_utf8_lossy(&f.bytes).into_owned(),
            )
        })
        .collect();
    for (path, text) in &html {
        ids.insert(path, attr_values(text, "id").into_iter().collect());
    }
    let all: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let mut out = Vec::new();
    for (path, text) in &html {
        let dir = path.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        let mut seen = BTreeSet::new();
        for href in attr_values(text, "href")
            .into_iter()
            .chain(attr_values(text, "src"))
        {
            if href.contains("://")
                || href.starts_with("mailto:")
                || href.starts_with('/')
                || href.starts_with('?')
                || href.is_empty()
                || !seen.insert(href.clone())
            {
                continue;
            }
            let (target, frag) = resolve_href(path, dir, &href);
            let key = match &frag {
                Some(f) => format!("{target}#{f}"),
                None => target.clone(),
            };
            if !reported.insert(key) {
                continue;
            }
            if !all.contains(target.as_str()) {
                out.push(
                    Diagnostic::error(
                        format!("public/{path}"),
                        "link",
                        format!("broken link `{href}`: {target} is not part of the site"),
                    )
                    .hint("correct the link, or add the page it points to"),
                );
                continue;
            }
            if let Some(f) = frag.filter(|f| !f.is_empty())
                && ids
                    .get(target.as_str())
                    .is_some_and(|set| !set.contains(&f))
            {
                out.push(
                    Diagnostic::error(
                        format!("public/{path}"),
                        "anchor",
                        format!("broken anchor `{href}`: {target} has no id `{f}`"),
                    )
                    .hint("link to a heading or passage id that exists in both languages"),
                );
            }
        }
    }
    out
}

/// The file an `href` on page `path` (in folder `dir`) points to, and its fragment.
fn resolve_href(path: &str, dir: &str, href: &str) -> (String, Option<String>) {
    let href_dec = href.replace("&amp;", "&");
    let (file, frag) = href_dec
        .split_once('#')
        .map(|(a, b)| (a.to_string(), Some(b.to_string())))
        .unwrap_or((href_dec.clone(), None));
    let target = if file.is_empty() {
        path.to_string()
    } else {
        normalize(dir, &file)
    };
    let target = if target.ends_with('/') || target.is_empty() {
        format!("{target}index.html")
    } else {
        target
    };
    (target, frag)
}

/// External links written in Markdown that do not answer with a success status. Each distinct
/// URL is fetched once (HEAD, then GET when HEAD is refused), with a timeout.
pub fn check_external(site: &crate::resolve::Site) -> Vec<Diagnostic> {
    let agent = ureq::AgentBuilder::new()
        .timeout(std::time::Duration::from_secs(10))
        .redirects(5)
        .build();
    let mut verdicts: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut out = Vec::new();
    for p in &site.pages {
        for lang in crate::model::Lang::ALL {
            for l in &p.body.get(lang).external {
                let verdict = verdicts
                    .entry(l.href.clone())
                    .or_insert_with(|| fetch(&agent, &l.href))
                    .clone();
                if let Some(problem) = verdict {
                    out.push(
                        Diagnostic::error(
                            &p.source.get(lang).display,
                            "external-link",
                            format!("external link `{}` {problem}", l.href),
                        )
                        .at(l.line, l.col)
                        .hint("update or remove the link"),
                    );
                }
            }
        }
    }
    out
}

fn fetch(agent: &ureq::Agent, url: &str) -> Option<String> {
    let status = |r: Result<ureq::Response, ureq::Error>| match r {
        Ok(resp) => Ok(resp.status()),
        Err(ureq::Error::Status(code, _)) => Ok(code),
        Err(e) => Err(e.to_string()),
    };
    match status(agent.head(url).call()) {
        Ok(code) if code < 400 => None,
        Ok(405) | Ok(501) => match status(agent.get(url).call()) {
            Ok(code) if code < 400 => None,
            Ok(code) => Some(format!("answered HTTP {code}")),
            Err(e) => Some(format!("could not be fetched: {e}")),
        },
        Ok(code) => Some(format!("answered HTTP {code}")),
        Err(e) => Some(format!("could not be fetched: {e}")),
    }
}

fn normalize(dir: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for seg in rel.split('/') {
        match seg {
            "." | "" => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut s = parts.join("/");
    if rel.ends_with('/') {
        s.push('/');
    }
    s
}

/// Values of `name="..."` attributes in `html`.
fn attr_values(html: &str, name: &str) -> Vec<String> {
    let pat = format!(" {name}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&pat) {
        rest = &rest[i + pat.len()..];
        if let Some(end) = rest.find('"') {
            out.push(rest[..end].to_string());
            rest = &rest[end..];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(path: &str, html: &str) -> OutFile {
        OutFile {
            path: path.into(),
            bytes: html.as_bytes().to_vec(),
        }
    }

    #[test]
    fn finds_broken_links_and_anchors() {
        let files = vec![
            f(
                "zh/a/index.html",
                "<p id=\"x\"><a href=\"../b/index.html#y\">b</a> <a href=\"../c/index.html\">c</a> <a href=\"#x\">x</a></p>",
            ),
            f("zh/b/index.html", "<p id=\"z\"></p>"),
        ];
        let d = check(&files, &BTreeSet::new());
        let msgs: Vec<_> = d.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "broken anchor `../b/index.html#y`: zh/b/index.html has no id `y`",
                "broken link `../c/index.html`: zh/c/index.html is not part of the site"
            ]
        );
    }

    #[test]
    fn relative_hrefs_are_written_as_in_the_text() {
        let here = "en/chapters/review/index.html";
        assert_eq!(
            relative_href(here, "en/chapters/strategy/index.html"),
            "../strategy/"
        );
        assert_eq!(
            relative_href(here, "en/chapters/strategy/index.html#goals"),
            "../strategy/#goals"
        );
        assert_eq!(relative_href(here, &format!("{here}#goals")), "#goals");
        assert_eq!(
            relative_href(here, "en/enterprises/harbin-electric/index.html"),
            "../../enterprises/harbin-electric/"
        );
    }
}
