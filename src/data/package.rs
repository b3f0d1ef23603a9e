//! The data files described for analysts: each CSV's columns with their types and English
//! descriptions (a Frictionless Table Schema), and `data/datapackage.json`, the Frictionless
//! Data Package that lists the four tables with their licence, source and languages, so an
//! outside validator and a spreadsheet both know what each column holds.

use crate::config::Config;
use serde_json::{Value, json};

/// One CSV column: its header, Table Schema type and what it holds.
pub struct Field {
    pub name: &'static str,
    pub kind: &'static str,
    pub description: &'static str,
}

const fn f(name: &'static str, kind: &'static str, description: &'static str) -> Field {
    Field {
        name,
        kind,
        description,
    }
}

const ENTERPRISES: &[Field] = &[
    f(
        "id",
        "string",
        "Stable id (a slug), the same in both languages and in the page's URL",
    ),
    f("name_zh", "string", "Name as the plan writes it in Chinese"),
    f("name_en", "string", "English name"),
    f(
        "aliases_zh",
        "string",
        "Other Chinese names the plan uses for it, separated by `;`",
    ),
    f(
        "aliases_en",
        "string",
        "Other English names, separated by `;`",
    ),
    f(
        "sectors",
        "string",
        "Ids of its sectors (sectors.csv), separated by `;`",
    ),
    f(
        "projects",
        "string",
        "Ids of the 专栏 items tied to it (projects.csv), separated by `;`",
    ),
    f(
        "url_zh",
        "string",
        "Its page in Chinese (absolute when the site's address is set, else site-relative)",
    ),
    f(
        "url_en",
        "string",
        "Its page in English (absolute when the site's address is set, else site-relative)",
    ),
    f(
        "mentions",
        "string",
        "Passages of the Chinese text naming it, as page URL#anchor, separated by `;`",
    ),
    f(
        "kind",
        "string",
        "What it is: company (based in Harbin), subsidiary, partner (outside partner or investor), product (or brand), institute, park or site",
    ),
    f("parent", "string", "For a subsidiary: the id of its group"),
    f(
        "maker",
        "string",
        "For a product or brand: the id of its maker",
    ),
    f(
        "deal_zh",
        "string",
        "For a partner: its deal in the plan's Chinese words",
    ),
    f("deal_en", "string", "For a partner: its deal in English"),
];

const SECTORS: &[Field] = &[
    f("id", "string", "Stable id (a slug)"),
    f("name_zh", "string", "Name in Chinese"),
    f("name_en", "string", "Name in English"),
    f(
        "parent",
        "string",
        "Id of the sector it is part of; empty for a top-level sector",
    ),
    f(
        "url_zh",
        "string",
        "Its page in Chinese (absolute when the site's address is set, else site-relative)",
    ),
    f(
        "url_en",
        "string",
        "Its page in English (absolute when the site's address is set, else site-relative)",
    ),
    f(
        "enterprises",
        "string",
        "Ids of its enterprises (enterprises.csv), separated by `;`",
    ),
    f(
        "projects",
        "string",
        "Ids of its key projects (projects.csv), separated by `;`",
    ),
    f(
        "targets",
        "string",
        "Ids of its targets and baselines (targets.csv), separated by `;`",
    ),
];

const PROJECTS: &[Field] = &[
    f("id", "string", "Stable id (a slug) of the 专栏 item"),
    f(
        "name_zh",
        "string",
        "The item as the plan writes it in Chinese",
    ),
    f("name_en", "string", "The item in English"),
    f(
        "sidebar",
        "integer",
        "Number of the plan's 专栏 box (1 to 6) listing it",
    ),
    f(
        "category_zh",
        "string",
        "Its category within the box, in Chinese",
    ),
    f(
        "category_en",
        "string",
        "Its category within the box, in English",
    ),
    f(
        "sectors",
        "string",
        "Ids of its sectors (sectors.csv), separated by `;`",
    ),
    f(
        "enterprises",
        "string",
        "Ids of the enterprises the plan ties to it (enterprises.csv), separated by `;`",
    ),
    f(
        "url_zh",
        "string",
        "The item in its box's page in Chinese (absolute when the site's address is set, else site-relative)",
    ),
    f(
        "url_en",
        "string",
        "The item in its box's page in English (absolute when the site's address is set, else site-relative)",
    ),
    f(
        "capacity_value",
        "number",
        "The capacity or scale the item states, in capacity_unit (万 and 亿 multiplied out); empty when it states none",
    ),
    f(
        "capacity_unit_zh",
        "string",
        "Unit of capacity_value in Chinese",
    ),
    f(
        "capacity_unit_en",
        "string",
        "Unit of capacity_value in English",
    ),
    f(
        "capacity_per",
        "string",
        "`year` or `day` when the capacity is stated per year or per day",
    ),
    f(
        "capacity_class",
        "boolean",
        "True when the figure is a class (级), e.g. 1,000 MW-class",
    ),
    f(
        "capacity_stated",
        "string",
        "The plan's own words for the capacity, e.g. 15万台",
    ),
    f(
        "enterprise_basis",
        "string",
        "Where the plan ties each enterprise (same order): `item` (the item's words) or `chapter:ID` (that chapter's text), separated by `;`",
    ),
    f(
        "enterprise_quotes",
        "string",
        "The plan's words that tie each enterprise (same order), separated by `;`",
    ),
    f(
        "note_zh",
        "string",
        "Editor's note on a slip in the source, in Chinese",
    ),
    f(
        "note_en",
        "string",
        "Editor's note on a slip in the source, in English",
    ),
];

const TARGETS: &[Field] = &[
    f("id", "string", "Stable id (a slug)"),
    f("label_zh", "string", "What is measured, in Chinese"),
    f("label_en", "string", "What is measured, in English"),
    f(
        "value",
        "number",
        "The figure, in the unit as the plan writes it",
    ),
    f(
        "unit_zh",
        "string",
        "Unit in Chinese (亿元 = 100 million yuan, 万吨 = 10,000 tonnes)",
    ),
    f("unit_en", "string", "Unit in English"),
    f(
        "year",
        "integer",
        "The year the figure refers to; for a period average, the period's last year (see period_en)",
    ),
    f(
        "kind",
        "string",
        "`target` (a goal of the plan) or `baseline` (a figure achieved or stated as context)",
    ),
    f(
        "sector",
        "string",
        "Id of its sector; empty for the whole city's industry",
    ),
    f(
        "url_zh",
        "string",
        "The passage stating it, in Chinese (absolute when the site's address is set, else site-relative)",
    ),
    f(
        "url_en",
        "string",
        "The passage stating it, in English (absolute when the site's address is set, else site-relative)",
    ),
    f(
        "approx",
        "boolean",
        "True when the plan gives the figure as approximate",
    ),
    f(
        "baseline",
        "string",
        "For a target: the id of the baseline it is measured against",
    ),
    f(
        "qualifier_zh",
        "string",
        "The plan's qualifier of the figure, e.g. 以上 (or more), 多 (more than)",
    ),
    f("qualifier_en", "string", "The qualifier in English"),
    f(
        "period_zh",
        "string",
        "The year or period the figure is for, in Chinese (e.g. 2001—2005年年均)",
    ),
    f(
        "period_en",
        "string",
        "The year or period the figure is for, in English (e.g. 2001–2005 average)",
    ),
];

/// The data tables: (file stem, title, columns).
pub const TABLES: [(&str, &str, &[Field]); 4] = [
    (
        "enterprises",
        "Enterprises, groups, partners, products, institutes, parks and sites the plan names",
        ENTERPRISES,
    ),
    ("sectors", "Sectors and sub-sectors", SECTORS),
    (
        "projects",
        "Key projects: the items of the plan's 专栏 boxes",
        PROJECTS,
    ),
    ("targets", "Targets and baseline figures", TARGETS),
];

/// Columns of the CSV `stem`.
pub fn fields(stem: &str) -> &'static [Field] {
    TABLES.iter().find(|t| t.0 == stem).map_or(&[][..], |t| t.2)
}

/// `data/datapackage.json`: a Frictionless Tabular Data Package over the four CSVs.
pub fn descriptor(config: &Config) -> Value {
    let book = &config.book;
    let resources: Vec<Value> = TABLES
        .iter()
        .map(|(stem, title, fields)| {
            json!({
                "name": stem,
                "title": title,
                "path": format!("{stem}.csv"),
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "dialect": {"delimiter": ",", "header": true},
                "schema": {
                    "fields": fields.iter().map(|f| json!({
                        "name": f.name, "type": f.kind, "description": f.description,
                    })).collect::<Vec<_>>(),
                    "primaryKey": ["id"],
                    "missingValues": [""],
                },
            })
        })
        .collect();
    let mut package = json!({
        "profile": "tabular-data-package",
        "name": "planbook-data",
        "title": book.title.en,
        "description": book.description.as_ref().map(|d| d.en.clone()).unwrap_or_default(),
        "languages": ["zh", "en"],
        "licenses": [{
            "name": "other-pd",
            "title": "The plan's Chinese text is an official document of a state organ, which Article 5 of the Copyright Law of the People's Republic of China excludes from copyright",
        }],
        // The plan itself is the source; `authors` are the edition's editors, not its issuer.
        "sources": [{"title": format!("{} / {}", book.title.zh, book.title.en)}],
        "resources": resources,
    });
    if let Some(url) = &config.output.html.site_url {
        package["homepage"] = Value::String(url.clone());
    }
    package
}
