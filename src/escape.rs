//! Escaping for each output context: HTML text and attributes, and XML. Every string from
//! content that reaches markup goes through here or through tera's autoescape.

/// Escapes text for HTML element content and double-quoted attribute values.
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Escapes text for XML (sitemap, feeds).
pub fn xml(s: &str) -> String {
    html(s).replace("&#39;", "&apos;")
}

/// A link target that cannot run script: `javascript:`, `vbscript:` and `data:` become `#`.
pub fn safe_href(url: &str) -> &str {
    let scheme: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take_while(|c| *c != ':')
        .collect::<String>()
        .to_ascii_lowercase();
    let has_scheme = url.contains(':') && !scheme.contains('/') && !scheme.contains('#');
    if has_scheme && matches!(scheme.as_str(), "javascript" | "vbscript" | "data") {
        "#"
    } else {
        url
    }
}

/// tera's escape function: like `html`, but leaves `/` alone so URLs stay readable.
pub fn tera_escape(s: &str) -> String {
    html(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            html("<img src=x onerror=alert(1)>"),
            "&lt;img src=x onerror=alert(1)&gt;"
        );
        assert_eq!(html("\"><script>"), "&quot;&gt;&lt;script&gt;");
    }

    #[test]
    fn script_urls_are_neutralised() {
        assert_eq!(safe_href("javascript:alert(1)"), "#");
        assert_eq!(safe_href(" JavaScript:alert(1)"), "#");
        assert_eq!(safe_href("java\tscript:alert(1)"), "#");
        assert_eq!(
            safe_href("https://example.org/a:b"),
            "https://example.org/a:b"
        );
        assert_eq!(safe_href("../x/index.html#a:b"), "../x/index.html#a:b");
    }
}
