//! The capacity or scale a 专栏 item states in its own Chinese words (15万台, 86.5万吨/年,
//! 百万千瓦级), parsed into a value and a unit in both languages. Parsed from the plan's text
//! rather than kept as hand-typed data, so it can never drift from the item it describes.

use crate::model::Bi;
use serde::Serialize;

/// A stated capacity: `value` in the unit (万 and 亿 multiplied out), per year or day if stated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Capacity {
    pub value: f64,
    pub unit: Bi<String>,
    /// `year` or `day` when the item says 年产, /年 or 日产.
    pub per: Option<&'static str>,
    /// The figure is a class (级, 等级), e.g. 百万千瓦级 "1,000 MW-class".
    pub class: bool,
    /// The plan's own words for it, e.g. `15万台`.
    pub stated: String,
}

/// Units the 专栏 items use, longest first so 平方米 wins over 米: (Chinese, English).
const UNITS: [(&str, &str); 16] = [
    ("平方米", "square meters"),
    ("立方米", "cubic meters"),
    ("千瓦", "kW"),
    ("MW", "MW"),
    ("吨", "tonnes"),
    ("台", "units"),
    ("辆", "vehicles"),
    ("套", "sets"),
    ("头", "head"),
    ("支", "units"),
    ("瓶", "bottles"),
    ("片", "tablets"),
    ("粒", "pieces"),
    ("件", "pieces"),
    ("锭", "spindles"),
    ("箱", "cases"),
];

/// The first capacity stated in `zh`, if any. Model codes (HF5, DA2, Y15-2000) are not figures.
pub fn parse(zh: &str) -> Option<Capacity> {
    let chars: Vec<char> = zh.chars().collect();
    (0..chars.len()).find_map(|start| at(&chars, start))
}

/// A capacity starting exactly at `start`.
fn at(chars: &[char], start: usize) -> Option<Capacity> {
    if start > 0 && continues_a_code(chars[start - 1]) {
        return None;
    }
    let (number, after_number) = number(chars, start)?;
    let (scale, after_scale) = match chars.get(after_number) {
        Some('万') => (1e4, after_number + 1),
        Some('亿') => (1e8, after_number + 1),
        _ => (1.0, after_number),
    };
    let rest: String = chars[after_scale..].iter().collect();
    let (zh_unit, en_unit) = UNITS.iter().find(|(u, _)| rest.starts_with(u))?;
    let mut end = after_scale + zh_unit.chars().count();
    let tail: String = chars[end..].iter().collect();
    let class = tail.starts_with('级') || tail.starts_with("等级");
    if tail.starts_with('级') {
        end += 1;
    } else if tail.starts_with("等级") {
        end += 2;
    }
    Some(Capacity {
        value: number * scale,
        unit: Bi {
            zh: (*zh_unit).to_string(),
            en: (*en_unit).to_string(),
        },
        per: period(chars, start, &tail),
        class,
        stated: chars[start..end].iter().collect(),
    })
}

/// A letter or hyphen before a digit makes it part of a model code (HF5, Y15-2000, ERJ145).
fn continues_a_code(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '.' || is_chinese_digit(c)
}

fn is_chinese_digit(c: char) -> bool {
    "一二两三四五六七八九十百千".contains(c)
}

/// An Arabic number (with decimals) or a Chinese numeral (四, 百, 三千) at `start`.
fn number(chars: &[char], start: usize) -> Option<(f64, usize)> {
    let arabic: String = chars[start..]
        .iter()
        .take_while(|c| c.is_ascii_digit() || **c == '.')
        .collect();
    if !arabic.is_empty() {
        return Some((arabic.parse().ok()?, start + arabic.chars().count()));
    }
    let mut total = 0.0;
    let mut digit = 0.0;
    let mut end = start;
    while let Some(&c) = chars.get(end) {
        match c {
            '十' | '百' | '千' => {
                // 千瓦 after a number is a unit, not a numeral.
                if c == '千' && chars.get(end + 1) == Some(&'瓦') {
                    break;
                }
                let m = match c {
                    '十' => 10.0,
                    '百' => 100.0,
                    _ => 1000.0,
                };
                total += if digit == 0.0 { 1.0 } else { digit } * m;
                digit = 0.0;
            }
            c if is_chinese_digit(c) => {
                digit = "一二三四五六七八九"
                    .find(c)
                    .map_or(2.0, |i| (i / 3 + 1) as f64)
            }
            _ => break,
        }
        end += 1;
    }
    (end > start).then_some((total + digit, end))
}

/// 年产 or 日产 before the figure, or 年 or /年 right after its unit.
fn period(chars: &[char], start: usize, tail: &str) -> Option<&'static str> {
    let before: String = chars[..start]
        .iter()
        .rev()
        .filter(|c| !c.is_whitespace())
        .take(2)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if before == "年产" || tail.starts_with("/年") || tail.starts_with('年') {
        Some("year")
    } else if before == "日产" {
        Some("day")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// value, zh unit, en unit, per, class, stated.
    type Parts = (f64, String, String, Option<&'static str>, bool, String);

    fn cap(zh: &str) -> Option<Parts> {
        parse(zh).map(|c| (c.value, c.unit.zh, c.unit.en, c.per, c.class, c.stated))
    }

    #[test]
    fn arabic_figures_with_scale_and_unit() {
        assert_eq!(
            cap("15万台DA2多气门电喷发动机"),
            Some((
                150_000.0,
                "台".into(),
                "units".into(),
                None,
                false,
                "15万台".into()
            ))
        );
        assert_eq!(cap("86.5万吨玉米深加工项目").map(|c| c.0), Some(865_000.0));
        assert_eq!(cap("50亿粒药用胶囊").map(|c| c.0), Some(5e9));
        assert_eq!(
            cap("400万平方米地毯生产线项目").map(|c| c.2),
            Some("square meters".into())
        );
    }

    #[test]
    fn chinese_numerals_and_classes() {
        assert_eq!(
            cap("发展百万千瓦级超超临界锅炉技术改造"),
            Some((
                1e6,
                "千瓦".into(),
                "kW".into(),
                None,
                true,
                "百万千瓦级".into()
            ))
        );
        assert_eq!(
            cap("百万千瓦等级核电汽轮机技术改造").map(|c| c.4),
            Some(true)
        );
        assert_eq!(cap("30万千瓦空冷电机生产").map(|c| c.0), Some(300_000.0));
        assert_eq!(
            cap("年产四万吨钢结构产品项目").map(|c| (c.0, c.3)),
            Some((40_000.0, Some("year")))
        );
        assert_eq!(
            cap("半速1000MW级核电站汽轮发电机").map(|c| (c.0, c.2, c.4)),
            Some((1000.0, "MW".into(), true))
        );
    }

    #[test]
    fn periods_per_year_and_per_day() {
        assert_eq!(
            cap("5万吨/年环保型特种溶剂油").map(|c| c.3),
            Some(Some("year"))
        );
        assert_eq!(
            cap("1000万支年注射用刺五加").map(|c| (c.0, c.3)),
            Some((1e7, Some("year")))
        );
        assert_eq!(
            cap("宾州水泥有限公司二期工程日产 5000吨熟料").map(|c| (c.0, c.3, c.5)),
            Some((5000.0, Some("day"), "5000吨".into()))
        );
    }

    #[test]
    fn model_codes_and_unstated_items_have_no_capacity() {
        for zh in [
            "HF5系列乘用车",
            "DA3多气门电喷发动机",
            "Y15-2000型飞机研制",
            "7ACA及头孢系列产品",
            "ERJ145支线飞机大部件国产化条件",
            "CCH97X型电脑稳频汽车喇叭",
            "电控电动式汽车自动变速器22哈尔滨飞翔汽车零部件公司",
            "百万绿色商品猪",
            "大型燃气轮机技术改造",
            "百事可乐、冰露水扩产",
        ] {
            assert_eq!(cap(zh), None, "{zh}");
        }
    }
}
