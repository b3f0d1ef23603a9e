//! Mentions and backlinks: which passages name each enterprise (from the authoritative
//! Chinese text), and which enterprises belong to each sector.

use super::{Enterprise, Page, Sector};

/// Each enterprise's mentions, in reading order of the pages, each passage once.
pub(super) fn collect(pages: &[Page], enterprises: &mut [Enterprise]) {
    for (i, p) in pages.iter().enumerate() {
        for m in &p.body.zh.mentions {
            let e = &mut enterprises[m.enterprise];
            if !e.mentions.iter().any(|(pi, a)| *pi == i && *a == m.anchor) {
                e.mentions.push((i, m.anchor.clone()));
            }
        }
    }
}

/// The enterprises of each sector, in the order of the enterprise list.
pub(super) fn sector_members(enterprises: &[Enterprise], sectors: &mut [Sector]) {
    for (ei, e) in enterprises.iter().enumerate() {
        for &s in &e.sectors {
            if !sectors[s].enterprises.contains(&ei) {
                sectors[s].enterprises.push(ei);
            }
        }
    }
}
