//! The bundled plan is itself a test: it builds without a warning, every sentence and 专栏 item
//! of the source text is on the site, every page has its twin, and the data files follow the
//! contract.

mod common;

use common::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::sync::OnceLock;

/// The built site, read into memory; its folder is deleted as soon as it is read, since a
/// static is never dropped.
struct Built {
    files: Vec<(String, Vec<u8>)>,
}

fn built() -> &'static Built {
    static SITE: OnceLock<Built> = OnceLock::new();
    SITE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let report = planbook::build(&repo(), &out)
            .unwrap_or_else(|d| panic!("bundled plan fails to build:\n{d}"));
        assert!(
            report.warnings.is_empty(),
            "bundled plan builds with warnings:\n{}",
            report.warnings
        );
        let files = read_tree(&out);
        dir.close().expect("remove the built site");
        Built { files }
    })
}

fn page(path: &str) -> String {
    let f = built()
        .files
        .iter()
        .find(|(p, _)| p == path)
        .unwrap_or_else(|| panic!("{path} missing"));
    String::from_utf8(f.1.clone()).unwrap()
}

fn json(path: &str) -> Value {
    serde_json::from_str(&page(path)).unwrap()
}

/// Text of all pages under a prefix, as a reader sees it.
fn text_under(prefix: &str) -> String {
    built()
        .files
        .iter()
        .filter(|(p, _)| {
            p.starts_with(prefix) && p.ends_with("index.html") && !p.contains("side-by-side")
        })
        .map(|(_, b)| visible_text(&String::from_utf8_lossy(b)))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn bundled_plan_checks_clean() {
    let findings = planbook::check(&repo());
    assert!(
        findings.is_empty(),
        "planbook check on the bundled plan:\n{findings}"
    );
}

#[test]
fn every_sentence_of_the_source_is_on_the_chinese_site() {
    let source = std::fs::read_to_string(repo().join("tests/data/plan-source-zh.txt")).unwrap();
    let chapters = text_under("zh/chapters/");
    let boxes = text_under("zh/sidebars/");
    let projects = json("data/projects.json");
    let categories: BTreeSet<String> = projects["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["category"]["zh"].as_str().unwrap().to_string())
        .collect();
    let mut missing = Vec::new();
    let mut checked = 0;
    // One 专栏 line of the source is wrapped in two; join such continuations first.
    let mut lines: Vec<String> = Vec::new();
    for line in source.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let starts_block =
            line.starts_with(['▲', '—', '（', '(', '专']) || line.chars().nth(1) == Some('、');
        match lines.last_mut() {
            Some(prev) if prev.starts_with('▲') && !starts_block => prev.push_str(line),
            _ => lines.push(line.to_string()),
        }
    }
    for line in lines.iter().map(String::as_str) {
        if let Some(items) = line.strip_prefix('▲') {
            for piece in items
                .split(['、', '，', '。', '：', ':', '；'])
                .map(str::trim)
                .filter(|p| p.chars().count() >= 2)
            {
                checked += 1;
                // A category run into its first item, without the colon: 焊接技术与设备SKJA型...
                let piece = categories
                    .iter()
                    .find_map(|c| {
                        piece
                            .strip_prefix(c.as_str())
                            .filter(|rest| !rest.is_empty())
                    })
                    .unwrap_or(piece);
                if !boxes.contains(piece) {
                    missing.push(format!("专栏 item: {piece}"));
                }
            }
            continue;
        }
        for piece in line
            .split(['。', '；', '　'])
            .map(str::trim)
            .filter(|p| p.chars().count() >= 4)
        {
            checked += 1;
            if !chapters.contains(piece) && !boxes.contains(piece) {
                missing.push(piece.to_string());
            }
        }
    }
    assert!(checked > 700, "only {checked} pieces checked");
    assert!(
        missing.is_empty(),
        "{} pieces of the source are not on the site, e.g.:\n{}",
        missing.len(),
        missing
            .iter()
            .take(15)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn every_page_has_its_twin_in_the_other_language() {
    let zh: BTreeSet<&str> = built()
        .files
        .iter()
        .filter_map(|(p, _)| p.strip_prefix("zh/"))
        .collect();
    let en: BTreeSet<&str> = built()
        .files
        .iter()
        .filter_map(|(p, _)| p.strip_prefix("en/"))
        .collect();
    assert!(zh.len() > 200);
    assert_eq!(zh, en);
    for (p, bytes) in &built().files {
        if p.ends_with(".html") && (p.starts_with("zh/") || p.starts_with("en/")) {
            let html = String::from_utf8_lossy(bytes);
            let other = if p.starts_with("zh/") {
                "hreflang=\"en\""
            } else {
                "hreflang=\"zh-CN\""
            };
            assert!(
                html.contains(&format!("<link rel=\"alternate\" {other}")),
                "{p} has no alternate link"
            );
            assert!(
                html.contains("class=\"lang-switch\""),
                "{p} has no language switch"
            );
        }
    }
}

#[test]
fn figures_are_converted_in_english() {
    let zh = page("zh/chapters/review/index.html");
    let en = page("en/chapters/review/index.html");
    assert!(zh.contains("490.9亿元"));
    assert!(en.contains("49.09 billion yuan"));
    assert!(en.contains("284,000 tonnes"));
    assert!(en.contains("The Chinese text is the authoritative version"));
    assert!(!zh.contains("reference translation"));
}

#[test]
fn editor_notes_mark_the_slips_named_in_the_brief() {
    let chem = visible_text(&page("zh/sidebars/5/index.html"));
    assert!(
        chem.contains("25吨甲醇") && chem.contains("编者注"),
        "25吨甲醇 must stay, with a note"
    );
    let other = visible_text(&page("zh/chapters/other-industries/index.html"));
    assert!(other.contains("QTA") && other.contains("PTA"));
    let machinery = visible_text(&page("zh/sidebars/1/index.html"));
    assert!(machinery.contains("电控电动式汽车自动变速器22哈尔滨飞翔汽车零部件公司"));
    // Where the English repairs the Chinese, a visible note says so, in both languages.
    for (path, slip, meant) in [
        ("chapters/pharma-base", "西维来司那", "sivelestat"),
        (
            "chapters/high-tech-base",
            "血红蛋白细胞生成素纤维蛋白源",
            "erythropoietin",
        ),
        ("sidebars/3", "神经结脂", "ganglioside"),
    ] {
        let zh = visible_text(&page(&format!("zh/{path}/index.html")));
        assert!(
            zh.contains(slip) && zh.contains(&format!("编者注：“{slip}”")),
            "{path}: {slip}"
        );
        let en = visible_text(&page(&format!("en/{path}/index.html")));
        assert!(
            en.contains("Editor's note") && en.contains(meant),
            "{path}: {meant}"
        );
    }
}

#[test]
fn data_files_follow_the_contract() {
    let slug = |s: &str| planbook::model::is_slug(s);
    let bi = |v: &Value| {
        ["zh", "en"]
            .iter()
            .all(|k| v[k].as_str().is_some_and(|s| !s.is_empty()))
    };
    let url = |v: &Value| {
        ["zh", "en"]
            .iter()
            .all(|k| v[k].as_str().is_some_and(|s| s.starts_with('/')))
    };
    let ents = json("data/enterprises.json");
    let ents = ents["enterprises"].as_array().unwrap();
    assert!(
        ents.len() > 100,
        "well over a hundred enterprises expected, got {}",
        ents.len()
    );
    let mut names = BTreeSet::new();
    for e in ents {
        assert!(
            slug(e["id"].as_str().unwrap()) && bi(&e["name"]) && url(&e["url"]),
            "{e}"
        );
        assert!(
            names.insert(e["name"]["en"].as_str().unwrap().to_string()),
            "English name used twice: {}",
            e["name"]["en"]
        );
        assert!(e["aliases"]["zh"].is_array() && e["aliases"]["en"].is_array());
        for m in e["mentions"].as_array().unwrap() {
            assert!(url(&m["url"]) && m["anchor"].as_str().is_some(), "{m}");
        }
    }
    assert!(
        ents.iter()
            .filter(|e| !e["mentions"].as_array().unwrap().is_empty())
            .count()
            > 100
    );
    let sectors = json("data/sectors.json");
    for s in sectors["sectors"].as_array().unwrap() {
        assert!(
            slug(s["id"].as_str().unwrap()) && bi(&s["name"]) && url(&s["url"]),
            "{s}"
        );
        assert!(s["parent"].is_null() || s["parent"].is_string());
    }
    let projects = json("data/projects.json");
    let projects = projects["projects"].as_array().unwrap();
    // 282 items as first split; 汽车压力、流量传感器 (专栏1) and 2万吨宜妙乳、乳珍、功能型液体奶 (专栏2) are
    // each one item of the plan (see the comments in content/sidebars/1.yaml and 2.yaml).
    assert_eq!(projects.len(), 279, "every 专栏 item is a project");
    for p in projects {
        assert!(
            slug(p["id"].as_str().unwrap())
                && bi(&p["name"])
                && bi(&p["category"])
                && p["sidebar"].as_u64().is_some(),
            "{p}"
        );
    }
    let targets = json("data/targets.json");
    let targets = targets["targets"].as_array().unwrap();
    assert!(targets.len() > 60);
    for t in targets {
        assert!(
            slug(t["id"].as_str().unwrap())
                && bi(&t["label"])
                && t["value"].is_number()
                && url(&t["url"]),
            "{t}"
        );
        assert!(["target", "baseline"].contains(&t["kind"].as_str().unwrap()));
    }
    for name in ["enterprises", "sectors", "projects", "targets"] {
        let csv = page(&format!("data/{name}.csv"));
        // A byte-order mark, then the header (Excel reads the file as UTF-8).
        let header = csv.strip_prefix('\u{feff}').expect("a byte-order mark");
        assert!(
            header.lines().next().unwrap().starts_with("id,"),
            "{name}.csv header"
        );
    }
}

#[test]
fn enterprise_pages_list_every_mention_with_a_working_link() {
    let html = page("zh/enterprises/harbin-pharmaceutical-group/index.html");
    let text = visible_text(&html);
    assert!(text.contains("哈药集团"));
    assert!(
        html.matches("<blockquote>").count() >= 5,
        "哈药 is named in many passages"
    );
    assert!(html.contains("href=\"../../../zh/chapters/pharma-base/index.html#"));
    let en = page("en/enterprises/harbin-pharmaceutical-group/index.html");
    assert!(en.contains("Harbin Pharmaceutical Group"));
}

#[test]
fn sitemap_lists_twins_and_x_default() {
    let xml = page("sitemap.xml");
    assert!(xml.contains("<loc>https://planbook.example.org/zh/chapters/review/index.html</loc>"));
    assert!(xml.contains(
        "hreflang=\"en\" href=\"https://planbook.example.org/en/chapters/review/index.html\""
    ));
    assert!(xml.contains("hreflang=\"x-default\""));
    assert!(page("robots.txt").contains("Sitemap: https://planbook.example.org/sitemap.xml"));
    assert!(page("404.html").contains("Page not found"));
}

#[test]
fn syntect_is_not_loaded_for_a_book_without_code() {
    // The bundled plan has no fenced code: highlighting must not have been initialised by it.
    let _ = built();
    let has_code = std::fs::read_dir(repo().join("content/chapters"))
        .unwrap()
        .flatten()
        .any(|d| {
            ["zh.md", "en.md"].iter().any(|f| {
                std::fs::read_to_string(d.path().join(f))
                    .unwrap_or_default()
                    .contains("```rust")
            })
        });
    assert!(!has_code);
    assert!(!planbook::highlight::loaded());
}

/// Each enterprise record of the data file, by id.
fn enterprise(id: &str) -> Value {
    let all = json("data/enterprises.json");
    all["enterprises"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == id)
        .unwrap_or_else(|| panic!("enterprise {id} missing"))
        .clone()
}

#[test]
fn entity_kinds_and_relations_follow_the_plan() {
    for id in ["boeing", "general-electric", "kelch", "gleason", "pepsico"] {
        assert_eq!(enterprise(id)["kind"], "partner", "{id}");
    }
    let kelch = enterprise("kelch");
    assert!(
        kelch["deal"]["zh"]
            .as_str()
            .unwrap()
            .contains("哈量集团成功并购了德国凯狮公司")
    );
    for id in [
        "hafei-minyi",
        "hafei-new-weike",
        "hafei-menghuan",
        "hafei-lubao",
        "hafei-saima",
        "hafei-saibao",
        "hafei-baili",
    ] {
        let e = enterprise(id);
        assert_eq!(
            (e["kind"].as_str(), e["maker"].as_str()),
            (Some("product"), Some("hafei-motor-group")),
            "{id}"
        );
    }
    let no6 = enterprise("harbin-pharmaceutical-no6-factory");
    assert_eq!(no6["parent"], "harbin-pharmaceutical-group");
    assert_eq!(enterprise("harbin-welding-institute")["kind"], "institute");
    assert_eq!(enterprise("harbin-software-park")["kind"], "park");
    assert_eq!(enterprise("yilan-open-pit-mine")["kind"], "site");
    assert_eq!(enterprise("harbin-pharmaceutical-group")["kind"], "company");
    let all = json("data/enterprises.json");
    assert!(
        all["enterprises"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["kind"].is_string()),
        "every entity has a kind"
    );
}

#[test]
fn names_an_investor_searches_for_are_used_in_the_english_text() {
    for (id, name) in [
        ("kuihua-pharmaceutical", "Sunflower Pharmaceutical Group"),
        ("hafei-lubao", "Hafei Lobo"),
        ("yiyang-telecom", "BOCO Inter-Telecom"),
        ("harbin-high-tech-group", "Harbin Hi-Tech"),
        (
            "harbin-pharmaceutical-no6-factory",
            "Harbin Pharmaceutical Group No. 6 Pharmaceutical Factory",
        ),
    ] {
        assert_eq!(enterprise(id)["name"]["en"], name);
        assert!(
            text_under("en/chapters/").contains(name),
            "{name} not in the English chapters"
        );
    }
    let en = text_under("en/chapters/");
    for old in [
        "Kuihua Pharmaceutical",
        "Hafei Lubao",
        "Yiyang Telecom",
        "competitive industries",
    ] {
        assert!(!en.contains(old), "{old} still in the English chapters");
    }
}

#[test]
fn projects_carry_their_stated_capacity_and_the_basis_of_each_tie() {
    let all = json("data/projects.json");
    let projects = all["projects"].as_array().unwrap();
    let by_id = |id: &str| projects.iter().find(|p| p["id"] == id).unwrap().clone();
    let engines = by_id("s1-automotive-07");
    assert_eq!(engines["capacity"]["value"], 150000.0);
    assert_eq!(engines["capacity"]["unit"]["en"], "units");
    assert_eq!(by_id("s2-grain-06")["capacity"]["value"], 865000.0);
    assert!(
        by_id("s1-automotive-01")["capacity"]["value"].is_null(),
        "HF5 is a model code"
    );
    for p in projects {
        let n = p["enterprises"].as_array().unwrap().len();
        assert_eq!(
            p["enterprise_basis"].as_array().unwrap().len(),
            n,
            "{}",
            p["id"]
        );
    }
    assert!(
        projects
            .iter()
            .filter(|p| !p["enterprises"].as_array().unwrap().is_empty())
            .count()
            >= 90
    );
    let sensors = by_id("s1-automotive-24");
    assert_eq!(sensors["name"]["zh"], "汽车压力、流量传感器");
    assert!(projects.iter().all(|p| p["id"] != "s1-automotive-25"));
}

#[test]
fn the_document_block_states_only_what_the_plan_says_about_itself() {
    // The source text names neither its issuing body nor its date of issue.
    let source = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/plan-source-zh.txt"),
    )
    .expect("the source text");
    assert!(!source.contains("哈尔滨市人民政府"));
    let zh = page("zh/index.html");
    assert!(
        zh.contains("<dt>发布机关</dt><dd>原文未写明。"),
        "issuer marked as not stated"
    );
    assert!(zh.contains("<dt>发布日期</dt><dd>原文未写明。</dd>"));
    assert!(zh.contains("规划期（2006—2010年）已于2010年结束"));
    let en = page("en/index.html");
    assert!(en.contains("<dt>Issuing body</dt><dd>Not stated in the document."));
    assert!(en.contains("<dt>Authoritative text</dt><dd>Chinese"));
    assert!(
        en.contains("<time datetime=\"2026-11-26\">2026-11-26</time>"),
        "translation date"
    );
    let chapter = page("en/chapters/review/index.html");
    assert!(chapter.contains("<summary>The plan as issued · its period ended in 2010</summary>"));
    // What's new is the maintainers' changelog, in the page's language.
    let news = page("zh/whats-new/index.html");
    assert!(news.contains("网站首次发布") && !news.contains("First publication"));
}
