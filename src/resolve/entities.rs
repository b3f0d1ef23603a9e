//! Enterprises: their ids, names, aliases, sectors, kinds and relations (parent, maker, deal), and the name finders (one per language)
//! that turn their names in the text into links and mentions.

use super::Enterprise;
use super::ids::{IdLines, Ids, check_bi};
use crate::diag::{Diagnostic, Diagnostics};
use crate::linker::Linker;
use crate::load::Parsed;
use crate::model::{Bi, EnterprisesFile, Lang};
use std::collections::{BTreeSet, HashMap};

/// The enterprises of `enterprises.yaml` with their sectors looked up, and their ids.
pub(super) fn resolve<'a>(
    file: &'a Parsed<EnterprisesFile>,
    sector_ids: &Ids,
    failed: &BTreeSet<&'static str>,
    diags: &mut Diagnostics,
) -> (Vec<Enterprise>, Ids<'a>) {
    let ef = &file.file;
    let ids = Ids::new(
        "enterprise",
        "{lang}/enterprises/",
        file.value.enterprises.iter().map(|e| (e.id.as_str(), ef)),
        diags,
    )
    .incomplete_if(failed);
    let lines = IdLines::new(ef);
    // Relations are checked (with findings) by `entity_checks`; here they are only looked up.
    let index: HashMap<&str, usize> = file
        .value
        .enterprises
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), i))
        .collect();
    let relation = |id: &Option<String>| id.as_deref().and_then(|id| index.get(id).copied());
    check_names_unique(file, &lines, diags);
    let enterprises = file
        .value
        .enterprises
        .iter()
        .map(|e| {
            let pos = lines.pos(&e.id);
            check_bi(ef, pos, &format!("enterprise `{}`", e.id), &e.name, diags);
            let sectors = e
                .sectors
                .iter()
                .filter_map(|s| sector_ids.get(s, ef, pos, diags))
                .collect();
            Enterprise {
                id: e.id.clone(),
                name: e.name.clone(),
                aliases: e.aliases.clone(),
                sectors,
                projects: vec![],
                mentions: vec![],
                kind: e.kind,
                parent: relation(&e.parent),
                maker: relation(&e.maker),
                deal: e.deal.clone(),
                deal_with: vec![],
            }
        })
        .collect();
    (enterprises, ids)
}

/// Two entities under one name (in either language, as a name or an alias) would make every
/// mention of it a guess: the second use is an error at its record.
fn check_names_unique(file: &Parsed<EnterprisesFile>, lines: &IdLines, diags: &mut Diagnostics) {
    let ef = &file.file;
    for lang in Lang::ALL {
        let mut owner: HashMap<&str, &str> = HashMap::new();
        for e in &file.value.enterprises {
            let own = std::iter::once(e.name.get(lang)).chain(e.aliases.get(lang).iter());
            for name in own.map(|n| n.trim()).filter(|n| !n.is_empty()) {
                match owner.get(name) {
                    Some(&first) if first != e.id => diags.push(
                        Diagnostic::error(
                            &ef.display,
                            "duplicate",
                            format!(
                                "`{name}` names both enterprise `{first}` and `{}`",
                                e.id
                            ),
                        )
                        .at_text(&ef.text, lines.pos(&e.id), name)
                        .hint(format!(
                            "give each entity its own {} name: if they are one entity, merge the records; otherwise drop `{name}` from one of them",
                            lang.code()
                        )),
                    ),
                    Some(_) => {}
                    None => {
                        owner.insert(name, &e.id);
                    }
                }
            }
        }
    }
}

/// The entities each partner's deal names in its Chinese, itself left out.
pub(super) fn deal_parties(enterprises: &mut [Enterprise], zh: &Linker) {
    for (i, e) in enterprises.iter_mut().enumerate() {
        if let Some(deal) = &e.deal {
            let mut parties: Vec<usize> =
                zh.find(&deal.zh).into_iter().filter(|&p| p != i).collect();
            parties.dedup();
            e.deal_with = parties;
        }
    }
}

/// A name finder per language over every enterprise's name and aliases (Latin names on word
/// boundaries).
pub(super) fn linkers(enterprises: &[Enterprise]) -> Bi<Linker> {
    let names_in =
        |lang: Lang| -> Vec<Vec<String>> { enterprises.iter().map(|e| names(e, lang)).collect() };
    Bi {
        zh: Linker::new(&names_in(Lang::Zh), false),
        en: Linker::new(&names_in(Lang::En), true),
    }
}

fn names(e: &Enterprise, lang: Lang) -> Vec<String> {
    let mut v = vec![e.name.get(lang).clone()];
    v.extend(e.aliases.get(lang).iter().cloned());
    v
}
