//! book.toml: the book's title, languages and output settings, checked once at load so the
//! rest of the pipeline can trust them.

use crate::diag::{Diagnostic, line_col, unknown_name_hint};
use crate::fsio::SourceFile;
use crate::model::Bi;
use serde::{Deserialize, Serialize};

/// The checked configuration.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub book: BookConfig,
    #[serde(default)]
    pub language: LanguagesConfig,
    #[serde(default)]
    pub output: OutputConfig,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct BookConfig {
    pub title: Bi<String>,
    #[serde(default)]
    pub description: Option<Bi<String>>,
    #[serde(default)]
    pub authors: Vec<String>,
    /// The language of `/` redirects, `x-default` and the cover's first link.
    #[serde(default = "default_language")]
    pub default_language: String,
}

fn default_language() -> String {
    "zh".into()
}

/// Display names of the two languages, shown in the language switch.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LanguagesConfig {
    #[serde(default = "zh_name")]
    pub zh: LanguageConfig,
    #[serde(default = "en_name")]
    pub en: LanguageConfig,
}

impl Default for LanguagesConfig {
    fn default() -> Self {
        LanguagesConfig {
            zh: zh_name(),
            en: en_name(),
        }
    }
}

fn zh_name() -> LanguageConfig {
    LanguageConfig {
        name: "中文".into(),
    }
}
fn en_name() -> LanguageConfig {
    LanguageConfig {
        name: "English".into(),
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageConfig {
    pub name: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OutputConfig {
    #[serde(default)]
    pub html: HtmlConfig,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct HtmlConfig {
    /// Folder name under `themes/`; templates missing there fall back to the default theme.
    #[serde(default = "default_theme")]
    pub theme: String,
    /// Absolute base URL for sitemap.xml and feeds, e.g. `https://example.org/plan/`.
    #[serde(default)]
    pub site_url: Option<String>,
    /// Where "edit this page" links go; `{path}` is replaced by the source file's path.
    #[serde(default)]
    pub edit_url_template: Option<String>,
    /// Where readers report an error (an issue tracker's new-issue page, or `mailto:`); shown
    /// in the document block. Without it the block links to the page's edit URL, if any.
    #[serde(default)]
    pub report_url: Option<String>,
    /// Raw HTML in Markdown: `sanitize` (default: kept, cleaned with ammonia),
    /// `escape` (shown as text) or `trust` (kept as written, for trusted sites only).
    #[serde(default)]
    pub raw_html: RawHtml,
}

impl Default for HtmlConfig {
    fn default() -> Self {
        HtmlConfig {
            theme: default_theme(),
            site_url: None,
            edit_url_template: None,
            report_url: None,
            raw_html: RawHtml::default(),
        }
    }
}

fn default_theme() -> String {
    "default".into()
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RawHtml {
    #[default]
    Sanitize,
    Escape,
    Trust,
}

/// Parses and validates book.toml.
pub fn parse(file: &SourceFile) -> Result<Config, Diagnostic> {
    let config: Config = toml::from_str(&file.text).map_err(|e| toml_error(file, &e))?;
    if !["zh", "en"].contains(&config.book.default_language.as_str()) {
        let pos = key_pos(&file.text, "default-language");
        let (line, col) = line_col(&file.text, pos);
        return Err(Diagnostic::error(
            &file.display,
            "config",
            format!(
                "default-language `{}` is not one of the book's languages",
                config.book.default_language
            ),
        )
        .at(line, col)
        .hint("use \"zh\" or \"en\""));
    }
    if let Some(url) = &config.output.html.site_url
        && (!(url.starts_with("https://") || url.starts_with("http://")) || !url_chars_ok(url))
    {
        let pos = key_pos(&file.text, "site-url");
        let (line, col) = line_col(&file.text, pos);
        return Err(Diagnostic::error(
            &file.display,
            "config",
            format!("site-url `{url}` is not an absolute http(s) URL"),
        )
        .at(line, col)
        .hint("write it like \"https://example.org/plan/\""));
    }
    // The template becomes a link on every page: a `javascript:` (or any non-web) URL there
    // would run script when a reader clicks "edit this page".
    if let Some(t) = &config.output.html.edit_url_template
        && (!(t.starts_with("https://") || t.starts_with("http://"))
            || !url_chars_ok(&t.replace("{path}", "")))
    {
        let pos = key_pos(&file.text, "edit-url-template");
        let (line, col) = line_col(&file.text, pos);
        return Err(Diagnostic::error(
            &file.display,
            "config",
            format!("edit-url-template `{t}` is not an absolute http(s) URL"),
        )
        .at(line, col)
        .hint("write it like \"https://github.com/you/plan/edit/main/{path}\""));
    }
    if let Some(u) = &config.output.html.report_url
        && (!["https://", "http://", "mailto:"]
            .iter()
            .any(|p| u.starts_with(p))
            || !url_chars_ok(u))
    {
        let pos = key_pos(&file.text, "report-url");
        let (line, col) = line_col(&file.text, pos);
        return Err(Diagnostic::error(
            &file.display,
            "config",
            format!("report-url `{u}` is not an absolute http(s) or mailto: URL"),
        )
        .at(line, col)
        .hint("write it like \"https://github.com/you/plan/issues/new\""));
    }
    Ok(config)
}

/// No whitespace, control characters or characters a URL never holds unencoded (`"`, `<`,
/// `>`, `\\`, `^`, `` ` ``, `{`, `|`, `}`): such a value would end up split across or
/// outside its attribute, sitemap entry or robots.txt line.
fn url_chars_ok(url: &str) -> bool {
    !url.chars()
        .any(|c| c.is_whitespace() || c.is_control() || "\"<>\\^`{|}".contains(c))
}

/// Byte offset of the line setting `key` (not a commented-out example of it), or 0.
fn key_pos(text: &str, key: &str) -> usize {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if t.starts_with(key) && t[key.len()..].trim_start().starts_with('=') {
            return at + (line.len() - t.len());
        }
        at += line.len();
    }
    0
}

fn toml_error(file: &SourceFile, e: &toml::de::Error) -> Diagnostic {
    let (line, col) = e
        .span()
        .map(|s| line_col(&file.text, s.start))
        .unwrap_or((1, 1));
    let msg = e.message().trim().to_string();
    let mut d = Diagnostic::error(&file.display, "config", msg.clone()).at(line, col);
    if let Some(hint) = unknown_name_hint(&msg) {
        d = d.hint(hint);
    } else if msg.starts_with("missing field") {
        d = d.hint("add the key; see the guide's list of book.toml keys");
    } else if msg.starts_with("invalid type") {
        d = d.hint("check the value's type (text in quotes, lists in [ ])");
    } else {
        d = d.hint("check the TOML syntax around this place");
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn file(t: &str) -> SourceFile {
        SourceFile {
            display: PathBuf::from("book.toml"),
            text: t.into(),
        }
    }

    const OK: &str = "[book]\ntitle = { zh = \"规划\", en = \"Plan\" }\n";

    #[test]
    fn minimal_config_parses_with_defaults() {
        let c = parse(&file(OK)).unwrap();
        assert_eq!(c.book.default_language, "zh");
        assert_eq!(c.output.html.theme, "default");
        assert_eq!(c.output.html.raw_html, RawHtml::Sanitize);
    }

    #[test]
    fn edit_url_template_must_be_a_web_url() {
        for bad in [
            "javascript:alert(1)//{path}",
            " JavaScript:x",
            "data:text/html,x",
            "//x/{path}",
            "https://x.org/\\\"onmouseover=alert(1) x=\\\"{path}",
            "https://x.org/{path} x",
        ] {
            let e = parse(&file(&format!(
                "{OK}[output.html]\nedit-url-template = \"{bad}\"\n"
            )))
            .unwrap_err();
            assert_eq!(e.line, 4, "{bad}");
            assert!(
                e.message.starts_with("edit-url-template `")
                    && e.message.ends_with("` is not an absolute http(s) URL"),
                "{}",
                e.message
            );
        }
        let ok = parse(&file(&format!(
            "{OK}[output.html]\nedit-url-template = \"https://github.com/you/plan/edit/main/{{path}}\"\n"
        )));
        assert!(ok.is_ok());
    }

    #[test]
    fn site_url_must_be_one_clean_url() {
        for bad in [
            "example.org",
            "https://x.org/\\\"><script>alert(1)</script>/",
            "https://x.org/a\\nDisallow: /",
        ] {
            let e =
                parse(&file(&format!("{OK}[output.html]\nsite-url = \"{bad}\"\n"))).unwrap_err();
            assert_eq!(e.line, 4, "{bad}");
            assert!(e.message.starts_with("site-url `"), "{}", e.message);
        }
        assert!(
            parse(&file(&format!(
                "{OK}[output.html]\nsite-url = \"https://x.org/plan?a=1&b='2'/\"\n"
            )))
            .is_ok()
        );
    }

    #[test]
    fn report_url_must_be_a_web_or_mail_url() {
        for bad in ["javascript:alert(1)", "issues/new", "https://x.org/a b"] {
            let e = parse(&file(&format!(
                "{OK}[output.html]\nreport-url = \"{bad}\"\n"
            )))
            .unwrap_err();
            assert_eq!(e.line, 4, "{bad}");
            assert!(e.message.starts_with("report-url `"), "{}", e.message);
        }
        for good in [
            "https://github.com/you/plan/issues/new",
            "mailto:plan@example.org",
        ] {
            let c = parse(&file(&format!(
                "{OK}[output.html]\nreport-url = \"{good}\"\n"
            )));
            assert_eq!(c.unwrap().output.html.report_url.as_deref(), Some(good));
        }
    }

    #[test]
    fn unknown_key_names_it_and_suggests() {
        let e = parse(&file(&format!("{OK}[output.html]\nthem = \"x\"\n"))).unwrap_err();
        assert_eq!(e.line, 4);
        assert!(e.message.contains("unknown field `them`"), "{}", e.message);
        assert_eq!(e.hint.as_deref(), Some("did you mean `theme`?"));
    }
}
