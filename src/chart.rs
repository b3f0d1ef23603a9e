//! Charts of the plan's figures as static SVG with real text: bars drawn at build time, no
//! script, readable by screen readers (role="img", a title, and every value as text).

use crate::escape;

/// One bar group: a label and one or two (value, caption) bars sharing a unit.
pub struct Row {
    pub label: String,
    pub bars: Vec<Bar>,
}

pub struct Bar {
    pub value: f64,
    pub text: String,
    /// `bar-base` or `bar-target`.
    pub class: &'static str,
}

/// Width of the drawing: at a 375 px phone's content width it is drawn at about full size, so
/// the text stays readable and nothing scrolls sideways.
const WIDTH: f64 = 340.0;

/// A horizontal bar chart of one measure, its caption above it; every group is scaled to the
/// largest value in the chart, and the bars leave room for the longest value label beside them.
pub fn bars(id: &str, title: &str, legend: &[(&str, &str)], rows: &[Row]) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let max = rows
        .iter()
        .flat_map(|r| r.bars.iter().map(|b| b.value.abs()))
        .fold(0.0_f64, f64::max)
        .max(f64::MIN_POSITIVE);
    let width = WIDTH;
    let bar_h = 16.0;
    let longest_text = rows
        .iter()
        .flat_map(|r| r.bars.iter().map(|b| text_width(&b.text)))
        .fold(0.0_f64, f64::max);
    let plot = (width - longest_text - 10.0).max(width / 4.0);
    let mut y = 8.0;
    let mut body = String::new();
    if !legend.is_empty() {
        let mut x = 0.0;
        for (class, text) in legend {
            body.push_str(&format!("<rect class=\"{class}\" x=\"{x}\" y=\"{y}\" width=\"12\" height=\"12\"/><text x=\"{}\" y=\"{}\">{}</text>", x + 16.0, y + 11.0, escape::html(text)));
            x += 24.0 + text.chars().count() as f64 * 9.0;
        }
        y += 26.0;
    }
    for row in rows {
        for line in wrap(&row.label, width - 8.0) {
            body.push_str(&format!(
                "<text x=\"0\" y=\"{}\">{}</text>",
                y + 12.0,
                escape::html(&line)
            ));
            y += 16.0;
        }
        y += 2.0;
        for b in &row.bars {
            let w = (b.value.abs() / max * plot).max(1.0);
            body.push_str(&format!(
                "<rect class=\"{}\" x=\"0\" y=\"{y}\" width=\"{w:.1}\" height=\"{bar_h}\"/><text x=\"{:.1}\" y=\"{}\">{}</text>",
                b.class,
                w + 6.0,
                y + 12.5,
                escape::html(&b.text)
            ));
            y += bar_h + 4.0;
        }
        y += 10.0;
    }
    format!(
        "<figure class=\"chart\"><figcaption>{}</figcaption><svg viewBox=\"0 0 {width} {y}\" role=\"img\" aria-labelledby=\"{id}-t\"><title id=\"{id}-t\">{}</title>{body}</svg></figure>",
        escape::html(title),
        escape::html(title)
    )
}

/// Width of text at 12px, erring wide so a value label is never cut: CJK characters and the
/// dashes and punctuation a CJK font draws full-width (U+2000 and up) are square, Latin ones a
/// little over half (tests/browser.rs checks every label ends inside its chart at 375 px).
fn text_width(s: &str) -> f64 {
    s.chars()
        .map(|c| if (c as u32) >= 0x2000 { 12.0 } else { 7.2 })
        .sum()
}

/// Splits a label into lines that fit `max` units, at spaces where there are any.
fn wrap(label: &str, max: f64) -> Vec<String> {
    let mut lines = vec![String::new()];
    for c in label.chars() {
        let cur = lines.last_mut().expect("one line at least");
        cur.push(c);
        if text_width(cur) > max {
            let cut = cur
                .rfind(' ')
                .filter(|&i| i > 0)
                .unwrap_or_else(|| cur.len() - c.len_utf8());
            let rest = cur[cut..].trim_start().to_string();
            cur.truncate(cut);
            lines.push(rest);
        }
    }
    lines.retain(|l| !l.trim().is_empty());
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_has_text_and_scaled_bars() {
        let svg = bars(
            "c",
            "Value added",
            &[("bar-base", "2005"), ("bar-target", "2010")],
            &[Row {
                label: "Machinery <&>".into(),
                bars: vec![
                    Bar {
                        value: 141.1,
                        text: "14.11 billion yuan".into(),
                        class: "bar-base",
                    },
                    Bar {
                        value: 322.0,
                        text: "32.2 billion yuan".into(),
                        class: "bar-target",
                    },
                ],
            }],
        );
        assert!(svg.contains("Machinery &lt;&amp;&gt;"));
        // The longest bar leaves room for the longest value label: both fit the drawing.
        let plot = WIDTH - text_width("14.11 billion yuan") - 10.0;
        assert!(svg.contains(&format!("width=\"{plot:.1}\"")), "{svg}");
        assert!(plot + 6.0 + text_width("32.2 billion yuan") <= WIDTH);
        assert!(
            svg.find("<figcaption>") < svg.find("<svg"),
            "the caption comes before its chart"
        );
        assert!(svg.contains("32.2 billion yuan"));
        assert!(svg.contains("role=\"img\""));
    }

    #[test]
    fn long_labels_wrap_within_the_chart() {
        let label = "Average annual growth of value added of industrial enterprises above designated size in the 11th Five-Year Plan period";
        let lines = wrap(label, WIDTH - 8.0);
        assert!(lines.len() >= 2, "{lines:?}");
        assert!(lines.iter().all(|l| text_width(l) <= WIDTH - 8.0));
        assert_eq!(lines.join(" "), label);
        let zh = wrap(&"增".repeat(80), WIDTH - 8.0);
        assert_eq!(zh.concat(), "增".repeat(80));
        assert!(zh.iter().all(|l| text_width(l) <= WIDTH - 8.0));
    }

    #[test]
    fn no_rows_no_chart() {
        assert_eq!(bars("c", "t", &[], &[]), "");
    }
}
