//! Targets and baselines: each tied to the passage that states it and to its sector, each
//! baseline reference and headline target checked against the ids defined in targets.yaml
//! (a target dropped because its chapter failed to load is still defined: no cascade).

use super::ids::{IdLines, Ids, check_bi, id_pos};
use super::{Page, Sector, Target};
use crate::diag::{Diagnostic, Diagnostics};
use crate::load::Parsed;
use crate::model::{PlanMeta, TargetRecord, TargetsFile};
use std::collections::BTreeSet;

/// The ids defined in targets.yaml (duplicates and non-slugs reported).
pub(super) fn ids<'a>(
    file: &'a Parsed<TargetsFile>,
    failed: &BTreeSet<&'static str>,
    diags: &mut Diagnostics,
) -> Ids<'a> {
    let tf = &file.file;
    Ids::new(
        "target",
        "{lang}/targets/#",
        file.value.targets.iter().map(|t| (t.id.as_str(), tf)),
        diags,
    )
    .incomplete_if(failed)
}

/// The targets whose source passage exists, each registered with its sector. A missing
/// passage on a page whose Markdown failed (`markdown_failed[page]`) follows from that error.
pub(super) fn resolve(
    file: &Parsed<TargetsFile>,
    pages: &[Page],
    ids: (&Ids, &Ids),
    sectors: &mut [Sector],
    markdown_failed: &[bool],
    diags: &mut Diagnostics,
) -> Vec<Target> {
    let (page_ids, sector_ids) = ids;
    let tf = &file.file;
    let mut targets = Vec::new();
    let lines = IdLines::new(tf);
    for t in &file.value.targets {
        let pos = lines.pos(&t.id);
        check_bi(
            tf,
            pos,
            &format!("target `{}` label", t.id),
            &t.label,
            diags,
        );
        let sector = t
            .sector
            .as_ref()
            .and_then(|s| sector_ids.get(s, tf, pos, diags));
        let Some(page) = page_ids.get(&t.source.page, tf, pos, diags) else {
            continue;
        };
        if !has_anchor(&pages[page], &t.source.anchor) {
            diags.push_unless_follows(missing_passage(file, pos, t), markdown_failed[page]);
            continue;
        }
        if let Some(s) = sector {
            sectors[s].targets.push(targets.len());
        }
        targets.push(Target {
            record: t.clone(),
            sector,
            page,
        });
    }
    targets
}

fn has_anchor(page: &Page, anchor: &str) -> bool {
    page.body.zh.units.iter().any(|u| u.anchor == anchor)
}

fn missing_passage(file: &Parsed<TargetsFile>, pos: usize, t: &TargetRecord) -> Diagnostic {
    Diagnostic::error(
        &file.file.display,
        "reference",
        format!(
            "page `{}` has no passage `{}`",
            t.source.page, t.source.anchor
        ),
    )
    .at_text(&file.file.text, pos, &t.source.anchor)
    .hint("use the anchor of the passage that states the figure (see the page's ¶ links)")
}

/// Reports baselines and headline targets that name no target defined in targets.yaml.
pub(super) fn check_references(
    file: &Parsed<TargetsFile>,
    plan: &Parsed<PlanMeta>,
    target_ids: &Ids,
    diags: &mut Diagnostics,
) {
    let tf = &file.file;
    for t in &file.value.targets {
        let Some(b) = &t.baseline else {
            continue;
        };
        let finding = || {
            Diagnostic::error(
                &tf.display,
                "reference",
                format!("unknown target `{b}` as the baseline of `{}`", t.id),
            )
            .at_text(&tf.text, id_pos(tf, &t.id), b)
            .hint("name the id of the baseline record this target is measured against")
        };
        target_ids.require(b, finding, diags);
    }
    for id in &plan.value.headline_targets {
        let finding = || {
            Diagnostic::error(
                &plan.file.display,
                "reference",
                format!("unknown target `{id}` in headline_targets"),
            )
            .at_text(&plan.file.text, 0, id)
            .hint("list ids from content/targets.yaml")
        };
        target_ids.require(id, finding, diags);
    }
}
