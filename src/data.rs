//! Machine-readable output: the contract's data files (JSON and CSV, cells neutralised against
//! spreadsheet formula injection), sitemap.xml with hreflang alternates (an index of
//! sitemap-N.xml past 50,000 URLs or 10 MB), robots.txt and a downloads page.
//! CSVs start with a UTF-8 byte-order mark (so Excel reads them as UTF-8), hold the columns
//! their Table Schema in `package` lists, and carry absolute URLs when `site-url` is set.

mod package;

use crate::entity_checks::Entities;
use crate::escape;
use crate::model::{Bi, Lang, TargetKind, TieBasis, TieSource};
use crate::numbers::period;
use crate::render::{OutFile, chapter_url, enterprise_url, sector_url, sidebar_url};
use crate::resolve::{Project, Site};
use rayon::prelude::*;
use serde_json::{Value, json};

fn bi_url(f: impl Fn(Lang) -> String) -> Value {
    json!({"zh": format!("/{}", f(Lang::Zh)), "en": format!("/{}", f(Lang::En))})
}

fn bi(b: &Bi<String>) -> Value {
    json!({"zh": b.zh, "en": b.en})
}

/// data/*.json and data/*.csv.
pub fn files(site: &Site, entities: &Entities) -> Vec<OutFile> {
    let s = site;
    let enterprises: Vec<Value> = s.enterprises.iter().map(|e| json!({
        "id": e.id, "name": bi(&e.name), "aliases": {"zh": e.aliases.zh, "en": e.aliases.en},
        "sectors": e.sectors.iter().map(|&x| &s.sectors[x].id).collect::<Vec<_>>(),
        "projects": e.projects.iter().map(|&p| &s.projects[p].id).collect::<Vec<_>>(),
        "url": bi_url(|l| enterprise_url(l, &e.id)),
        "mentions": e.mentions.iter().map(|(pi, a)| json!({"url": bi_url(|l| chapter_url(l, &s.pages[*pi].id)), "anchor": a, "page": s.pages[*pi].id})).collect::<Vec<_>>(),
        "kind": entities.records.get(&e.id).map(|r| r.kind.id()),
        "parent": entities.records.get(&e.id).and_then(|r| r.parent.as_deref()),
        "maker": entities.records.get(&e.id).and_then(|r| r.maker.as_deref()),
        "deal": entities.records.get(&e.id).and_then(|r| r.deal.as_ref()).map_or(json!({"zh": null, "en": null}), bi),
    })).collect();
    let sectors: Vec<Value> = s.sectors.iter().map(|x| json!({
        "id": x.id, "name": bi(&x.name), "parent": x.parent.map(|p| s.sectors[p].id.clone()),
        "url": bi_url(|l| sector_url(l, &x.id)),
        "enterprises": x.enterprises.iter().map(|&e| &s.enterprises[e].id).collect::<Vec<_>>(),
        "projects": x.projects.iter().map(|&p| &s.projects[p].id).collect::<Vec<_>>(),
        "targets": x.targets.iter().map(|&t| &s.targets[t].record.id).collect::<Vec<_>>(),
    })).collect();
    let projects: Vec<Value> = s.projects.iter().map(|p| json!({
        "id": p.id, "name": bi(&p.name), "sidebar": p.sidebar, "category": bi(&p.category),
        "sectors": p.sectors.iter().map(|&x| &s.sectors[x].id).collect::<Vec<_>>(),
        "enterprises": p.enterprises.iter().map(|&e| &s.enterprises[e].id).collect::<Vec<_>>(),
        "url": bi_url(|l| format!("{}#{}", sidebar_url(l, p.sidebar), p.id)),
        "note": p.note.as_ref().map(bi),
        "capacity": capacity(&p.name.zh),
        "enterprise_basis": tie_bases(s, entities, p).map(|b| match (&b.by, &b.chapter) {
            (TieSource::Chapter, Some(ch)) => format!("chapter:{ch}"),
            _ => "item".to_string(),
        }).collect::<Vec<_>>(),
        "enterprise_quotes": tie_bases(s, entities, p).map(|b| &b.quote).collect::<Vec<_>>(),
    })).collect();
    let targets: Vec<Value> = s.targets.iter().map(|t| {
        let r = &t.record;
        json!({
            "id": r.id, "label": bi(&r.label), "value": r.value, "unit": bi(&r.unit), "year": r.year,
            "kind": if r.kind == TargetKind::Target { "target" } else { "baseline" },
            "sector": t.sector.map(|x| s.sectors[x].id.clone()),
            "url": bi_url(|l| format!("{}#{}", chapter_url(l, &s.pages[t.page].id), r.source.anchor)),
            "approx": r.approx, "qualifier": r.qualifier.as_ref().map(bi), "baseline": r.baseline,
            "period": {"zh": period(&r.label.zh, r.year, Lang::Zh), "en": period(&r.label.zh, r.year, Lang::En)},
        })
    }).collect();
    let base = s.config.output.html.site_url.as_deref();
    let mut out = Vec::new();
    for (name, key, rows) in [
        ("enterprises", "enterprises", &enterprises),
        ("sectors", "sectors", &sectors),
        ("projects", "projects", &projects),
        ("targets", "targets", &targets),
    ] {
        let mut bytes = serde_json::to_vec_pretty(&json!({ key: rows })).unwrap_or_default();
        bytes.push(b'\n');
        out.push(OutFile {
            path: format!("data/{name}.json"),
            bytes,
        });
        out.push(OutFile {
            path: format!("data/{name}.csv"),
            bytes: csv(rows, package::fields(name), base),
        });
    }
    let mut bytes = serde_json::to_vec_pretty(&package::descriptor(&s.config)).unwrap_or_default();
    bytes.push(b'\n');
    out.push(OutFile {
        path: "data/datapackage.json".into(),
        bytes,
    });
    out
}

/// The capacity an item states, with the same fields (all null) when it states none, so the CSV
/// columns are the same for every row.
fn capacity(zh: &str) -> Value {
    match crate::capacity::parse(zh) {
        Some(c) => json!(c),
        None => {
            json!({"value": null, "unit": {"zh": null, "en": null}, "per": null, "class": null, "stated": null})
        }
    }
}

/// The basis of each of a project's enterprise ties, in the order of its enterprises.
fn tie_bases<'a>(
    site: &'a Site,
    entities: &'a Entities,
    p: &'a Project,
) -> impl Iterator<Item = &'a TieBasis> + 'a {
    let ties = entities.ties.get(&p.id);
    p.enterprises
        .iter()
        .filter_map(move |&e| ties?.get(&site.enterprises[e].id))
}

/// The UTF-8 byte-order mark, which tells Excel a CSV is UTF-8.
pub const BOM: &str = "\u{feff}";

/// Writes records as CSV with the columns `fields` lists, in that order: `{zh,en}` objects
/// become `field_zh`/`field_en`, lists join with `;`, site-relative URLs become absolute under
/// `base` when given. Starts with a byte-order mark.
fn csv(rows: &[Value], fields: &[package::Field], base: Option<&str>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(BOM.as_bytes().to_vec());
    let _ = w.write_record(fields.iter().map(|f| f.name));
    for r in rows {
        let mut cells = Vec::new();
        if let Value::Object(m) = r {
            for (k, v) in m {
                flatten(k, v, &mut cells);
            }
        }
        let rec = fields.iter().map(|f| {
            let cell = cells
                .iter()
                .find(|(k, _)| k == f.name)
                .map(|(_, v)| v.as_str())
                .unwrap_or_default();
            let cell = match base {
                Some(base) if f.name.starts_with("url") || f.name == "mentions" => {
                    absolute(cell, base)
                }
                _ => cell.to_string(),
            };
            neutralise_formula(&cell)
        });
        let _ = w.write_record(rec);
    }
    w.into_inner().unwrap_or_default()
}

/// Each `;`-separated site-relative URL of `cell` made absolute under `base`.
fn absolute(cell: &str, base: &str) -> String {
    let base = base.trim_end_matches('/');
    cell.split(';')
        .map(|u| match u.strip_prefix('/') {
            Some(rest) => format!("{base}/{rest}"),
            None => u.to_string(),
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// A cell a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return) gets a leading `'`, as OWASP's CSV injection guidance says, so it is read
/// as text. Plain numbers (`-5`, `+1.5`) are left as they are.
pub fn neutralise_formula(cell: &str) -> String {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && cell.parse::<f64>().is_err() {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

fn flatten(key: &str, v: &Value, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => {
            for (k, inner) in m {
                flatten(&format!("{key}_{k}"), inner, out);
            }
        }
        Value::Array(a) if key == "mentions" => out.push((
            key.into(),
            a.iter()
                .filter_map(|m| {
                    Some(format!(
                        "{}#{}",
                        m["url"]["zh"].as_str()?,
                        m["anchor"].as_str()?
                    ))
                })
                .collect::<Vec<_>>()
                .join(";"),
        )),
        Value::Array(a) => out.push((
            key.into(),
            a.iter()
                .map(|x| {
                    x.as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| x.to_string())
                })
                .collect::<Vec<_>>()
                .join(";"),
        )),
        Value::Null => out.push((key.into(), String::new())),
        Value::String(s) => out.push((key.into(), s.clone())),
        other => out.push((key.into(), other.to_string())),
    }
}

/// The most URLs in one sitemap file (the sitemap protocol's limit), and the most bytes: the
/// protocol allows 50 MB, planbook keeps every file it writes under 10 MB.
pub const SITEMAP_MAX_URLS: usize = 50_000;
pub const SITEMAP_MAX_BYTES: usize = 10 * 1000 * 1000;

const URLSET_OPEN: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n";
const URLSET_CLOSE: &str = "</urlset>\n";

/// sitemap.xml: every HTML page, each language with its twin and x-default; past the
/// protocol's limits, sitemap.xml is an index of sitemap-1.xml, sitemap-2.xml, ...
pub fn sitemap<'p>(site: &Site, paths: impl IntoIterator<Item = &'p str>) -> Vec<OutFile> {
    let base = site
        .config
        .output
        .html
        .site_url
        .clone()
        .unwrap_or_else(|| "/".into());
    let base = if base.ends_with('/') {
        base
    } else {
        format!("{base}/")
    };
    let default = site.config.book.default_language.to_string();
    let entries = sitemap_entries(&base, &default, paths);
    sitemap_files(&base, &entries, SITEMAP_MAX_URLS, SITEMAP_MAX_BYTES)
}

/// One `<url>` element per HTML page, sorted by path.
fn sitemap_entries<'p>(
    base: &str,
    default_lang: &str,
    paths: impl IntoIterator<Item = &'p str>,
) -> Vec<String> {
    let mut paths: Vec<&str> = paths
        .into_iter()
        .filter(|p| p.ends_with(".html") && *p != "404.html" && !p.starts_with("assets/"))
        .collect();
    // In parallel: the sitemap waits for every page, so it is serial time at the end of a build.
    paths.par_sort_unstable();
    paths
        .into_par_iter()
        .map(|p| {
            let mut xml = format!(
                "  <url>\n    <loc>{}</loc>\n",
                escape::xml(&format!("{base}{p}"))
            );
            let rest = p.strip_prefix("zh/").or_else(|| p.strip_prefix("en/"));
            match rest {
                Some(rest) => {
                    for lang in Lang::ALL {
                        xml.push_str(&format!(
                            "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>\n",
                            lang.html_lang(),
                            escape::xml(&format!("{base}{}/{rest}", lang.code()))
                        ));
                    }
                    xml.push_str(&format!(
                        "    <xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{}\"/>\n",
                        escape::xml(&format!("{base}{default_lang}/{rest}"))
                    ));
                }
                None => xml.push_str(&format!(
                    "    <xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{}\"/>\n",
                    escape::xml(&format!("{base}{p}"))
                )),
            }
            xml.push_str("  </url>\n");
            xml
        })
        .collect()
}

/// The entries as one sitemap.xml when they fit in `max_urls` and `max_bytes`; else as
/// sitemap-N.xml files that each fit, listed by a sitemap index in sitemap.xml.
fn sitemap_files(
    base: &str,
    entries: &[String],
    max_urls: usize,
    max_bytes: usize,
) -> Vec<OutFile> {
    let mut chunks: Vec<String> = Vec::new();
    let mut count = 0;
    for entry in entries {
        let full = chunks.last().is_none_or(|c| {
            count == max_urls || c.len() + entry.len() + URLSET_CLOSE.len() > max_bytes
        });
        if full {
            chunks.push(URLSET_OPEN.to_string());
            count = 0;
        }
        if let Some(c) = chunks.last_mut() {
            c.push_str(entry);
        }
        count += 1;
    }
    if chunks.is_empty() {
        chunks.push(URLSET_OPEN.to_string());
    }
    for c in &mut chunks {
        c.push_str(URLSET_CLOSE);
    }
    if chunks.len() == 1 {
        return vec![OutFile {
            path: "sitemap.xml".into(),
            bytes: chunks.remove(0).into_bytes(),
        }];
    }
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut files = Vec::new();
    for (i, chunk) in chunks.into_iter().enumerate() {
        let path = format!("sitemap-{}.xml", i + 1);
        index.push_str(&format!(
            "  <sitemap>\n    <loc>{}</loc>\n  </sitemap>\n",
            escape::xml(&format!("{base}{path}"))
        ));
        files.push(OutFile {
            path,
            bytes: chunk.into_bytes(),
        });
    }
    index.push_str("</sitemapindex>\n");
    files.push(OutFile {
        path: "sitemap.xml".into(),
        bytes: index.into_bytes(),
    });
    files
}

pub fn robots(site: &Site) -> OutFile {
    let mut s = String::from("User-agent: *\nAllow: /\n");
    if let Some(u) = &site.config.output.html.site_url {
        s.push_str(&format!(
            "Sitemap: {}sitemap.xml\n",
            if u.ends_with('/') {
                u.clone()
            } else {
                format!("{u}/")
            }
        ));
    }
    OutFile {
        path: "robots.txt".into(),
        bytes: s.into_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised_and_numbers_kept() {
        for payload in [
            "=HYPERLINK(\"http://evil.example\",\"x\")",
            "+cmd|' /C calc'!A0",
            "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+1)*cmd|' /C calc'!A0",
            "\t=1+1",
            "\r=1+1",
        ] {
            assert_eq!(neutralise_formula(payload), format!("'{payload}"));
        }
        for kept in ["-5", "+1.5", "490.9", "哈尔滨", "a=b", ""] {
            assert_eq!(neutralise_formula(kept), kept);
        }
    }

    fn entries(n: usize) -> Vec<String> {
        sitemap_entries(
            "https://x.org/",
            "zh",
            (0..n)
                .map(|i| format!("zh/p{i:05}.html"))
                .collect::<Vec<_>>()
                .iter()
                .map(String::as_str),
        )
    }

    #[test]
    fn a_small_site_has_one_sitemap() {
        let files = sitemap_files("https://x.org/", &entries(10), 50_000, 50_000_000);
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].path, "sitemap.xml");
        let text = String::from_utf8_lossy(&files[0].bytes);
        assert_eq!(text.matches("<url>").count(), 10);
    }

    #[test]
    fn past_the_limits_sitemap_xml_is_an_index_of_files_within_them() {
        let all = entries(25);
        for (max_urls, max_bytes) in [(10, 1_000_000), (1_000, 2_000)] {
            let files = sitemap_files("https://x.org/", &all, max_urls, max_bytes);
            let index = files.iter().find(|f| f.path == "sitemap.xml").unwrap();
            let index = String::from_utf8_lossy(&index.bytes);
            assert!(index.contains("<sitemapindex"), "{index}");
            let parts: Vec<&OutFile> = files.iter().filter(|f| f.path != "sitemap.xml").collect();
            assert!(parts.len() > 1);
            let mut urls = 0;
            for part in &parts {
                assert!(index.contains(&format!("<loc>https://x.org/{}</loc>", part.path)));
                let text = String::from_utf8_lossy(&part.bytes);
                let n = text.matches("<url>").count();
                assert!(
                    n <= max_urls && part.bytes.len() <= max_bytes,
                    "{}: {n} urls",
                    part.path
                );
                assert!(text.ends_with("</urlset>\n"));
                urls += n;
            }
            assert_eq!(urls, 25, "every page once");
        }
    }
}
