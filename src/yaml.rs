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
    serde_yaml::from_str(&file.text).map_err(|e| {
        let (line, col) = e
            .location()
            .map(|l| (l.line(), l.column()))
            .unwrap_or((1, 1));
        let msg = clean_message(&e.to_string());
        let hint = hint_for(&msg);
        let d = Diagnostic::error(&file.display, "yaml", msg).at(line, col);
        match hint {
            Some(h) => d.hint(h),
            None => d,
        }
    })
}

/// Parses YAML compiled into the binary (the default theme's strings); `None` if malformed,
/// which the test suite rules out.
pub fn parse_builtin<T: DeserializeOwned>(text: &str) -> Option<T> {
    serde_yaml::from_str(text).ok()
}

/// serde_yaml appends " at line X column Y" to its messages; the location is shown up front.
fn clean_message(msg: &str) -> String {
    match msg.find(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

fn hint_for(msg: &str) -> Option<String> {
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        let field = rest.split('`').next().unwrap_or("");
        let expected: Vec<&str> = rest
            .split("expected ")
            .nth(1)
            .map(|e| e.split('`').skip(1).step_by(2).collect())
            .unwrap_or_default();
        return Some(
            match crate::diag::suggest(field, expected.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!(
                    "remove `{field}`; valid fields are: {}",
                    expected.join(", ")
                ),
            },
        );
    }
    if let Some(at) = msg.find("unknown variant `") {
        let rest = &msg[at + "unknown variant `".len()..];
        let value = rest.split('`').next().unwrap_or("");
        let expected: Vec<&str> = rest
            .split("expected ")
            .nth(1)
            .map(|e| e.split('`').skip(1).step_by(2).collect())
            .unwrap_or_default();
        return Some(
            match crate::diag::suggest(value, expected.iter().copied()) {
                Some(s) => format!("did you mean `{s}`? Allowed: {}", expected.join(", ")),
                None => format!("use one of: {}", expected.join(", ")),
            },
        );
    }
    if msg.starts_with("missing field") {
        return Some("add the missing field to this record".into());
    }
    if msg.starts_with("invalid type") {
        return Some("check the value's type: quote text, use [a, b] for lists".into());
    }
    if msg.contains("did not find expected") || msg.contains("mapping values are not allowed") {
        return Some("check the indentation and that text containing `: ` is quoted".into());
    }
    None
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
    fn empty_file_is_an_error() {
        let e = parse::<Rec>(&file("  \n")).unwrap_err();
        assert_eq!(e.message, "file is empty");
    }
}
