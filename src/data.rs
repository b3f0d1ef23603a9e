//! Machine-readable output: the contract's data files (JSON and CSV), sitemap.xml with
//! hreflang alternates, robots.txt and a downloads page.

use crate::entity_checks::Entities;
use crate::escape;
use crate::model::{Bi, Lang, TargetKind, TieBasis, TieSource};
use crate::render::{OutFile, chapter_url, enterprise_url, sector_url, sidebar_url};
use crate::resolve::{Project, Site};
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
        })
    }).collect();
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
            bytes: csv(rows),
        });
    }
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

/// Flattens records into CSV: `{zh,en}` objects become `field_zh`/`field_en`, lists join with `;`.
fn csv(rows: &[Value]) -> Vec<u8> {
    let mut header: Vec<String> = Vec::new();
    let flat: Vec<Vec<(String, String)>> = rows
        .iter()
        .map(|r| {
            let mut cells = Vec::new();
            if let Value::Object(m) = r {
                for (k, v) in m {
                    flatten(k, v, &mut cells);
                }
            }
            for (k, _) in &cells {
                if !header.contains(k) {
                    header.push(k.clone());
                }
            }
            cells
        })
        .collect();
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(&header);
    for cells in flat {
        let rec: Vec<String> = header
            .iter()
            .map(|h| {
                cells
                    .iter()
                    .find(|(k, _)| k == h)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default()
            })
            .collect();
        let _ = w.write_record(&rec);
    }
    w.into_inner().unwrap_or_default()
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

/// sitemap.xml: every HTML page, each language with its twin and x-default.
pub fn sitemap<'p>(site: &Site, paths: impl IntoIterator<Item = &'p str>) -> OutFile {
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
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    let mut paths: Vec<&str> = paths
        .into_iter()
        .filter(|p| p.ends_with(".html") && *p != "404.html" && !p.starts_with("assets/"))
        .collect();
    paths.sort();
    for p in paths {
        let rest = p.strip_prefix("zh/").or_else(|| p.strip_prefix("en/"));
        xml.push_str(&format!(
            "  <url>\n    <loc>{}</loc>\n",
            escape::xml(&format!("{base}{p}"))
        ));
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
                    escape::xml(&format!(
                        "{base}{}/{rest}",
                        site.config.book.default_language
                    ))
                ));
            }
            None => xml.push_str(&format!(
                "    <xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{}\"/>\n",
                escape::xml(&format!("{base}{p}"))
            )),
        }
        xml.push_str("  </url>\n");
    }
    xml.push_str("</urlset>\n");
    OutFile {
        path: "sitemap.xml".into(),
        bytes: xml.into_bytes(),
    }
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
