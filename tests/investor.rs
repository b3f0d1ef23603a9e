//! What an investor sees in the bundled plan: a sector page opens with its targets before the
//! plan's text, a partner's page says what it is and links the Harbin company it dealt with, a
//! product's page links its maker, the projects index names who is behind each project, and no
//! page shows an empty section as "None".

mod common;

use common::*;
use serde_json::Value;
use std::sync::OnceLock;

fn built() -> &'static Vec<(String, Vec<u8>)> {
    static SITE: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    SITE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        planbook::build(&repo(), &out).unwrap_or_else(|d| panic!("bundled plan fails:\n{d}"));
        let files = read_tree(&out);
        dir.close().expect("remove the built site");
        files
    })
}

fn page(path: &str) -> String {
    let f = built().iter().find(|(p, _)| p == path);
    String::from_utf8(f.unwrap_or_else(|| panic!("{path} missing")).1.clone()).unwrap()
}

fn enterprises() -> Vec<Value> {
    let v: Value = serde_json::from_str(&page("data/enterprises.json")).unwrap();
    v["enterprises"].as_array().unwrap().clone()
}

#[test]
fn a_sector_page_opens_with_its_targets_before_the_plan_text() {
    for lang in ["zh", "en"] {
        let html = page(&format!("{lang}/sectors/machinery/index.html"));
        let brief = html.find("class=\"brief\"").expect("a brief");
        let text = html.find("id=\"text-h\"").expect("the plan's passages");
        let first_goal = html[brief..].find("brief-targets").map(|i| i + brief);
        assert!(
            first_goal.is_some_and(|g| g < text),
            "{lang}: targets first"
        );
        // The goal for 2010 with its figure and year.
        let goals = &html[brief..text];
        let figure = if lang == "en" {
            "32.2 billion yuan"
        } else {
            "322亿元"
        };
        assert!(goals.contains(figure), "{lang}: {goals}");
        assert!(goals.contains("2010"));
        // Harbin companies told apart from outside partners.
        let (companies, partners) = if lang == "en" {
            (
                "Harbin companies and groups",
                "Outside partners and investors",
            )
        } else {
            ("哈尔滨企业和集团", "外部合作方和投资者")
        };
        assert!(
            goals.contains(companies) && goals.contains(partners),
            "{lang}: {goals}"
        );
    }
}

#[test]
fn kelchs_page_says_partner_and_links_its_harbin_acquirer() {
    let html = page("zh/enterprises/kelch/index.html");
    let text = visible_text(&html);
    assert!(text.contains("外部合作方或投资者"), "{text}");
    assert!(
        html.contains("href=\"../../../zh/enterprises/harbin-measuring-cutting-tool-group/index.html\">哈量集团</a>"),
        "{html}"
    );
    let en = visible_text(&page("en/enterprises/kelch/index.html"));
    assert!(en.contains("Outside partner or investor"));
    assert!(en.contains("Acquired by Harbin Measuring & Cutting Tool Group in 2005"));
    let ld = page("en/enterprises/kelch/index.html");
    assert!(ld.contains("<script type=\"application/ld+json\">{\"@context\":\"https://schema.org\",\"@type\":\"Organization\""));
}

#[test]
fn a_product_page_says_what_it_is_and_links_its_maker() {
    let ents = enterprises();
    let products: Vec<&Value> = ents.iter().filter(|e| e["kind"] == "product").collect();
    assert!(!products.is_empty());
    for p in products.iter().filter(|p| p["maker"].is_string()) {
        let maker = p["maker"].as_str().unwrap();
        let id = p["id"].as_str().unwrap();
        let html = page(&format!("en/enterprises/{id}/index.html"));
        assert!(visible_text(&html).contains("Product or brand"), "{id}");
        assert!(
            html.contains(&format!("enterprises/{maker}/index.html")),
            "{id} links {maker}"
        );
        assert!(
            html.contains("\"manufacturer\""),
            "{id}: JSON-LD names the maker"
        );
    }
}

#[test]
fn the_projects_index_shows_who_is_behind_a_tied_project() {
    let v: Value = serde_json::from_str(&page("data/projects.json")).unwrap();
    let tied: Vec<&Value> = v["projects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["enterprises"].as_array().is_some_and(|e| !e.is_empty()))
        .collect();
    assert!(tied.len() >= 50, "{} tied projects", tied.len());
    let html = page("en/projects/index.html");
    for p in tied {
        let id = p["id"].as_str().unwrap();
        let start = html
            .find(&format!("#{id}\""))
            .unwrap_or_else(|| panic!("{id} listed"));
        let item = &html[start..start + html[start..].find("</li>").unwrap()];
        for e in p["enterprises"].as_array().unwrap() {
            let e = e.as_str().unwrap();
            assert!(
                item.contains(&format!("enterprises/{e}/index.html")),
                "{id}: {e}"
            );
        }
        assert!(
            item.contains("class=\"basis basis-"),
            "{id}: the tie's basis is shown"
        );
    }
}

#[test]
fn no_page_shows_none() {
    for (path, bytes) in built() {
        if !path.ends_with(".html") {
            continue;
        }
        let text = visible_text(&String::from_utf8_lossy(bytes));
        assert!(
            !text
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| w == "None"),
            "{path} shows \"None\""
        );
    }
}
