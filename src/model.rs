//! The content model as written by maintainers: YAML records and chapter metadata, before any
//! cross-reference is checked. `resolve` turns these into the linked `Site`.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The two languages of every book.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Zh, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    /// The value of `<html lang>` and `hreflang`.
    pub fn html_lang(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }
}

/// A value in both languages: `{zh: ..., en: ...}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bi<T> {
    pub zh: T,
    pub en: T,
}

impl<T> Bi<T> {
    pub fn get(&self, lang: Lang) -> &T {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }

    pub fn map<U>(&self, f: impl Fn(&T, Lang) -> U) -> Bi<U> {
        Bi {
            zh: f(&self.zh, Lang::Zh),
            en: f(&self.en, Lang::En),
        }
    }
}

/// `content/plan.yaml`: facts about the plan as a document.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PlanMeta {
    pub title: Bi<String>,
    #[serde(default)]
    pub subtitle: Option<Bi<String>>,
    pub issuer: Bi<String>,
    pub period: String,
    /// Shown on every English page: the Chinese text is authoritative.
    pub translation: TranslationMeta,
    /// Target ids shown on the home pages.
    #[serde(default)]
    pub headline_targets: Vec<String>,
    /// What the document is, for the document block on the home page and atop each chapter.
    #[serde(default)]
    pub document: Option<DocumentMeta>,
}

/// The plan as a document: who issued it and what the document itself says about that, its
/// status now, its source, the authoritative language, the translation's provenance, the
/// licence. Everything is written by the book's maintainers, so each plan states its own.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentMeta {
    /// `false` when the document itself does not name its issuing body: the block then says so,
    /// and `issuer_note` says what the document does state.
    #[serde(default = "yes")]
    pub issuer_stated: bool,
    #[serde(default)]
    pub issuer_note: Option<Bi<String>>,
    /// The date of issue, when the document states it.
    #[serde(default)]
    pub issued: Option<String>,
    /// The plan's status today, e.g. that its period has ended.
    pub status: Bi<String>,
    /// The status in a few words, the one line atop each chapter that opens the block.
    pub status_short: Bi<String>,
    /// Where the Chinese text comes from.
    pub source: Bi<String>,
    #[serde(default)]
    pub source_url: Option<String>,
    /// The authoritative language's name in each language.
    pub authoritative: Bi<String>,
    /// Who translated the English, and how.
    pub translation: Bi<String>,
    pub licence: Bi<String>,
    #[serde(default)]
    pub licence_url: Option<String>,
}

fn yes() -> bool {
    true
}

/// `content/changes.yaml`: what changed for readers, written by the maintainers in both
/// languages (commit messages are never published).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ChangesFile {
    #[serde(default)]
    pub changes: Vec<ChangeEntry>,
}

/// One public change: its date, what changed in each language, and the pages it touched
/// (chapter ids, `sidebars/N`, or an index: sectors, enterprises, projects, targets, glossary).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeEntry {
    pub date: String,
    pub zh: String,
    pub en: String,
    #[serde(default)]
    pub pages: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TranslationMeta {
    pub date: String,
    pub notice: Bi<String>,
}

/// `content/chapters/NN-slug/chapter.yaml`: one page of the plan's text.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ChapterMeta {
    pub id: String,
    /// The plan's chapter number (一 = 1); 0 for text before chapter one.
    pub chapter: u32,
    pub title: Bi<String>,
    /// The page this one is a part of (a base within chapter 四).
    #[serde(default)]
    pub parent: Option<String>,
    /// The sector the whole page is about.
    #[serde(default)]
    pub sector: Option<String>,
    /// Heading or passage anchors that belong to a sector: `anchor: sector-id`.
    #[serde(default)]
    pub sections: BTreeMap<String, String>,
    /// The title is the editors', not the plan's (shown as such).
    #[serde(default)]
    pub editorial_title: bool,
}

/// `content/sidebars/N.yaml`: one 专栏 box of key projects.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SidebarFile {
    pub number: u32,
    pub title: Bi<String>,
    pub categories: Vec<SidebarCategory>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SidebarCategory {
    pub id: String,
    pub name: Bi<String>,
    #[serde(default)]
    pub sectors: Vec<String>,
    pub items: Vec<SidebarItem>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SidebarItem {
    pub id: String,
    pub zh: String,
    pub en: String,
    #[serde(default)]
    pub sectors: Vec<String>,
    #[serde(default)]
    pub enterprises: Vec<String>,
    /// Why each enterprise is tied to this item: enterprise id -> basis.
    #[serde(default)]
    pub basis: BTreeMap<String, TieBasis>,
    /// A visible editor's note on a slip in the source.
    #[serde(default)]
    pub note: Option<Bi<String>>,
}

/// The plan's words that tie a 专栏 item to an enterprise.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TieBasis {
    pub by: TieSource,
    /// With `by: chapter`: the chapter id whose text ties them.
    #[serde(default)]
    pub chapter: Option<String>,
    /// The plan's words (from the item or the chapter); `…` separates quoted pieces.
    pub quote: String,
}

/// Where a tie's words are: the item itself, or a chapter's text about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TieSource {
    Item,
    Chapter,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SectorsFile {
    pub sectors: Vec<SectorRecord>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SectorRecord {
    pub id: String,
    pub name: Bi<String>,
    #[serde(default)]
    pub parent: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EnterprisesFile {
    pub enterprises: Vec<EnterpriseRecord>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EnterpriseRecord {
    pub id: String,
    pub name: Bi<String>,
    /// What the entity is: a Harbin company, a partner, a product, ...
    pub kind: EntityKind,
    #[serde(default)]
    pub aliases: Bi<Vec<String>>,
    #[serde(default)]
    pub sectors: Vec<String>,
    /// For a subsidiary: the enterprise id of its group.
    #[serde(default)]
    pub parent: Option<String>,
    /// For a product or brand: the enterprise id of its maker.
    #[serde(default)]
    pub maker: Option<String>,
    /// For a partner: its deal as the plan states it.
    #[serde(default)]
    pub deal: Option<Bi<String>>,
    /// What supports the kind and the relations.
    pub basis: EntityBasis,
}

/// The closed set of entity kinds; a wrong kind is a located load error listing these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    /// An enterprise or group based in Harbin.
    Company,
    /// A subsidiary or plant of a group.
    Subsidiary,
    /// An outside partner or investor.
    Partner,
    /// A product line or brand.
    Product,
    /// A research institute or university.
    Institute,
    /// A park or zone.
    Park,
    /// A mine or site.
    Site,
}

impl EntityKind {
    pub const ALL: [EntityKind; 7] = [
        EntityKind::Company,
        EntityKind::Subsidiary,
        EntityKind::Partner,
        EntityKind::Product,
        EntityKind::Institute,
        EntityKind::Park,
        EntityKind::Site,
    ];

    /// The id written in YAML and in the data files.
    pub fn id(self) -> &'static str {
        match self {
            EntityKind::Company => "company",
            EntityKind::Subsidiary => "subsidiary",
            EntityKind::Partner => "partner",
            EntityKind::Product => "product",
            EntityKind::Institute => "institute",
            EntityKind::Park => "park",
            EntityKind::Site => "site",
        }
    }
}

/// What supports an entity's kind and relations: the plan's own words (`plan:`, a short quote;
/// `…` separates quoted pieces) and/or an established public fact (`public:`, a short note).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EntityBasis {
    #[serde(default)]
    pub plan: Option<String>,
    #[serde(default)]
    pub public: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TargetsFile {
    pub targets: Vec<TargetRecord>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TargetKind {
    Target,
    Baseline,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TargetRecord {
    pub id: String,
    pub label: Bi<String>,
    pub value: f64,
    pub unit: Bi<String>,
    #[serde(default)]
    pub year: Option<i32>,
    pub kind: TargetKind,
    #[serde(default)]
    pub sector: Option<String>,
    pub source: SourceRef,
    #[serde(default)]
    pub approx: bool,
    #[serde(default)]
    pub qualifier: Option<Bi<String>>,
    /// For a target: the id of the baseline it is measured against (drawn side by side).
    #[serde(default)]
    pub baseline: Option<String>,
}

/// A passage of the plan: a page id and an anchor on it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SourceRef {
    pub page: String,
    pub anchor: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GlossaryFile {
    pub terms: Vec<GlossaryTerm>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GlossaryTerm {
    pub id: String,
    pub zh: String,
    pub en: String,
    #[serde(default)]
    pub note: Option<Bi<String>>,
}

/// True for the ids the contract allows: lowercase ASCII words joined by single hyphens.
pub fn is_slug(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        for ok in ["a", "harbin-electric", "s1-power-01", "2010"] {
            assert!(is_slug(ok), "{ok}");
        }
        for bad in [
            "", "A", "a--b", "-a", "a-", "../x", "a/b", "哈药", "a_b", "a b",
        ] {
            assert!(!is_slug(bad), "{bad}");
        }
    }
}
