//! Shows the plan's figures in each language's own way: 490.9 亿元 stays as written in Chinese
//! and becomes 49.09 billion yuan in English.

use crate::model::Lang;

/// A value and its unit as a reader of `lang` expects them.
pub fn display(value: f64, unit_zh: &str, unit_en: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{}{}", plain(value), unit_zh),
        Lang::En => {
            let (factor, rest) = split_multiplier(unit_en);
            let v = value * factor;
            let unit = rest.trim();
            let unit = if unit.is_empty() {
                String::new()
            } else if unit.starts_with('%') {
                unit.to_string()
            } else {
                format!(" {unit}")
            };
            format!("{}{}", english(v, factor > 1.0), unit)
        }
    }
}

/// "10,000 tonnes" -> (10000, "tonnes"); "100 million yuan" -> (1e8, "yuan").
fn split_multiplier(unit: &str) -> (f64, &str) {
    for (prefix, f) in [
        ("100 million ", 1e8),
        ("10,000 ", 1e4),
        ("10 thousand ", 1e4),
        ("million ", 1e6),
        ("billion ", 1e9),
    ] {
        if let Some(rest) = unit.strip_prefix(prefix) {
            return (f, rest);
        }
    }
    (1.0, unit)
}

/// A number without trailing zeros: 490.9, 1050, 0.25.
pub fn plain(v: f64) -> String {
    let s = format!("{:.4}", v);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

fn english(v: f64, scaled: bool) -> String {
    let abs = v.abs();
    if scaled && abs >= 1e9 {
        format!("{} billion", plain(v / 1e9))
    } else if scaled && abs >= 1e6 {
        format!("{} million", plain(v / 1e6))
    } else {
        group(&plain(v))
    }
}

/// 284000 -> "284,000"; 1003.9 -> "1,003.9"; years are never passed here.
fn group(s: &str) -> String {
    let (int, frac) = s
        .split_once('.')
        .map(|(a, b)| (a, Some(b)))
        .unwrap_or((s, None));
    let (sign, digits) = int.strip_prefix('-').map(|d| ("-", d)).unwrap_or(("", int));
    if digits.len() <= 4 && frac.is_none() && digits.len() == 4 {
        return format!("{sign}{},{}", &digits[..1], &digits[1..]);
    }
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{out}.{f}"),
        None => format!("{sign}{out}"),
    }
}

/// What period a figure is for, as a reader of `lang` should read it: an average over the 10th
/// Five-Year Plan period ("十五"期间, or an average annual figure for 2005) is "2001–2005
/// average", an average annual growth aimed at for 2010 is "2006–2010 average", any other
/// figure its year.
pub fn period(label_zh: &str, year: Option<i32>, lang: Lang) -> String {
    let average = label_zh.contains("年均");
    let span = if label_zh.contains("十五") || (average && year == Some(2005)) {
        Some((2001, 2005))
    } else if average && year == Some(2010) {
        Some((2006, 2010))
    } else {
        None
    };
    match (span, lang) {
        (Some((a, b)), Lang::Zh) if average => format!("{a}—{b}年年均"),
        (Some((a, b)), Lang::Zh) => format!("{a}—{b}年"),
        (Some((a, b)), Lang::En) if average => format!("{a}–{b} average"),
        (Some((a, b)), Lang::En) => format!("{a}–{b}"),
        (None, Lang::Zh) => year.map(|y| format!("{y}年")).unwrap_or_default(),
        (None, Lang::En) => year.map(|y| y.to_string()).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_and_tonnes_convert() {
        assert_eq!(
            display(490.9, "亿元", "100 million yuan", Lang::En),
            "49.09 billion yuan"
        );
        assert_eq!(
            display(490.9, "亿元", "100 million yuan", Lang::Zh),
            "490.9亿元"
        );
        assert_eq!(
            display(28.4, "万吨", "10,000 tonnes", Lang::En),
            "284,000 tonnes"
        );
        assert_eq!(
            display(70.0, "万辆", "10,000 vehicles", Lang::En),
            "700,000 vehicles"
        );
        assert_eq!(
            display(100.0, "万箱", "10,000 cases", Lang::En),
            "1 million cases"
        );
        assert_eq!(
            display(1003.9, "亿元", "100 million yuan", Lang::En),
            "100.39 billion yuan"
        );
        assert_eq!(
            display(5000.0, "万元", "10,000 yuan", Lang::En),
            "50 million yuan"
        );
    }

    #[test]
    fn plain_units() {
        assert_eq!(display(16.5, "%", "%", Lang::En), "16.5%");
        assert_eq!(
            display(1012.0, "户", "enterprises", Lang::En),
            "1,012 enterprises"
        );
        assert_eq!(display(128.4, "", "", Lang::En), "128.4");
        assert_eq!(
            display(5000.0, "辆", "vehicles", Lang::En),
            "5,000 vehicles"
        );
    }

    #[test]
    fn period_averages_say_so() {
        let growth = "“十五”期间全部工业增加值年均增长";
        assert_eq!(period(growth, Some(2005), Lang::En), "2001–2005 average");
        assert_eq!(period(growth, Some(2005), Lang::Zh), "2001—2005年年均");
        assert_eq!(
            period("“十五”期间工业固定资产投资", Some(2005), Lang::En),
            "2001–2005"
        );
        assert_eq!(
            period("工业增加值年均增长", Some(2010), Lang::En),
            "2006–2010 average"
        );
        assert_eq!(
            period("年均增长预期目标", Some(2005), Lang::En),
            "2001–2005 average"
        );
        assert_eq!(period("全部工业增加值", Some(2005), Lang::En), "2005");
        assert_eq!(period("全部工业增加值", None, Lang::En), "");
    }
}
