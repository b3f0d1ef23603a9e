//! Pieces several page kinds show: references to sectors, enterprises and projects, target rows
//! and charts, 专栏 labels, sort keys and excerpts. Each is a typed view or a plain function.

use super::{Renderer, chapter_url, enterprise_url, sector_url, sidebar_url};
use crate::chart;
use crate::escape;
use crate::i18n::Strings;
use crate::model::{Lang, TargetKind};
use crate::numbers;
use crate::resolve::Sector;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// A link to a sector.
#[derive(Serialize)]
pub(super) struct SectorRef {
    pub id: String,
    pub name: String,
    pub url: String,
}

/// A named link: an enterprise in a list.
#[derive(Serialize)]
pub(super) struct NamedLink {
    pub name: String,
    pub url: String,
}

/// A project in a sector's or enterprise's list, with the label of its 专栏 box.
#[derive(Serialize)]
pub(super) struct ProjectRef {
    pub name: String,
    pub url: String,
    #[serde(rename = "box")]
    pub box_label: String,
}

/// A sector in the search and project filters; sub-sectors are indented with a dash.
#[derive(Serialize)]
pub(super) struct SectorOption {
    pub id: String,
    pub name: String,
}

/// One row of a targets table.
#[derive(Serialize)]
pub(super) struct TargetView {
    pub id: String,
    pub label: String,
    pub display: String,
    pub value: f64,
    pub year: Option<i32>,
    /// The year, or the period a period average is for ("2001–2005 average").
    pub period: String,
    pub kind: Option<String>,
    pub sector: Option<SectorRef>,
    pub source_url: String,
}

impl Renderer<'_> {
    pub(super) fn sector_ref(&self, lang: Lang, i: usize) -> SectorRef {
        let x = &self.site.sectors[i];
        SectorRef {
            id: x.id.clone(),
            name: x.name.get(lang).clone(),
            url: sector_url(lang, &x.id),
        }
    }

    pub(super) fn enterprise_link(&self, lang: Lang, e: usize) -> NamedLink {
        let e = &self.site.enterprises[e];
        NamedLink {
            name: e.name.get(lang).clone(),
            url: enterprise_url(lang, &e.id),
        }
    }

    /// Enterprises as links, sorted by name as `lang` sorts.
    pub(super) fn enterprise_links_sorted(&self, lang: Lang, ents: &[usize]) -> Vec<NamedLink> {
        let mut v: Vec<(String, NamedLink)> = ents
            .iter()
            .map(|&e| {
                let name = self.site.enterprises[e].name.get(lang);
                (sort_key(name, lang), self.enterprise_link(lang, e))
            })
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v.into_iter().map(|e| e.1).collect()
    }

    /// A project as listed on sector and enterprise pages.
    pub(super) fn project_ref(&self, lang: Lang, p: usize) -> ProjectRef {
        let pr = &self.site.projects[p];
        ProjectRef {
            name: pr.name.get(lang).clone(),
            url: format!("{}#{}", sidebar_url(lang, pr.sidebar), pr.id),
            box_label: box_label(self.strings.get(lang), pr.sidebar),
        }
    }

    /// "12 enterprises · 5 projects" for a sector and its sub-sectors.
    pub(super) fn counts(&self, lang: Lang, x: &Sector) -> String {
        let all = self.sector_family(x);
        let ents: BTreeSet<usize> = all
            .iter()
            .flat_map(|&i| self.site.sectors[i].enterprises.iter().copied())
            .collect();
        let projects: BTreeSet<usize> = all
            .iter()
            .flat_map(|&i| self.site.sectors[i].projects.iter().copied())
            .collect();
        format!(
            "{} {} · {} {}",
            ents.len(),
            self.tr(lang, "enterprises_count"),
            projects.len(),
            self.tr(lang, "projects_count")
        )
    }

    /// A sector and its descendants.
    pub(super) fn sector_family(&self, x: &Sector) -> Vec<usize> {
        let me = self
            .site
            .sectors
            .iter()
            .position(|s| s.id == x.id)
            .unwrap_or(0);
        let mut v = vec![me];
        let mut i = 0;
        while i < v.len() {
            v.extend(self.site.sectors[v[i]].children.iter().copied());
            i += 1;
        }
        v
    }

    /// The ids of `secs` and of all their ancestors, space-separated (for filtering).
    pub(super) fn sector_ids_with_parents(&self, secs: &[usize]) -> String {
        let mut ids: Vec<&str> = Vec::new();
        for &s in secs {
            let mut cur = Some(s);
            while let Some(c) = cur {
                if !ids.contains(&self.site.sectors[c].id.as_str()) {
                    ids.push(&self.site.sectors[c].id);
                }
                cur = self.site.sectors[c].parent;
            }
        }
        ids.join(" ")
    }

    pub(super) fn sector_options(&self, lang: Lang) -> Vec<SectorOption> {
        let mut v = Vec::new();
        for (i, x) in self
            .site
            .sectors
            .iter()
            .enumerate()
            .filter(|(_, x)| x.parent.is_none())
        {
            v.push(SectorOption {
                id: x.id.clone(),
                name: x.name.get(lang).clone(),
            });
            for &c in &self.site.sectors[i].children {
                let c = &self.site.sectors[c];
                v.push(SectorOption {
                    id: c.id.clone(),
                    name: format!("— {}", c.name.get(lang)),
                });
            }
        }
        v
    }

    pub(super) fn target_view(&self, lang: Lang, i: usize) -> TargetView {
        let s = self.site;
        let x = &s.targets[i];
        let r = &x.record;
        let display = figure(r, lang);
        let kind = if r.kind == TargetKind::Target {
            "kind_target"
        } else {
            "kind_baseline"
        };
        TargetView {
            id: r.id.clone(),
            label: r.label.get(lang).clone(),
            display,
            value: r.value,
            year: r.year,
            period: numbers::period(&r.label.zh, r.year, lang),
            kind: self.strings.get(lang).get(kind).cloned(),
            sector: x.sector.map(|si| self.sector_ref(lang, si)),
            source_url: format!(
                "{}#{}",
                chapter_url(lang, &s.pages[x.page].id),
                r.source.anchor
            ),
        }
    }

    /// Baseline-vs-target pairs (one chart per unit), then percentage targets, one chart per
    /// measure (growth rates, shares, cuts), as SVG bar charts: never two measures on one scale.
    pub(super) fn chart(&self, lang: Lang, id: &str, targets: &[usize]) -> String {
        let mut pairs: BTreeMap<String, Vec<chart::Row>> = BTreeMap::new();
        let mut percents: BTreeMap<&'static str, Vec<chart::Row>> = BTreeMap::new();
        for &i in targets {
            let r = &self.site.targets[i].record;
            let baseline = r
                .baseline
                .as_ref()
                .and_then(|b| self.site.targets.iter().find(|x| &x.record.id == b));
            if let Some(b) = baseline {
                let row = chart::Row {
                    label: r.label.get(lang).clone(),
                    bars: vec![
                        chart_bar(&b.record, lang, "bar-base"),
                        chart_bar(r, lang, "bar-target"),
                    ],
                };
                // Percentages are split by measure; other figures by unit.
                let key = if r.unit.zh == "%" {
                    self.tr(lang, &format!("chart_pairs_{}", measure(&r.label.zh)))
                } else {
                    format!("{} ({})", self.tr(lang, "chart_pairs"), r.unit.get(lang))
                };
                pairs.entry(key).or_default().push(row);
            } else if r.kind == TargetKind::Target && r.unit.zh == "%" {
                percents
                    .entry(measure(&r.label.zh))
                    .or_default()
                    .push(chart::Row {
                        label: r.label.get(lang).clone(),
                        bars: vec![chart_bar(r, lang, "bar-target")],
                    });
            }
        }
        let base = self.tr(lang, "chart_baseline");
        let target = self.tr(lang, "chart_target");
        let mut out = String::new();
        for (k, (title, rows)) in pairs.iter().enumerate() {
            out.push_str(&chart::bars(
                &format!("{id}-p{k}"),
                title,
                &[("bar-base", &base), ("bar-target", &target)],
                rows,
            ));
        }
        for (measure, rows) in &percents {
            out.push_str(&chart::bars(
                &format!("{id}-{measure}"),
                &self.tr(lang, &format!("chart_{measure}")),
                &[],
                rows,
            ));
        }
        out
    }
}

/// Which measure a percentage is, from the plan's Chinese label: a growth rate, a share, a cut
/// (降低, 下降, 减少), or another rate; each is charted on its own.
fn measure(label_zh: &str) -> &'static str {
    if ["降低", "下降", "减少"]
        .iter()
        .any(|w| label_zh.contains(w))
    {
        "cut"
    } else if label_zh.contains("增长") {
        "growth"
    } else if ["比重", "占", "份额"].iter().any(|w| label_zh.contains(w)) {
        "share"
    } else {
        "rate"
    }
}

/// A bar: the figure as the plan qualifies it (以上, "or more") and the year or period it is for.
fn chart_bar(r: &crate::model::TargetRecord, lang: Lang, class: &'static str) -> chart::Bar {
    chart::Bar {
        value: r.value,
        text: format!(
            "{} ({})",
            figure(r, lang),
            numbers::period(&r.label.zh, r.year, lang)
        ),
        class,
    }
}

/// A figure with its unit and the plan's qualifier: "60%以上", "60% or more".
pub(super) fn figure(r: &crate::model::TargetRecord, lang: Lang) -> String {
    let display = numbers::display(r.value, &r.unit.zh, &r.unit.en, lang);
    match (&r.qualifier, lang) {
        (Some(q), Lang::Zh) => format!("{display}{}", q.zh),
        // "or more" (以上) follows the figure; "more than" (多) goes before it.
        (Some(q), Lang::En) if q.en.starts_with("or ") => format!("{display} {}", q.en),
        (Some(q), Lang::En) => format!("{} {display}", q.en),
        (None, _) => display,
    }
}

/// "专栏1先进制造业重点建设项目" / "Box 1: Key Construction Projects ...", as the plan heads a box.
pub(super) fn box_heading(t: &Strings, n: u32, title: &str) -> String {
    t.get("box_heading")
        .map(|l| l.replace("{n}", &n.to_string()).replace("{title}", title))
        .unwrap_or_else(|| format!("{n} {title}"))
}

/// "专栏1" / "Box 1".
pub(super) fn box_label(t: &Strings, n: u32) -> String {
    t.get("box_label")
        .map(|l| l.replace("{n}", &n.to_string()))
        .unwrap_or_else(|| n.to_string())
}

/// Sort key: pinyin (tone-less, letter by letter) for Chinese, case-folded text for English.
pub fn sort_key(name: &str, lang: Lang) -> String {
    match lang {
        Lang::En => name.to_lowercase(),
        Lang::Zh => {
            use pinyin::ToPinyin;
            let mut k = String::new();
            for c in name.chars() {
                match c.to_pinyin() {
                    Some(p) => {
                        k.push_str(p.plain());
                        k.push(' ');
                    }
                    None => k.extend(c.to_lowercase()),
                }
            }
            k
        }
    }
}

/// A short excerpt of `text` around the first of `names` found in it.
pub fn excerpt(text: &str, names: &[&String]) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= 180 {
        return text.to_string();
    }
    let pos = names
        .iter()
        .filter_map(|n| text.find(n.as_str()))
        .min()
        .map(|b| text[..b].chars().count())
        .unwrap_or(0);
    let mut start = pos.saturating_sub(60);
    let mut end = (pos + 120).min(chars.len());
    // In Latin script, do not cut a word in two: move the cuts to the nearest spaces.
    let in_word = |i: usize| {
        i > 0
            && i < chars.len()
            && chars[i - 1].is_ascii_alphanumeric()
            && chars[i].is_ascii_alphanumeric()
    };
    while start < pos && in_word(start) {
        start += 1;
    }
    while end > pos && in_word(end) {
        end -= 1;
    }
    let mut s: String = chars[start..end]
        .iter()
        .collect::<String>()
        .trim()
        .to_string();
    if start > 0 {
        s = format!("…{s}");
    }
    if end < chars.len() {
        s.push('…');
    }
    s
}

/// Escaped text for HTML built outside templates.
pub fn text(s: &str) -> String {
    escape::html(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_sorts_by_pinyin() {
        let mut v = vec!["哈药集团", "阿城", "东北轻合金"];
        v.sort_by_key(|n| sort_key(n, Lang::Zh));
        assert_eq!(v, ["阿城", "东北轻合金", "哈药集团"]);
    }

    #[test]
    fn english_excerpts_cut_between_words() {
        let text = format!(
            "{} Harbin Bearing Group {}",
            "word ".repeat(40),
            "more ".repeat(40)
        );
        let name = "Harbin Bearing Group".to_string();
        let e = excerpt(&text, &[&name]);
        assert!(
            e.starts_with("…word ") && e.ends_with(" more…") || e.ends_with("more…"),
            "{e}"
        );
        assert!(!e.contains("…ord") && !e.contains("mor…"), "{e}");
    }

    #[test]
    fn excerpt_centres_on_the_name() {
        let text = format!("{}哈药{}", "甲".repeat(200), "乙".repeat(200));
        let name = "哈药".to_string();
        let e = excerpt(&text, &[&name]);
        assert!(e.starts_with('…') && e.ends_with('…') && e.contains("哈药"));
        assert!(e.chars().count() < 190);
    }
}
