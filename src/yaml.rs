//! The YAML front door. serde_yaml (archived upstream in 2024, stable) is used only here, so a
//! maintained drop-in replacement is a one-line change.

use crate::diag::Diagnostic;
use crate::fsio::SourceFile;
use serde::de::DeserializeOwned;

/// Parses a whole YAML file into `T`, turning syntax and shape errors into a located diagnostic.
pub fn parse<T: DeserializeOwned>(file: &SourceFile) -> Result<T, Diagnostic> {
    if file.text.trim().is_empty() {
        return Err(Diagnostic::error(&file.display, "yaml", "file is empty")
            .hint("add the records this file should hold, or delete the file"));
    }
    serde_yaml::from_str(&file.text).map_err(|e| diagnose(file, &e))
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

    #[derive(serde::Deserialize, Debug)]
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
    fn empty_file_is_an_error() {
        let e = parse::<Rec>(&file("  \n")).unwrap_err();
        assert_eq!(e.message, "file is empty");
    }
}
