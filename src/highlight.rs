//! Fenced code highlighting with syntect, emitting CSS classes. The syntax set is loaded only
//! the first time a page actually has fenced code.

use std::sync::OnceLock;
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

static SYNTAXES: OnceLock<SyntaxSet> = OnceLock::new();

/// Highlights `code` written in `lang` (a fence's info string) as `<pre><code>` with classes.
pub fn highlight(code: &str, lang: &str) -> String {
    let set = SYNTAXES.get_or_init(SyntaxSet::load_defaults_newlines);
    let token = lang.split_whitespace().next().unwrap_or("");
    let syntax = set
        .find_syntax_by_token(token)
        .unwrap_or_else(|| set.find_syntax_plain_text());
    let mut generator = ClassedHTMLGenerator::new_with_class_style(
        syntax,
        set,
        ClassStyle::SpacedPrefixed { prefix: "hl-" },
    );
    for line in LinesWithEndings::from(code) {
        if generator
            .parse_html_for_line_which_includes_newline(line)
            .is_err()
        {
            return format!(
                "<pre class=\"code\"><code>{}</code></pre>",
                crate::escape::html(code)
            );
        }
    }
    let class = if token.is_empty() {
        String::new()
    } else {
        format!(" data-lang=\"{}\"", crate::escape::html(token))
    };
    format!(
        "<pre class=\"code\"{class}><code>{}</code></pre>",
        generator.finalize()
    )
}

/// Whether the syntax set has been loaded (it must not be, for books without code).
pub fn loaded() -> bool {
    SYNTAXES.get().is_some()
}

#[cfg(test)]
mod tests {
    #[test]
    fn rust_code_gets_classes() {
        let h = super::highlight("fn main() {}\n", "rust");
        assert!(h.contains("class=\"hl-"), "{h}");
        assert!(h.starts_with("<pre class=\"code\" data-lang=\"rust\">"));
    }
}
