//! The translation audit: checks every English page against its Chinese twin (same headings and
//! passages, every figure converted, every enterprise named by its English name, no Chinese
//! left). Warnings in `build`, failures in `check`.

use crate::diag::Diagnostic;
use crate::markdown::{Unit, UnitKind};
use crate::resolve::Site;
use std::collections::BTreeMap;

/// Runs every audit over the site.
// Long: the list of audits, each a call with its arguments spelled out per page and language.
pub fn run(site: &Site) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for p in &site.pages {
        let zh = &p.body.zh;
        let en = &p.body.en;
        let en_path = &p.source.en.display;
        out.extend(structure(
            &zh.units,
            &en.units,
            &p.source.zh.display,
            en_path,
        ));
        let en_by_anchor: BTreeMap<&str, &Unit> =
            en.units.iter().map(|u| (u.anchor.as_str(), u)).collect();
        for u in &zh.units {
            let Some(twin) = en_by_anchor.get(u.anchor.as_str()) else {
                continue;
            };
            for f in missing_figures(&u.text, &twin.text) {
                out.push(Diagnostic::warning(en_path, "figure", format!("figure {f} has no counterpart in the English {}", what(u))).at(twin.line, 1).hint(format!("convert it as the style guide says (亿 = 100 million, 万 = 10,000); the Chinese is at {}:{}", p.source.zh.display.display(), u.line)));
            }
        }
        let mut en_mentions: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for m in &en.mentions {
            en_mentions
                .entry(m.anchor.as_str())
                .or_default()
                .push(m.enterprise);
        }
        let mut reported = std::collections::BTreeSet::new();
        for m in &zh.mentions {
            let named = en_mentions
                .get(m.anchor.as_str())
                .is_some_and(|v| v.contains(&m.enterprise));
            if !named && reported.insert((m.anchor.clone(), m.enterprise)) {
                let e = &site.enterprises[m.enterprise];
                let line = en_by_anchor
                    .get(m.anchor.as_str())
                    .map(|u| u.line)
                    .unwrap_or(1);
                out.push(Diagnostic::warning(en_path, "name", format!("{} is not named as \"{}\" in the English passage #{}", e.name.zh, e.name.en, m.anchor)).at(line, 1).hint("use the enterprise's English name from content/enterprises.yaml, or add the form used here to its aliases.en"));
            }
        }
        for anchor in &p.stale {
            let line = en_by_anchor
                .get(anchor.as_str())
                .map(|u| u.line)
                .unwrap_or(1);
            out.push(Diagnostic::warning(en_path, "stale", format!("passage #{anchor} awaits an updated translation: its Chinese changed after the English was last updated")).at(line, 1).hint(format!("update the English, then run `planbook mark-translated {}`", p.id)));
        }
        for u in &en.units {
            if let Some(c) = chinese_outside_parentheses(&u.text) {
                out.push(
                    Diagnostic::warning(
                        en_path,
                        "untranslated",
                        format!("Chinese text `{c}` left in the English {}", what(u)),
                    )
                    .at(u.line, 1)
                    .hint("translate it, or give the Chinese in pinyin"),
                );
            }
        }
    }
    for b in &site.sidebars {
        for c in &b.categories {
            for &pi in &c.projects {
                let pr = &site.projects[pi];
                for f in missing_figures(&pr.name.zh, &pr.name.en) {
                    out.push(
                        Diagnostic::warning(
                            &b.path,
                            "figure",
                            format!(
                                "figure {f} has no counterpart in the English of item `{}`",
                                pr.id
                            ),
                        )
                        .hint("convert it as the style guide says (亿 = 100 million, 万 = 10,000)"),
                    );
                }
                if let Some(ch) = chinese_outside_parentheses(&pr.name.en) {
                    out.push(
                        Diagnostic::warning(
                            &b.path,
                            "untranslated",
                            format!(
                                "Chinese text `{ch}` left in the English of item `{}`",
                                pr.id
                            ),
                        )
                        .hint("translate it, or give the Chinese in pinyin"),
                    );
                }
            }
        }
    }
    out
}

fn what(u: &Unit) -> &'static str {
    match u.kind {
        UnitKind::Heading { .. } => "heading",
        UnitKind::Item => "list item",
        _ => "paragraph",
    }
}

/// Same headings (by id, in order) and the same number of passages under each.
fn structure(
    zh: &[Unit],
    en: &[Unit],
    zh_path: &std::path::Path,
    en_path: &std::path::Path,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let outline = |units: &[Unit]| -> Vec<(String, usize, usize)> {
        let mut v: Vec<(String, usize, usize)> = vec![(String::new(), 0, 1)];
        for u in units {
            match u.kind {
                UnitKind::Heading { .. } => v.push((u.anchor.clone(), 0, u.line)),
                UnitKind::Paragraph | UnitKind::Item => {
                    if let Some(last) = v.last_mut() {
                        last.1 += 1;
                    }
                }
                UnitKind::Sidebar { .. } => {}
            }
        }
        v
    };
    let (a, b) = (outline(zh), outline(en));
    for (h, count, line) in &a {
        match b.iter().find(|x| &x.0 == h) {
            None => out.push(
                Diagnostic::warning(
                    en_path,
                    "structure",
                    format!("heading {{#{h}}} has no twin in the English text"),
                )
                .hint(format!(
                    "add the heading with the same id; the Chinese is at {}:{line}",
                    zh_path.display()
                )),
            ),
            Some((_, n, eline)) if n != count => {
                let place = if h.is_empty() {
                    "before the first heading".to_string()
                } else {
                    format!("under heading {{#{h}}}")
                };
                out.push(Diagnostic::warning(en_path, "structure", format!("{place} the Chinese has {count} paragraphs and list items but the English has {n}")).at(*eline, 1).hint("keep one English paragraph for every Chinese paragraph, in the same order"));
            }
            _ => {}
        }
    }
    for (h, _, line) in &b {
        if !a.iter().any(|x| &x.0 == h) {
            out.push(
                Diagnostic::warning(
                    en_path,
                    "structure",
                    format!("heading {{#{h}}} has no twin in the Chinese text"),
                )
                .at(*line, 1)
                .hint("use the same heading ids in both languages"),
            );
        }
    }
    out
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x3000..=0x303F | 0xFF00..=0xFFEF)
}

/// The first run of Chinese characters that is not inside parentheses.
pub fn chinese_outside_parentheses(text: &str) -> Option<String> {
    let mut depth = 0usize;
    let mut run = String::new();
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 && is_cjk(c) => {
                run.push(c);
                continue;
            }
            _ => {}
        }
        if !run.is_empty() {
            return Some(run);
        }
    }
    (!run.is_empty()).then_some(run)
}

/// A figure found in text: what it looks like, and the values that would match it.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub shown: String,
    pub values: Vec<f64>,
    pub code: Option<String>,
}

fn parse_number(s: &str) -> Option<f64> {
    s.replace([',', '，'], "").parse().ok()
}

/// Scans a number starting at byte `i` of `chars`; returns (text, end index).
fn scan_number(chars: &[char], i: usize) -> (String, usize) {
    let mut j = i;
    let mut s = String::new();
    while j < chars.len() {
        let c = chars[j];
        if c.is_ascii_digit() {
            s.push(c);
        } else if (c == '.' || c == ',')
            && j + 1 < chars.len()
            && chars[j + 1].is_ascii_digit()
            && !s.is_empty()
        {
            if c == ','
                && !(j + 3 < chars.len()
                    && chars[j + 1..=j + 3].iter().all(|d| d.is_ascii_digit())
                    && chars.get(j + 4).is_none_or(|d| !d.is_ascii_digit()))
            {
                break;
            }
            s.push(c);
        } else {
            break;
        }
        j += 1;
    }
    (s, j)
}

fn power_unit(chars: &[char], i: usize) -> Option<(f64, usize)> {
    let mut j = i;
    while j < chars.len() && chars[j] == ' ' {
        j += 1;
    }
    for (u, f) in [("GW", 1e9), ("MW", 1e6), ("kW", 1e3)] {
        let uc: Vec<char> = u.chars().collect();
        if chars.len() >= j + uc.len()
            && chars[j..j + uc.len()] == uc[..]
            && chars
                .get(j + uc.len())
                .is_none_or(|c| !c.is_ascii_alphabetic())
        {
            return Some((f, j + uc.len()));
        }
    }
    None
}

/// A letter-and-digit code around position `i..j` (HF5, 7ACA, Y15-2000, a-2b), if any.
fn code_around(chars: &[char], i: usize, j: usize) -> Option<(usize, usize)> {
    let part = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '.';
    let mut s = i;
    while s > 0 && part(chars[s - 1]) {
        s -= 1;
    }
    let mut e = j;
    while e < chars.len() && part(chars[e]) {
        e += 1;
    }
    while e > j && matches!(chars[e - 1], '-' | '.') {
        e -= 1;
    }
    while s < i && matches!(chars[s], '-' | '.') {
        s += 1;
    }
    let token = &chars[s..e];
    token
        .iter()
        .any(|c| c.is_ascii_alphabetic())
        .then_some((s, e))
}

/// The figures of a Chinese text.
// Long: one left-to-right scanner over the characters (number, then its Chinese unit and
// scale words), whose index moves in every branch; split, the branches would share that index.
pub fn figures_zh(text: &str) -> Vec<Figure> {
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<(Figure, usize, f64, f64)> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let (num, j) = scan_number(&chars, i);
        let Some(v) = parse_number(&num) else {
            i = j.max(i + 1);
            continue;
        };
        if let Some((pf, k)) = power_unit(&chars, j) {
            out.push((
                Figure {
                    shown: chars[i..k].iter().collect(),
                    values: vec![v * pf],
                    code: None,
                },
                k,
                1.0,
                pf,
            ));
            i = k;
            continue;
        }
        if let Some((s, e)) = code_around(&chars, i, j) {
            out.push((
                Figure {
                    shown: chars[s..e].iter().collect(),
                    values: vec![],
                    code: Some(chars[s..e].iter().collect()),
                },
                e,
                1.0,
                1.0,
            ));
            i = e;
            continue;
        }
        let mut k = j;
        while k < chars.len() && (chars[k] == ' ' || chars[k] == '多') {
            k += 1;
        }
        let mut mult = 1.0;
        while k < chars.len() {
            match chars[k] {
                '万' => mult *= 1e4,
                '亿' => mult *= 1e8,
                _ => break,
            }
            k += 1;
        }
        if mult == 1.0 {
            k = j;
        }
        let mut power = 1.0;
        if chars.get(k) == Some(&'千') && chars.get(k + 1) == Some(&'瓦') {
            power = 1e3;
        }
        let mut values = vec![v * mult * power];
        match chars.get(k) {
            Some('倍') => values.push(v * 100.0),
            Some('月') => values.push(v),
            _ => {}
        }
        let shown_end = (k + 1).min(chars.len());
        let shown: String = chars[i..shown_end]
            .iter()
            .collect::<String>()
            .trim_end_matches(|c: char| "，。；、：,;)）".contains(c))
            .to_string();
        out.push((
            Figure {
                shown,
                values,
                code: None,
            },
            k,
            mult,
            power,
        ));
        i = k.max(j);
    }
    // "30、60万千瓦": a bare number listed before a scaled one shares its scale.
    for n in 0..out.len().saturating_sub(1) {
        let (next_mult, next_power) = (out[n + 1].2, out[n + 1].3);
        let (fig, end, mult, _) = &out[n];
        if *mult == 1.0
            && fig.code.is_none()
            && next_mult > 1.0
            && matches!(chars.get(*end), Some('、' | '—' | '-' | '~' | '至'))
        {
            let base = fig.values[0];
            out[n].0.values.push(base * next_mult * next_power);
        }
    }
    out.into_iter().map(|f| f.0).collect()
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];
const WORDS: [&str; 21] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
];

/// The values and codes of an English text.
pub fn figures_en(text: &str) -> (Vec<f64>, Vec<String>) {
    let chars: Vec<char> = text.chars().collect();
    let mut values = Vec::new();
    let mut codes = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let (num, j) = scan_number(&chars, i);
        let Some(v) = parse_number(&num) else {
            i = j.max(i + 1);
            continue;
        };
        if let Some((s, e)) = code_around(&chars, i, j) {
            codes.push(chars[s..e].iter().collect());
        }
        let rest: String = chars[j..]
            .iter()
            .take(12)
            .collect::<String>()
            .to_lowercase();
        let rest = rest.trim_start_matches([' ', '-']);
        let scale = if rest.starts_with("billion") {
            1e9
        } else if rest.starts_with("million") {
            1e6
        } else if rest.starts_with("thousand") {
            1e3
        } else {
            1.0
        };
        let mut k = j;
        if scale > 1.0 {
            while k < chars.len() && (chars[k] == ' ' || chars[k] == '-') {
                k += 1;
            }
            while k < chars.len() && chars[k].is_ascii_alphabetic() {
                k += 1;
            }
        }
        let power = power_unit(&chars, k).map(|p| p.0).unwrap_or(1.0);
        values.push(v * scale);
        values.push(v * scale * power);
        i = j;
    }
    let lower = text.to_lowercase();
    for word in lower
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
    {
        if let Some(n) = WORDS.iter().position(|w| *w == word) {
            values.push(n as f64);
        }
        if let Some(n) = MONTHS.iter().position(|m| *m == word) {
            values.push(n as f64 + 1.0);
        }
    }
    (values, codes)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9_f64.max(a.abs().max(b.abs()) * 1e-9)
}

/// Chinese figures with no counterpart in the English.
pub fn missing_figures(zh: &str, en: &str) -> Vec<String> {
    let (values, codes) = figures_en(en);
    figures_zh(zh)
        .into_iter()
        .filter(|f| match &f.code {
            Some(code) => !codes.iter().any(|c| c == code),
            None => !f
                .values
                .iter()
                .any(|v| values.iter().any(|w| close(*v, *w))),
        })
        .map(|f| f.shown)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converted_figures_match() {
        let zh =
            "2005年全部工业实现增加值490.9亿元，平均增长15.7%，乳业产品产量28.4万吨，增长1.1倍。";
        let en = "In 2005 value added reached 49.09 billion yuan, growing 15.7% a year; dairy output was 284,000 tonnes, an increase of 110%.";
        assert_eq!(missing_figures(zh, en), Vec::<String>::new());
    }

    #[test]
    fn a_wrong_conversion_is_reported() {
        let zh = "实现增加值490.9亿元。";
        assert_eq!(
            missing_figures(zh, "value added of 490.9 billion yuan"),
            vec!["490.9亿元"]
        );
    }

    #[test]
    fn power_codes_months_and_lists() {
        let zh = "2004年7月第一台9FA 25万千瓦重型燃气轮机，哈空调30、60万千瓦空冷，600MW直接空冷，4个平台";
        let en = "In July 2004 the first 9FA 250 MW heavy gas turbine; 300 MW and 600 MW air cooling; 600 MW direct air cooling; four platforms";
        assert_eq!(missing_figures(zh, en), Vec::<String>::new());
        assert_eq!(missing_figures("型号HF5", "model HF 5"), vec!["HF5"]);
    }

    #[test]
    fn approximate_and_grouped() {
        assert_eq!(
            missing_figures(
                "完成投资500多亿元，专利5,000件",
                "over 50 billion yuan, 5,000 patents"
            ),
            Vec::<String>::new()
        );
    }

    #[test]
    fn chinese_left_in_english_is_found() {
        assert_eq!(chinese_outside_parentheses("Harbin (哈尔滨) Brewery"), None);
        assert_eq!(
            chinese_outside_parentheses("the 哈药 group").as_deref(),
            Some("哈药")
        );
    }
}
