//! Checks of the typed entity model that `resolve` does not make: an enterprise's kind fits its
//! relations (`parent` only on a subsidiary, `maker` only on a product, `deal` only on a
//! partner), relations name known ids, every kind and every 专栏 tie says what supports it, and
//! every quote given as the plan's words is found in the plan's Chinese text.

use crate::diag::{Diagnostic, Diagnostics, each_in_parallel, suggest};
use crate::fsio::SourceFile;
use crate::load::{Parsed, RawContent};
use crate::model::*;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// Separates the quoted pieces of one basis quote.
const ELLIPSIS: char = '…';

/// What the data files tell about entities and ties beyond the resolved site.
#[derive(Debug, Clone, Default)]
pub struct Entities {
    /// Enterprise id -> its record (kind, parent, maker, deal, basis).
    pub records: BTreeMap<String, EnterpriseRecord>,
    /// 专栏 item id -> enterprise id -> the basis of the tie.
    pub ties: BTreeMap<String, BTreeMap<String, TieBasis>>,
}

/// Runs every entity and tie check over the parsed content, pushing findings into `diags`, and
/// returns the entities' kinds and relations and the ties' bases.
pub fn check(raw: &RawContent, diags: &mut Diagnostics) -> Entities {
    let plan_text = PlanText::new(raw);
    if let Some(ents) = &raw.enterprises {
        check_enterprises(ents, &plan_text, diags);
    }
    if !raw.failed.contains("enterprise") {
        for ((), found) in each_in_parallel(&raw.sidebars, |s, d| check_ties(s, &plan_text, d)) {
            diags.extend(found);
        }
    }
    collect(raw)
}

fn collect(raw: &RawContent) -> Entities {
    let records = raw
        .enterprises
        .iter()
        .flat_map(|f| f.value.enterprises.iter())
        .map(|e| (e.id.clone(), e.clone()))
        .collect();
    let ties = raw
        .sidebars
        .iter()
        .flat_map(|s| s.value.categories.iter())
        .flat_map(|c| c.items.iter())
        .filter(|i| !i.basis.is_empty())
        .map(|i| (i.id.clone(), i.basis.clone()))
        .collect();
    Entities { records, ties }
}

/// The plan's Chinese text, whitespace removed, for finding quotes: all of it, and per chapter.
struct PlanText {
    all: String,
    chapters: BTreeMap<String, String>,
    /// A chapter or box failed to load: a quote not found may be in the missing text.
    incomplete: bool,
}

impl PlanText {
    fn new(raw: &RawContent) -> PlanText {
        let chapters: BTreeMap<String, String> = raw
            .chapters
            .par_iter()
            .map(|c| (c.meta.value.id.clone(), squeeze(&c.body.zh.text)))
            .collect::<Vec<_>>()
            .into_iter()
            .collect();
        let boxes: Vec<String> = raw
            .sidebars
            .par_iter()
            .map(|s| squeeze(&s.file.text))
            .collect();
        let mut all: String = chapters.values().map(String::as_str).collect();
        boxes.iter().for_each(|b| all.push_str(b));
        PlanText {
            all,
            chapters,
            incomplete: raw.failed.contains("chapter") || raw.failed.contains("专栏 box"),
        }
    }
}

/// The text without whitespace: the plan's Chinese wraps and spaces irregularly.
fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The first piece of `quote` (pieces separated by `…`) that `text` does not contain.
pub fn missing_piece<'q>(quote: &'q str, text: &str) -> Option<&'q str> {
    quote
        .split(ELLIPSIS)
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .find(|p| !text.contains(&squeeze(p)))
}

/// Byte offset of the record `- id: {id}` in a YAML file (0 when absent).
fn record_pos(file: &SourceFile, id: &str) -> usize {
    [format!("- id: {id}\n"), format!("id: {id}\n")]
        .iter()
        .find_map(|pat| file.text.find(pat.as_str()))
        .unwrap_or(0)
}

fn check_enterprises(ents: &Parsed<EnterprisesFile>, plan: &PlanText, diags: &mut Diagnostics) {
    let kinds: BTreeMap<&str, EntityKind> = ents
        .value
        .enterprises
        .iter()
        .map(|e| (e.id.as_str(), e.kind))
        .collect();
    let found = each_in_parallel(&ents.value.enterprises, |e, diags| {
        let at = Place {
            file: &ents.file,
            id: &e.id,
        };
        check_relation(&at, e, "parent", e.parent.as_deref(), &kinds, diags);
        check_relation(&at, e, "maker", e.maker.as_deref(), &kinds, diags);
        if e.deal.is_some() && e.kind != EntityKind::Partner {
            diags.push(at.error(
                "deal:",
                format!(
                    "`deal` on {} `{}`: only a partner has a deal",
                    e.kind.id(),
                    e.id
                ),
                "set `kind: partner` or remove `deal`",
            ));
        }
        check_entity_basis(&at, e, plan, diags);
    });
    for ((), f) in found {
        diags.extend(f);
    }
}

/// Where a record is, for pointing at one of its fields.
/// A record in a file, by id: where it is written is looked up only for a finding (searching
/// the file for every record made a large enterprises.yaml quadratic).
struct Place<'f> {
    file: &'f SourceFile,
    id: &'f str,
}

impl Place<'_> {
    fn error(&self, needle: &str, message: String, hint: impl Into<String>) -> Diagnostic {
        let pos = record_pos(self.file, self.id);
        Diagnostic::error(&self.file.display, "entity", message)
            .at_text(&self.file.text, pos, needle)
            .hint(hint)
    }
}

/// `parent` (only on a subsidiary) or `maker` (only on a product) names a known, other entity.
fn check_relation(
    at: &Place,
    e: &EnterpriseRecord,
    field: &str,
    target: Option<&str>,
    kinds: &BTreeMap<&str, EntityKind>,
    diags: &mut Diagnostics,
) {
    let Some(target) = target else { return };
    let allowed = if field == "parent" {
        EntityKind::Subsidiary
    } else {
        EntityKind::Product
    };
    let needle = format!("{field}: {target}");
    if e.kind != allowed {
        diags.push(at.error(
            &needle,
            format!(
                "`{field}` on {} `{}`: only a {} has a {field}",
                e.kind.id(),
                e.id,
                allowed.id()
            ),
            format!("set `kind: {}` or remove `{field}`", allowed.id()),
        ));
    }
    if !kinds.contains_key(target) {
        let hint = match suggest(target, kinds.keys().copied()) {
            Some(s) => format!("did you mean `{s}`? The {field} must be an id in this file"),
            None => format!("the {field} must be the id of an entity in this file"),
        };
        diags.push(at.error(
            &needle,
            format!("unknown {field} `{target}` of `{}`", e.id),
            hint,
        ));
    } else if target == e.id {
        diags.push(at.error(
            &needle,
            format!("`{}` names itself as its {field}", e.id),
            format!("name another entity as the {field}, or remove `{field}`"),
        ));
    }
}

/// Every entity says what supports it, and its plan quote is the plan's words.
fn check_entity_basis(at: &Place, e: &EnterpriseRecord, plan: &PlanText, diags: &mut Diagnostics) {
    let b = &e.basis;
    let filled = |s: &Option<String>| s.as_ref().is_some_and(|s| !s.trim().is_empty());
    if !filled(&b.plan) && !filled(&b.public) {
        diags.push(at.error(
            "basis:",
            format!("`{}` has no basis for its kind", e.id),
            "add `plan:` (a short quote of the plan's words) or `public:` (a short note on an established public fact)",
        ));
    }
    if plan.incomplete {
        return;
    }
    if let Some(piece) = b.plan.as_deref().and_then(|q| missing_piece(q, &plan.all)) {
        diags.push(at.error(
            piece,
            format!("the basis of `{}` quotes “{piece}”, which is not in the plan's Chinese text", e.id),
            "quote the plan's words exactly (separate pieces with …), or give the basis as `public:`",
        ));
    }
}

fn check_ties(sidebar: &Parsed<SidebarFile>, plan: &PlanText, diags: &mut Diagnostics) {
    for item in sidebar.value.categories.iter().flat_map(|c| c.items.iter()) {
        let at = Place {
            file: &sidebar.file,
            id: &item.id,
        };
        for ent in &item.enterprises {
            if !item.basis.contains_key(ent) {
                diags.push(at.error(
                    "enterprises:",
                    format!("item `{}` is tied to `{ent}` without a basis", item.id),
                    format!("add `basis: {{{ent}: {{by: item, quote: ...}}}}` (or `by: chapter` with `chapter:`), quoting the plan's words that tie them"),
                ));
            }
        }
        for (ent, basis) in &item.basis {
            if !item.enterprises.contains(ent) {
                diags.push(at.error(
                    &format!("{ent}:"),
                    format!(
                        "item `{}` gives a basis for `{ent}`, which is not in its `enterprises`",
                        item.id
                    ),
                    format!("add `{ent}` to `enterprises`, or remove its basis"),
                ));
            }
            check_tie_quote(&at, item, ent, basis, plan, diags);
        }
    }
}

/// A tie's quote is in the item itself (`by: item`) or in the named chapter (`by: chapter`).
fn check_tie_quote(
    at: &Place,
    item: &SidebarItem,
    ent: &str,
    basis: &TieBasis,
    plan: &PlanText,
    diags: &mut Diagnostics,
) {
    let needle = format!("{ent}:");
    let text = match (basis.by, basis.chapter.as_deref()) {
        (TieSource::Item, None) => squeeze(&item.zh),
        (TieSource::Item, Some(_)) => {
            diags.push(at.error(
                &needle,
                format!(
                    "the tie of `{}` to `{ent}` is `by: item` but names a chapter",
                    item.id
                ),
                "remove `chapter:`, or write `by: chapter`",
            ));
            return;
        }
        (TieSource::Chapter, None) => {
            diags.push(at.error(
                &needle,
                format!(
                    "the tie of `{}` to `{ent}` is `by: chapter` but names no chapter",
                    item.id
                ),
                "add `chapter:` with the id of the chapter whose text ties them",
            ));
            return;
        }
        (TieSource::Chapter, Some(ch)) => match plan.chapters.get(ch) {
            Some(t) => t.clone(),
            None if plan.incomplete => return,
            None => {
                let hint = match suggest(ch, plan.chapters.keys().map(String::as_str)) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "use the `id:` of a chapter.yaml".to_string(),
                };
                diags.push(at.error(
                    &needle,
                    format!(
                        "unknown chapter `{ch}` in the tie of `{}` to `{ent}`",
                        item.id
                    ),
                    hint,
                ));
                return;
            }
        },
    };
    if let Some(piece) = missing_piece(&basis.quote, &text) {
        let place = match basis.by {
            TieSource::Item => "the item's Chinese".to_string(),
            TieSource::Chapter => format!("chapter `{}`", basis.chapter.as_deref().unwrap_or("")),
        };
        diags.push(at.error(
            &needle,
            format!(
                "the tie of `{}` to `{ent}` quotes “{piece}”, which is not in {place}",
                item.id
            ),
            "quote the plan's words exactly (separate pieces with …)",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn file(text: &str) -> SourceFile {
        SourceFile {
            display: PathBuf::from("content/enterprises.yaml"),
            text: text.into(),
        }
    }

    fn raw_with(enterprises: &str, chapter_zh: &str) -> RawContent {
        let f = file(enterprises);
        let value: EnterprisesFile = crate::yaml::parse(&f).expect("test YAML parses");
        let meta_file = file("id: ch\nchapter: 1\ntitle: {zh: 一, en: One}\n");
        let meta: ChapterMeta = crate::yaml::parse(&meta_file).expect("chapter meta");
        RawContent {
            enterprises: Some(Parsed { file: f, value }),
            chapters: vec![crate::load::RawChapter {
                dir: PathBuf::from("content/chapters/01-ch"),
                meta: Parsed {
                    file: meta_file,
                    value: meta,
                },
                body: std::sync::Arc::new(Bi {
                    zh: file(chapter_zh),
                    en: file(""),
                }),
                sync: None,
            }],
            ..RawContent::default()
        }
    }

    fn messages(raw: &RawContent) -> Vec<String> {
        let mut d = Diagnostics::default();
        check(raw, &mut d);
        d.to_string().lines().map(str::to_string).collect()
    }

    const GROUP: &str = "  - id: group\n    name: {zh: 集团, en: Group}\n    kind: company\n    basis: {plan: 集团为核心}\n";

    #[test]
    fn a_clean_model_has_no_findings() {
        let ents = format!(
            "enterprises:\n{GROUP}  - id: plant\n    name: {{zh: 一厂, en: Plant}}\n    kind: subsidiary\n    parent: group\n    basis: {{public: a plant of the group}}\n"
        );
        assert!(messages(&raw_with(&ents, "以集团为核心。")).is_empty());
    }

    #[test]
    fn parent_on_a_company_and_unknown_maker_are_both_reported_where_written() {
        let ents = format!(
            "enterprises:\n{GROUP}  - id: car\n    name: {{zh: 车, en: Car}}\n    kind: company\n    parent: group\n    maker: grop\n    basis: {{public: a car}}\n"
        );
        let found = messages(&raw_with(&ents, "集团为核心"));
        let text = found.join("\n");
        assert!(text.contains("content/enterprises.yaml:9:5: error[entity]: `parent` on company `car`: only a subsidiary has a parent"), "{text}");
        assert!(
            text.contains(
                "content/enterprises.yaml:10:5: error[entity]: unknown maker `grop` of `car`"
            ),
            "{text}"
        );
        assert!(text.contains("did you mean `group`?"), "{text}");
        assert!(
            text.contains("`maker` on company `car`: only a product has a maker"),
            "{text}"
        );
    }

    #[test]
    fn a_plan_quote_not_in_the_plan_is_reported() {
        let ents = format!("enterprises:\n{GROUP}");
        let text = messages(&raw_with(&ents, "别的文字")).join("\n");
        assert!(
            text.contains("quotes “集团为核心”, which is not in the plan's Chinese text"),
            "{text}"
        );
    }

    #[test]
    fn a_basis_is_required() {
        let ents = "enterprises:\n  - id: x\n    name: {zh: 某, en: X}\n    kind: company\n    basis: {}\n";
        let text = messages(&raw_with(ents, "")).join("\n");
        assert!(text.contains("`x` has no basis for its kind"), "{text}");
    }

    fn with_box(mut raw: RawContent, items: &str) -> RawContent {
        let text = format!(
            "number: 1\ntitle: {{zh: 专栏, en: Box}}\ncategories:\n  - id: cat\n    name: {{zh: 类, en: C}}\n    items:\n{items}"
        );
        let f = SourceFile {
            display: PathBuf::from("content/sidebars/1.yaml"),
            text,
        };
        let value: SidebarFile = crate::yaml::parse(&f).expect("test box parses");
        raw.sidebars.push(Parsed { file: f, value });
        raw
    }

    #[test]
    fn ties_need_a_basis_found_in_the_item_or_the_named_chapter() {
        let raw = raw_with(
            &format!("enterprises:\n{GROUP}"),
            "以集团为核心，发展电池。",
        );
        let items = "      - id: a\n        zh: 集团电池\n        en: A\n        enterprises: [group]\n        basis:\n          group: {by: item, quote: 集团}\n      - id: b\n        zh: 电池\n        en: B\n        enterprises: [group]\n        basis:\n          group: {by: chapter, chapter: ch, quote: 集团为核心…发展电池}\n      - id: c\n        zh: 电池\n        en: C\n        enterprises: [group]\n      - id: d\n        zh: 电池\n        en: D\n        enterprises: [group]\n        basis:\n          group: {by: chapter, chapter: cj, quote: 集团}\n      - id: e\n        zh: 电池\n        en: E\n        enterprises: [group]\n        basis:\n          group: {by: item, quote: 集团}\n          other: {by: item, quote: 电池}\n";
        let text = messages(&with_box(raw, items)).join("\n");
        assert!(!text.contains("`a`") && !text.contains("`b`"), "{text}");
        assert!(text.contains("content/sidebars/1.yaml:22:9: error[entity]: item `c` is tied to `group` without a basis"), "{text}");
        assert!(
            text.contains("unknown chapter `cj` in the tie of `d` to `group`"),
            "{text}"
        );
        assert!(text.contains("use the `id:` of a chapter.yaml"), "{text}");
        assert!(
            text.contains(
                "the tie of `e` to `group` quotes “集团”, which is not in the item's Chinese"
            ),
            "{text}"
        );
        assert!(
            text.contains("item `e` gives a basis for `other`, which is not in its `enterprises`"),
            "{text}"
        );
    }

    #[test]
    fn quote_pieces_are_matched_across_whitespace_and_ellipses() {
        assert_eq!(
            missing_piece(
                "哈飞汽车集团形成…（梦幻）",
                "哈飞汽车集团形成微型车、\n中高级轿车（梦幻）"
            ),
            None
        );
        assert_eq!(missing_piece("甲…丙", "甲乙"), Some("丙"));
    }
}
