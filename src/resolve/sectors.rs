//! Sectors: their ids, names and the sector tree (parents and children). What each sector
//! gathers (passages, pages, enterprises, projects, targets) is filled in by later stages.

use super::Sector;
use super::ids::{IdLines, Ids, check_bi};
use crate::diag::Diagnostics;
use crate::load::Parsed;
use crate::model::SectorsFile;
use std::collections::BTreeSet;

/// The sectors of `sectors.yaml`, linked to their parents and children, and their ids.
pub(super) fn resolve<'a>(
    file: &'a Parsed<SectorsFile>,
    failed: &BTreeSet<&'static str>,
    diags: &mut Diagnostics,
) -> (Vec<Sector>, Ids<'a>) {
    let sf = &file.file;
    let ids = Ids::new(
        "sector",
        "{lang}/sectors/",
        file.value.sectors.iter().map(|s| (s.id.as_str(), sf)),
        diags,
    )
    .incomplete_if(failed);
    let lines = IdLines::new(sf);
    let mut sectors: Vec<Sector> = file
        .value
        .sectors
        .iter()
        .map(|s| {
            let pos = lines.pos(&s.id);
            check_bi(sf, pos, &format!("sector `{}`", s.id), &s.name, diags);
            let parent = s.parent.as_ref().and_then(|p| ids.get(p, sf, pos, diags));
            Sector {
                id: s.id.clone(),
                name: s.name.clone(),
                parent,
                children: vec![],
                passages: vec![],
                pages: vec![],
                enterprises: vec![],
                projects: vec![],
                targets: vec![],
            }
        })
        .collect();
    for i in 0..sectors.len() {
        if let Some(p) = sectors[i].parent {
            sectors[p].children.push(i);
        }
    }
    (sectors, ids)
}
