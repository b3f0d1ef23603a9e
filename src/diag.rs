//! Diagnostics: every content problem is collected with its place and a hint, so a build can
//! report all of them at once instead of stopping at the first.

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a finding is: errors stop the build, warnings are printed and (in `check`) fail it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One finding: `path:line:col: error[kind]: message`, plus an optional hint on how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub path: PathBuf,
    pub line: usize,
    pub col: usize,
    pub severity: Severity,
    pub kind: &'static str,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(path: impl Into<PathBuf>, kind: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.into(),
            line: 1,
            col: 1,
            severity: Severity::Error,
            kind,
            message: message.into(),
            hint: None,
        }
    }

    pub fn warning(
        path: impl Into<PathBuf>,
        kind: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, kind, message)
        }
    }

    pub fn at(mut self, line: usize, col: usize) -> Self {
        self.line = line.max(1);
        self.col = col.max(1);
        self
    }

    /// Places the finding at the first occurrence of `needle` in `text` at or after byte `from`.
    pub fn at_text(self, text: &str, from: usize, needle: &str) -> Self {
        let (line, col) = locate(text, from, needle);
        self.at(line, col)
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    fn sort_key(&self) -> (&Path, usize, usize, &str) {
        (&self.path, self.line, self.col, &self.message)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{}:{}:{}: {}[{}]: {}",
            printable(&self.path.display().to_string()),
            self.line,
            self.col,
            sev,
            self.kind,
            printable(&self.message)
        )?;
        if let Some(h) = &self.hint {
            write!(f, "\n  = hint: {}", printable(h))?;
        }
        Ok(())
    }
}

/// The most characters of one path, message or hint printed; a 10 MB name is cut.
pub const PRINT_MAX: usize = 500;

/// `s` safe to print on a terminal: control characters escaped (`\n`, `\u{1b}`), so content
/// cannot forge a line or send escape sequences, and cut after `PRINT_MAX` characters.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    let long = s.len() > PRINT_MAX && s.chars().nth(PRINT_MAX).is_some();
    if !long && !s.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::new();
    for c in s.chars().take(PRINT_MAX) {
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    if long {
        let more = s.chars().count() - PRINT_MAX;
        out.push_str(&format!("… ({more} more characters)"));
    }
    std::borrow::Cow::Owned(out)
}

/// 1-based line and column (in characters) of the first `needle` at or after byte `from`;
/// the start of the text's line at `from` when the needle is absent.
pub fn locate(text: &str, from: usize, needle: &str) -> (usize, usize) {
    let from = floor_char_boundary(text, from.min(text.len()));
    let pos = if needle.is_empty() {
        from
    } else {
        text[from..]
            .find(needle)
            .map(|p| p + from)
            .or_else(|| text.find(needle))
            .unwrap_or(from)
    };
    line_col(text, pos)
}

/// 1-based line and column (in characters) of byte offset `pos`.
pub fn line_col(text: &str, pos: usize) -> (usize, usize) {
    let pos = floor_char_boundary(text, pos.min(text.len()));
    let before = &text[..pos];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|p| p + 1).unwrap_or(0);
    (line, text[line_start..pos].chars().count() + 1)
}

fn floor_char_boundary(text: &str, mut pos: usize) -> usize {
    while pos > 0 && !text.is_char_boundary(pos) {
        pos -= 1;
    }
    pos
}

/// A sorted, de-duplicated list of findings, and a count of those suppressed because they
/// follow from one of them: one mistake gives one finding.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
    /// Findings that follow from an error already reported (a reference to a record that
    /// failed to load, say): kept out of the list, only counted.
    suppressed: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// Adds `d`, or only counts it when it `follows` from an error already reported.
    pub fn push_unless_follows(&mut self, d: Diagnostic, follows: bool) {
        if follows {
            self.suppressed.push(d);
        } else {
            self.items.push(d);
        }
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
        self.suppressed.extend(other.suppressed);
    }

    /// How many distinct findings were suppressed (and are not listed anyway).
    pub fn suppressed(&self) -> usize {
        let listed = self.sorted();
        let mut v: Vec<&Diagnostic> = self
            .suppressed
            .iter()
            .filter(|d| !listed.contains(d))
            .collect();
        v.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()).then(a.kind.cmp(b.kind)));
        v.dedup();
        v.len()
    }

    /// "N further findings suppressed (they follow from the errors above)", when N > 0.
    pub fn suppressed_note(&self) -> Option<String> {
        match self.suppressed() {
            0 => None,
            1 => Some("1 further finding suppressed (it follows from the errors above)".into()),
            n => Some(format!(
                "{n} further findings suppressed (they follow from the errors above)"
            )),
        }
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The number of distinct findings (what the user sees listed).
    pub fn len(&self) -> usize {
        self.sorted().len()
    }

    /// The findings, sorted by place, duplicates removed.
    pub fn sorted(&self) -> Vec<Diagnostic> {
        use rayon::slice::ParallelSliceMut;
        let mut v = self.items.clone();
        // A large book has tens of thousands of warnings: sorted on every core.
        v.par_sort_by(|a, b| a.sort_key().cmp(&b.sort_key()).then(a.kind.cmp(b.kind)));
        v.dedup();
        v
    }

    pub fn errors(&self) -> usize {
        self.sorted()
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    pub fn warnings(&self) -> usize {
        self.sorted()
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count()
    }

    /// Turns every warning into an error (used by `check`, which fails on any finding).
    pub fn all_as_errors(mut self) -> Self {
        for d in self.items.iter_mut().chain(&mut self.suppressed) {
            d.severity = Severity::Error;
        }
        self
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in self.sorted() {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

/// `one` run on each of `items` on every core, each with findings of its own: the results
/// and findings in the order of `items`, so a parallel stage reports as a serial one would.
pub fn each_in_parallel<I: Sync, T: Send>(
    items: &[I],
    one: impl Fn(&I, &mut Diagnostics) -> T + Sync,
) -> Vec<(T, Diagnostics)> {
    use rayon::prelude::*;
    items
        .par_iter()
        .map(|item| {
            let mut found = Diagnostics::default();
            (one(item, &mut found), found)
        })
        .collect()
}

/// How many findings of one shape `Diagnostics::summarised` prints in full before it counts
/// the rest.
pub const SHOWN_PER_SHAPE: usize = 3;

impl Diagnostics {
    /// The findings as `Display` prints them, except that warnings of one kind and message
    /// shape (`shape`) beyond the first `shown` become one line with their count, so a
    /// thousand identical warnings do not bury the rest. Errors are always printed in full;
    /// `planbook check` lists every finding. Also returns the number of distinct warnings.
    pub fn summarised(&self, shown: usize) -> (String, usize) {
        use rayon::prelude::*;
        use std::collections::HashMap;
        use std::fmt::Write;
        let sorted = self.sorted();
        // The shapes of every warning, made on every core (41,000 at 10,000 pages).
        let shapes: Vec<Option<String>> = sorted
            .par_iter()
            .map(|d| (d.severity != Severity::Error).then(|| shape(&d.message)))
            .collect();
        let mut seen: HashMap<(&str, String), usize> = HashMap::new();
        let mut groups: Vec<(&Diagnostic, String)> = Vec::new();
        let mut out = String::new();
        let mut warnings = 0;
        for (d, shape) in sorted.iter().zip(shapes) {
            let Some(shape) = shape else {
                let _ = writeln!(out, "{d}");
                continue;
            };
            warnings += 1;
            let key = (d.kind, shape);
            let n = seen.entry(key.clone()).or_insert(0);
            *n += 1;
            if *n <= shown {
                let _ = writeln!(out, "{d}");
            }
            if *n == 1 {
                groups.push((d, key.1));
            }
        }
        for (first, shape) in groups {
            let n = seen[&(first.kind, shape.clone())];
            if n > shown {
                let _ = writeln!(
                    out,
                    "… and {} more like this: warning[{}]: {} (`planbook check` lists them all)",
                    n - shown,
                    first.kind,
                    printable(&shape)
                );
            }
        }
        (out, warnings)
    }
}

/// A message with its particulars (figures, names, ids, quoted or non-ASCII words, paths)
/// replaced by `…`: "figure 2004年 has no counterpart in the English paragraph" and
/// "figure 500项 has …" have the same shape.
pub fn shape(message: &str) -> String {
    let mut words: Vec<&str> = Vec::new();
    let mut quoted = false;
    for word in message.split_whitespace() {
        let quotes = word.chars().filter(|c| matches!(c, '"' | '`')).count();
        let particular = quoted
            || quotes > 0
            || word
                .chars()
                .any(|c| c.is_ascii_digit() || !c.is_ascii() || "#{}/\\:".contains(c));
        if quotes % 2 == 1 {
            quoted = !quoted;
        }
        if !particular {
            words.push(word);
        } else if words.last() != Some(&"…") {
            words.push("…");
        }
    }
    words.join(" ")
}

/// The closest candidate to `word`, if one is close enough to be a likely typo.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.75)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// The hint for serde's "unknown field `x`, expected one of `a`, `b`" (or "unknown variant")
/// messages, whatever the file format: the nearest valid name, or the list of valid ones.
/// Shared by book.toml and every YAML record type so each gets the same did-you-mean.
pub fn unknown_name_hint(message: &str) -> Option<String> {
    let (what, rest) = ["field", "variant"]
        .into_iter()
        .find_map(|w| Some((w, message.strip_prefix(&format!("unknown {w} `"))?)))?;
    let name = rest.split('`').next().unwrap_or("");
    let expected: Vec<&str> = rest
        .split_once("expected ")
        .map(|(_, list)| list.split('`').skip(1).step_by(2).collect())
        .unwrap_or_default();
    let kind = if what == "field" { "keys" } else { "values" };
    Some(match suggest(name, expected.iter().copied()) {
        Some(s) => format!("did you mean `{s}`?"),
        None if expected.is_empty() => format!("remove `{name}`: nothing may be set here"),
        None => format!("valid {kind} here are: {}", expected.join(", ")),
    })
}

/// `count` followed by `noun`, pluralised with an `s` unless the count is one:
/// "1 finding", "2 findings".
pub fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("{count} {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        assert_eq!(line_col("ab\n哈尔滨x", 12), (2, 4));
        assert_eq!(line_col("ab\n哈尔滨x", 10), (2, 3));
        assert_eq!(line_col("abc", 0), (1, 1));
    }

    #[test]
    fn locate_finds_needle_after_offset() {
        let t = "id: a\nsectors: [x]\nid: b\nsectors: [x]\n";
        assert_eq!(locate(t, 20, "x"), (4, 11));
    }

    #[test]
    fn suggest_picks_nearest() {
        assert_eq!(suggest("titel", ["title", "authors"]), Some("title"));
        assert_eq!(suggest("zzz", ["title", "authors"]), None);
    }

    #[test]
    fn unknown_names_get_the_nearest_valid_one() {
        let hint = |m| unknown_name_hint(m);
        assert_eq!(
            hint("unknown field `nmae`, expected one of `id`, `name`, `parent`").as_deref(),
            Some("did you mean `name`?")
        );
        assert_eq!(
            hint("unknown variant `tagret`, expected `target` or `baseline`").as_deref(),
            Some("did you mean `target`?")
        );
        assert_eq!(
            hint("unknown field `zzz`, expected `id` or `name`").as_deref(),
            Some("valid keys here are: id, name")
        );
        assert_eq!(hint("invalid type: string"), None);
    }

    #[test]
    fn plurals_follow_the_count() {
        assert_eq!(plural(1, "finding"), "1 finding");
        assert_eq!(plural(0, "error"), "0 errors");
        assert_eq!(plural(2, "chapter"), "2 chapters");
    }

    #[test]
    fn display_escapes_control_characters_and_cuts_long_values() {
        let d = Diagnostic::error(
            "a\u{1b}[31m.yaml",
            "yaml",
            "name `x\ny:1:1: error[forged]`\t\u{7}",
        )
        .hint("\r\u{1b}[2J");
        assert_eq!(
            d.to_string(),
            "a\\u{1b}[31m.yaml:1:1: error[yaml]: name `x\\ny:1:1: error[forged]`\\t\\u{7}\n  = hint: \\r\\u{1b}[2J"
        );
        let long = "名".repeat(10_000_000);
        let shown = Diagnostic::error("a.yaml", "yaml", format!("unknown `{long}`")).to_string();
        assert!(shown.chars().count() < PRINT_MAX + 100, "{}", shown.len());
        assert!(
            shown.ends_with("… (9999510 more characters)"),
            "{}",
            &shown[shown.len() - 80..]
        );
    }

    #[test]
    fn follow_on_findings_are_counted_once_not_listed() {
        let mut diags = Diagnostics::default();
        let cause = Diagnostic::error("a.yaml", "yaml", "bad").at(1, 1);
        let follow = Diagnostic::error("b.yaml", "reference", "unknown x `y`").at(2, 3);
        diags.push(cause.clone());
        diags.push_unless_follows(follow.clone(), true);
        diags.push_unless_follows(follow.clone(), true);
        assert_eq!((diags.len(), diags.suppressed()), (1, 1));
        assert_eq!(
            diags.suppressed_note().as_deref(),
            Some("1 further finding suppressed (it follows from the errors above)")
        );
        diags.push_unless_follows(follow, false);
        assert_eq!((diags.len(), diags.suppressed()), (2, 0));
        assert_eq!(diags.suppressed_note(), None);
        assert_eq!(diags.to_string().lines().count(), 2);
    }

    #[test]
    fn display_has_place_kind_and_hint() {
        let d = Diagnostic::error("a/b.yaml", "yaml", "bad")
            .at(3, 4)
            .hint("fix it");
        assert_eq!(
            d.to_string(),
            "a/b.yaml:3:4: error[yaml]: bad\n  = hint: fix it"
        );
    }

    #[test]
    fn messages_differing_in_particulars_have_one_shape() {
        let figure = "figure … has no counterpart in the English paragraph";
        assert_eq!(
            shape("figure 2004年 has no counterpart in the English paragraph"),
            figure
        );
        assert_eq!(
            shape("figure 1200亿元 has no counterpart in the English paragraph"),
            figure
        );
        assert_eq!(
            shape("哈电 is not named as \"Harbin Electric Corp\" in the English passage #p-3"),
            "… is not named as … in the English passage …"
        );
        assert_ne!(
            shape("figure 1 has no counterpart in the English paragraph"),
            shape("figure 1 has no counterpart in the English list item")
        );
    }

    #[test]
    fn a_thousand_like_warnings_print_as_a_few_and_a_count() {
        let mut ds = Diagnostics::default();
        for i in 0..1000 {
            ds.push(
                Diagnostic::warning(
                    format!("content/chapters/p{i:05}/en.md"),
                    "figure",
                    format!("figure {i}亿元 has no counterpart in the English paragraph"),
                )
                .at(3, 1)
                .hint("convert it"),
            );
        }
        ds.push(Diagnostic::warning(
            "content/sidebars/2.yaml",
            "unused",
            "专栏 box 2 is not placed in any chapter",
        ));
        ds.push(Diagnostic::error("content/a.yaml", "yaml", "bad"));
        ds.push(Diagnostic::error("content/b.yaml", "yaml", "bad"));
        let (text, warnings) = ds.summarised(SHOWN_PER_SHAPE);
        assert_eq!(warnings, 1001);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2 + 3 * 2 + 1 + 1, "{text}");
        assert!(
            text.contains("p00000/en.md:3:1: warning[figure]: figure 0亿元"),
            "{text}"
        );
        assert!(text.contains("p00002/en.md"), "{text}");
        assert!(!text.contains("p00003/en.md"), "{text}");
        assert!(
            text.contains("sidebars/2.yaml:1:1: warning[unused]"),
            "{text}"
        );
        assert_eq!(
            lines.last().copied(),
            Some(
                "… and 997 more like this: warning[figure]: figure … has no counterpart in the \
                 English paragraph (`planbook check` lists them all)"
            )
        );
        assert_eq!(ds.summarised(usize::MAX).0, ds.to_string());
    }
}
