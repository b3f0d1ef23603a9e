//! Targets and baselines: each tied to the passage that states it and to its sector, each
//! baseline reference and headline target checked.

use super::ids::{IdLines, Ids, check_bi, id_pos};
use super::{Page, Sector, Target};
use crate::diag::{Diagnostic, Diagnostics};
use crate::load::Parsed;
use crate::model::{PlanMeta, TargetRecord, TargetsFile};
use std::collections::BTreeSet;

/// The targets whose source passage exists, each registered with its sector. `quiet` when the
/// Markdown already failed (a missing anchor is then not news).
pub(super) fn resolve(
    file: &Parsed<TargetsFile>,
    pages: &[Page],
    ids: (&Ids, &Ids),
    sectors: &mut [Sector],
    quiet: bool,
    diags: &mut Diagnostics,
) -> Vec<Target> {
    let (page_ids, sector_ids) = ids;
    let tf = &file.file;
    let _target_ids = Ids::new(
        "target",
        "{lang}/targets/#",
        file.value.targets.iter().map(|t| (t.id.as_str(), tf)),
        diags,
    );
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
            if !quiet {
                diags.push(missing_passage(file, pos, t));
            }
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

/// Reports baselines and headline targets that name no target.
pub(super) fn check_references(
    targets: &[Target],
    file: &Parsed<TargetsFile>,
    plan: &Parsed<PlanMeta>,
    failed: &BTreeSet<&'static str>,
    diags: &mut Diagnostics,
) {
    let known = |id: &String| targets.iter().any(|x| &x.record.id == id);
    for t in targets {
        if let Some(b) = &t.record.baseline
            && !known(b)
        {
            let pos = id_pos(&file.file, &t.record.id);
            diags.push(
                Diagnostic::error(
                    &file.file.display,
                    "reference",
                    format!("unknown target `{b}` as the baseline of `{}`", t.record.id),
                )
                .at_text(&file.file.text, pos, b)
                .hint("name the id of the baseline record this target is measured against"),
            );
        }
    }
    for id in &plan.value.headline_targets {
        if !failed.contains("target") && !known(id) {
            diags.push(
                Diagnostic::error(
                    &plan.file.display,
                    "reference",
                    format!("unknown target `{id}` in headline_targets"),
                )
                .at_text(&plan.file.text, 0, id)
                .hint("list ids from content/targets.yaml"),
            );
        }
    }
}
