//! The YAML front door. serde_yaml (archived upstream in 2024, stable) is used only here, so a
//! maintained drop-in replacement is a one-line change.

use crate::diag::Diagnostic;
use crate::fsio::SourceFile;
use serde::de::DeserializeOwned;
use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

/// A parsed file as `serve` keeps it: the text it was parsed from and the value.
type KeptFile = (String, Box<dyn Any + Send + Sync>);

/// The files parsed by earlier builds, by type and path; only `serve` turns this on (see
/// `keep_parsed`), so a one-off build keeps nothing.
static KEPT: OnceLock<Mutex<HashMap<(TypeId, PathBuf), KeptFile>>> = OnceLock::new();

/// From now on every file parsed is kept, and a file whose text has not changed since it was
/// last parsed is not parsed again: `serve` rebuilds on every save, and a save touches one
/// file while a build parses them all (half of loading the plan is YAML).
pub fn keep_parsed() {
    KEPT.get_or_init(Default::default);
}

/// What a YAML file can be parsed into: a value `serve` can keep between builds.
pub trait Document: DeserializeOwned + Clone + Send + Sync + 'static {}

impl<T: DeserializeOwned + Clone + Send + Sync + 'static> Document for T {}

/// Parses a whole YAML file into `T`, turning syntax and shape errors into a located diagnostic.
/// Once `keep_parsed` was called, a file parsed before from the same text is not parsed again.
pub fn parse<T: Document>(file: &SourceFile) -> Result<T, Diagnostic> {
    let Some(kept) = KEPT.get() else {
        return parse_text(file);
    };
    let key = (TypeId::of::<T>(), file.display.clone());
    let lock = || kept.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((text, value)) = lock().get(&key)
        && *text == file.text
        && let Some(value) = value.downcast_ref::<T>()
    {
        return Ok(value.clone());
    }
    let value = parse_text::<T>(file)?;
    lock().insert(key, (file.text.clone(), Box::new(value.clone())));
    Ok(value)
}

/// `parse`, always from the text.
fn parse_text<T: DeserializeOwned>(file: &SourceFile) -> Result<T, Diagnostic> {
    if file.text.trim().is_empty() {
        return Err(Diagnostic::error(&file.display, "yaml", "file is empty")
            .hint("add the records this file should hold, or delete the file"));
    }
    within_budget(&file.text).map_err(|e| diagnose(file, &e))?;
    serde_yaml::from_str(&file.text).map_err(|e| diagnose(file, &e))
}

const TOO_BIG: &str =
    "aliases (`*name`) of the anchor here expand this file to more than twice its size";

/// Walks the document as serde_yaml expands it (aliases replayed), without keeping anything,
/// and stops once it is much larger than the text: a few anchored strings referenced
/// thousands of times would otherwise make a file of kilobytes into gigabytes.
fn within_budget(text: &str) -> Result<(), serde_yaml::Error> {
    let budget = std::cell::Cell::new(2 * text.len() + 64 * 1024);
    serde::de::DeserializeSeed::deserialize(
        Budget(&budget),
        serde_yaml::Deserializer::from_str(text),
    )
}

const DUPLICATE: &str = "duplicate key";

/// A mapping key: its size spent and, when it is a scalar, checked against the keys `seen`
/// before it in the same mapping (the error is raised here, so it is placed at this key).
struct Key<'a, 's> {
    budget: Budget<'a>,
    seen: &'s mut std::collections::HashSet<String>,
}

impl Key<'_, '_> {
    fn unique<E: serde::de::Error>(self, key: String, size: usize) -> Result<(), E> {
        self.budget.spend(size + 8)?;
        if self.seen.insert(key.clone()) {
            Ok(())
        } else {
            Err(E::custom(format!("{DUPLICATE} `{key}`")))
        }
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for Key<'_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Key<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a mapping key")
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<(), E> {
        self.unique(v.to_string(), v.len())
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<(), E> {
        self.unique(v.to_string(), 0)
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<(), E> {
        self.unique(v.to_string(), 0)
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<(), E> {
        self.unique(v.to_string(), 0)
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<(), E> {
        self.unique(v.to_string(), 0)
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        self.unique("~".into(), 0)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        serde::de::Visitor::visit_seq(self.budget, seq)
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        serde::de::Visitor::visit_map(self.budget, map)
    }
}

/// Spends the expanded size of each value (its text, or 8 bytes for a number or a node).
#[derive(Clone, Copy)]
struct Budget<'a>(&'a std::cell::Cell<usize>);

impl Budget<'_> {
    fn spend<E: serde::de::Error>(self, n: usize) -> Result<(), E> {
        let left = self.0.get();
        if n > left {
            return Err(E::custom(TOO_BIG));
        }
        self.0.set(left - n);
        Ok(())
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for Budget<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Budget<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<(), E> {
        self.spend(8)
    }
    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<(), E> {
        self.spend(8)
    }
    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<(), E> {
        self.spend(8)
    }
    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<(), E> {
        self.spend(8)
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<(), E> {
        self.spend(v.len() + 8)
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        self.spend(8)
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<(), E> {
        self.spend(8)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.spend(8)?;
        while seq.next_element_seed(self)?.is_some() {}
        Ok(())
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.spend(8)?;
        let mut seen = std::collections::HashSet::new();
        while map
            .next_key_seed(Key {
                budget: self,
                seen: &mut seen,
            })?
            .is_some()
        {
            map.next_value_seed(self)?;
        }
        Ok(())
    }
    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        use serde::de::VariantAccess;
        let ((), variant) = data.variant_seed(self)?;
        variant.newtype_variant_seed(self)
    }
}

/// Parses YAML compiled into the binary (the default theme's strings); `None` if malformed,
/// which the test suite rules out.
pub fn parse_builtin<T: DeserializeOwned>(text: &str) -> Option<T> {
    serde_yaml::from_str(text).ok()
}

/// A serde_yaml error as a diagnostic placed where the mistake was made, which is not always
/// where the parser gave up: a tab in the indentation, a quote or bracket never closed.
fn diagnose(file: &SourceFile, e: &serde_yaml::Error) -> Diagnostic {
    let full = e.to_string();
    if let Some((line, col)) = tab_in_indentation(&file.text, e) {
        return Diagnostic::error(&file.display, "yaml", "a tab is used for indentation")
            .at(line, col)
            .hint("indent with spaces: YAML does not allow tabs at the start of a line");
    }
    if let Some(d) = at_context_mark(file, &full) {
        return d;
    }
    let (line, col) = e
        .location()
        .map(|l| (l.line(), l.column()))
        .unwrap_or((1, 1));
    let msg = clean_message(&full);
    let d = Diagnostic::error(&file.display, "yaml", msg.clone()).at(line, col);
    match hint_for(&msg) {
        Some(h) => d.hint(h),
        None => d,
    }
}

/// The first tab in the indentation of a line up to the one the parser stopped at.
fn tab_in_indentation(text: &str, e: &serde_yaml::Error) -> Option<(usize, usize)> {
    let last = e.location().map(|l| l.line()).unwrap_or(usize::MAX);
    text.lines().take(last).enumerate().find_map(|(i, line)| {
        let indent = &line[..line.len() - line.trim_start().len()];
        indent
            .chars()
            .position(|c| c == '\t')
            .map(|col| (i + 1, col + 1))
    })
}

/// Mistakes libyaml notices only later: a quote, `{` or `[` opened and never closed, a key
/// without its `:`. Reported where they were made (libyaml's "context" mark), not where the
/// parser gave up, often at the end of the file.
fn at_context_mark(file: &SourceFile, full: &str) -> Option<Diagnostic> {
    let (problem, context) = full.split_once(", while ")?;
    let (what, mark) = context.split_once(" at line ")?;
    let (line, col) = mark.split_once(" column ")?;
    let (line, col): (usize, usize) = (line.trim().parse().ok()?, col.trim().parse().ok()?);
    let problem_line: usize = problem
        .split_once(" at line ")
        .and_then(|(_, m)| m.split(' ').next()?.parse().ok())
        .unwrap_or(line);
    let never_closed = |opener: char, closer: char| {
        (
            format!("the `{opener}` opened here is never closed"),
            format!("close it with `{closer}` where the value ends, on the same line"),
        )
    };
    let (message, hint) = match what {
        "scanning a quoted scalar" => {
            let quote = file.text.lines().nth(line - 1)?.chars().nth(col - 1)?;
            never_closed(quote, quote)
        }
        "parsing a flow mapping" if problem_line != line => never_closed('{', '}'),
        "parsing a flow sequence" if problem_line != line => never_closed('[', ']'),
        "scanning a simple key" => (
            "this line has no `:` after its key".to_string(),
            "write `key: value` (a colon and a space after the key)".to_string(),
        ),
        _ => return None,
    };
    Some(
        Diagnostic::error(&file.display, "yaml", message)
            .at(line, col)
            .hint(hint),
    )
}

/// serde_yaml appends " at line X column Y" to its messages; the location is shown up front.
fn clean_message(msg: &str) -> String {
    match msg.find(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// The hint for a message; messages about a nested record start with its path
/// (`targets[0].value: invalid type: ...`), which is looked past.
fn hint_for(msg: &str) -> Option<String> {
    let detail = match msg.split_once(": ") {
        Some((path, rest)) if !path.contains(' ') => rest,
        _ => msg,
    };
    if let Some(hint) = crate::diag::unknown_name_hint(detail) {
        return Some(hint);
    }
    if detail.contains(DUPLICATE) {
        return Some("remove one of the two entries: YAML keeps only the last, silently".into());
    }
    if detail.contains(TOO_BIG) {
        return Some(
            "write the text out instead of repeating an anchor (`&name` ... `*name`) many times"
                .into(),
        );
    }
    if detail.starts_with("missing field") {
        return Some("add the missing field to this record".into());
    }
    if let Some(rest) = detail.strip_prefix("invalid type") {
        return Some(type_hint(rest.rsplit("expected ").next().unwrap_or("")).into());
    }
    if detail.contains("did not find expected") || detail.contains("mapping values are not allowed")
    {
        return Some("check the indentation and that text containing `: ` is quoted".into());
    }
    None
}

/// How to write a value of the type serde expected.
fn type_hint(expected: &str) -> &'static str {
    match expected {
        "f64" | "f32" => "write a number without quotes or units, e.g. `500` or `12.5`",
        "u32" | "u64" | "i32" | "i64" | "usize" => {
            "write a whole number without quotes, e.g. `2010`"
        }
        "a boolean" => "write `true` or `false`",
        "a sequence" => "write a list: `[a, b]`, or one `- item` per line",
        "a string" => "quote the text: \"...\"",
        e if e.starts_with("struct Bi") => "write both languages: `{zh: ..., en: ...}`",
        _ => "check the value's type: quote text, use [a, b] for lists",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[derive(serde::Deserialize, Debug, Clone, PartialEq)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Rec {
        id: String,
        sectors: Vec<String>,
    }

    fn file(text: &str) -> SourceFile {
        SourceFile {
            display: PathBuf::from("content/x.yaml"),
            text: text.into(),
        }
    }

    #[test]
    fn a_kept_file_is_parsed_again_when_its_text_changes() {
        keep_parsed();
        let first = "id: a\nsectors: [b]\n";
        let second = "id: a\nsectors: [b, c]\n";
        let as_parsed = |text: &str| parse::<Rec>(&file(text)).expect("parses");
        assert_eq!(as_parsed(first).sectors, ["b"]);
        assert_eq!(as_parsed(first).sectors, ["b"], "the same text again");
        assert_eq!(
            as_parsed(second).sectors,
            ["b", "c"],
            "the new text, not the kept value"
        );
        assert!(
            parse::<Rec>(&file("id: a\nsector: [b]\n")).is_err(),
            "errors are not kept"
        );
        assert_eq!(as_parsed(first).sectors, ["b"], "back to the first text");
    }

    #[test]
    fn unknown_field_is_located_and_suggests() {
        let e = parse::<Rec>(&file("id: a\nsector: [b]\n")).unwrap_err();
        assert_eq!((e.line, e.col), (2, 1));
        assert!(
            e.message.starts_with("unknown field `sector`"),
            "{}",
            e.message
        );
        assert_eq!(e.hint.as_deref(), Some("did you mean `sectors`?"));
    }

    #[test]
    fn unclosed_quote_is_reported_where_it_opens() {
        let text = "id: a\nsectors: [\"b, c]\nnote: x\n\n";
        let e = parse::<Rec>(&file(text)).unwrap_err();
        assert_eq!((e.line, e.col), (2, 11));
        assert_eq!(e.message, "the `\"` opened here is never closed");
    }

    #[test]
    fn unclosed_bracket_is_reported_where_it_opens() {
        let e = parse::<Rec>(&file("id: a\nsectors: [b, c\nnote: x\n")).unwrap_err();
        assert_eq!((e.line, e.col), (2, 10));
        assert_eq!(e.message, "the `[` opened here is never closed");
    }

    #[test]
    fn key_without_colon_is_reported_on_its_line() {
        let e = parse::<Rec>(&file("id: a\nsectors [b]\n")).unwrap_err();
        assert_eq!((e.line, e.col), (2, 1));
        assert_eq!(e.message, "this line has no `:` after its key");
    }

    #[test]
    fn tab_indentation_says_to_use_spaces() {
        let e = parse::<Vec<Rec>>(&file("- id: a\n\tsectors: [b]\n")).unwrap_err();
        assert_eq!((e.line, e.col), (2, 1));
        assert!(e.hint.unwrap().starts_with("indent with spaces"));
    }

    #[test]
    fn nested_records_keep_their_hints() {
        let e = parse::<Vec<Rec>>(&file("- id: a\n  sector: [b]\n")).unwrap_err();
        assert_eq!(
            e.message,
            ".[0]: unknown field `sector`, expected `id` or `sectors`"
        );
        assert_eq!(e.hint.as_deref(), Some("did you mean `sectors`?"));
        let e = parse::<Vec<Rec>>(&file("- id: a\n  sectors: b\n")).unwrap_err();
        assert!(e.hint.unwrap().starts_with("write a list"));
    }

    #[test]
    fn alias_amplification_is_refused_at_its_line() {
        let big = "x".repeat(10_000);
        let mut text = format!("a: &big \"{big}\"\nlist:\n");
        for _ in 0..2_000 {
            text.push_str("  - *big\n");
        }
        let e = parse::<serde_yaml::Value>(&file(&text)).unwrap_err();
        assert!(e.message.ends_with(TOO_BIG), "{}", e.message);
        assert_eq!(
            (e.line, e.col),
            (1, 4),
            "placed at the anchor the aliases repeat: {e}"
        );
        assert!(e.hint.unwrap().contains("anchor"));
    }

    #[test]
    fn a_few_aliases_are_fine() {
        let text = "a: &x [1, 2]\nb: *x\nc: *x\n";
        assert!(parse::<serde_yaml::Value>(&file(text)).is_ok());
    }

    #[test]
    fn duplicate_keys_are_errors_at_the_second() {
        type Map = std::collections::BTreeMap<String, String>;
        let e = parse::<Map>(&file("a: one\nb: two\na: three\n")).unwrap_err();
        assert_eq!(e.message, "duplicate key `a`");
        assert_eq!(e.line, 3, "{e}");
        let e = parse::<Rec>(&file("id: a\nsectors: []\nid: b\n")).unwrap_err();
        assert_eq!(e.message, "duplicate key `id`");
        assert!(e.hint.unwrap().contains("keeps only the last"));
        let nested = "outer:\n  x: 1\n  x: 2\n";
        assert!(parse::<serde_yaml::Value>(&file(nested)).is_err());
    }

    #[test]
    fn empty_file_is_an_error() {
        let e = parse::<Rec>(&file("  \n")).unwrap_err();
        assert_eq!(e.message, "file is empty");
    }
}
