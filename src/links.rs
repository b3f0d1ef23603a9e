//! Internal link checking over the rendered site: every relative link and anchor must resolve
//! to a file and an id that the build produced.

use crate::diag::Diagnostic;
use crate::render::OutFile;
use std::collections::{BTreeMap, BTreeSet};

/// Links written in Markdown that point nowhere, reported at the place they were written.
pub fn check_sources(
    site: &crate::resolve::Site,
    files: &[OutFile],
) -> (Vec<Diagnostic>, BTreeSet<String>) {
    let all: BTreeMap<&str, BTreeSet<String>> = files
        .iter()
        .filter(|f| f.path.ends_with(".html"))
        .map(|f| {
            (
                f.path.as_str(),
                attr_values(&String::from_utf8_lossy(&f.bytes), "id")
                    .into_iter()
                    .collect(),
            )
        })
        .collect();
    let others: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let mut out = Vec::new();
    let mut reported = BTreeSet::new();
    for p in &site.pages {
        for lang in crate::model::Lang::ALL {
            for l in &p.body.get(lang).links {
                let (file, frag) = l
                    .target
                    .split_once('#')
                    .map(|(a, b)| (a, Some(b)))
                    .unwrap_or((l.target.as_str(), None));
                let problem = match (all.get(file), frag) {
                    (None, _) if !others.contains(file) => Some(format!(
                        "broken link `{}`: {file} is not part of the site",
                        l.href
                    )),
                    (Some(ids), Some(f)) if !f.is_empty() && !ids.contains(f) => Some(format!(
                        "broken anchor `{}`: {file} has no id `{f}`",
                        l.href
                    )),
                    _ => None,
                };
                if let Some(msg) = problem {
                    reported.insert(l.target.clone());
                    out.push(Diagnostic::error(&p.source.get(lang).display, "link", msg).at(l.line, l.col).hint("links are relative to the chapter's page; point at a page and id that exist"));
                }
            }
        }
    }
    (out, reported)
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
}
