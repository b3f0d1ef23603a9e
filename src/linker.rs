//! Finds enterprise names in running text (each language's names and aliases, longest match
//! first) so the prose can link them and every enterprise learns where it is mentioned.

use aho_corasick::{AhoCorasick, MatchKind};

/// A name matcher for one language.
pub struct Linker {
    matcher: Option<AhoCorasick>,
    /// Pattern index -> enterprise index.
    owners: Vec<usize>,
    /// Latin-script names must stand as whole words.
    whole_words: bool,
}

/// A piece of text: plain, or a name belonging to enterprise `usize`.
#[derive(Debug, PartialEq, Eq)]
pub enum Segment<'t> {
    Plain(&'t str),
    Name(usize, &'t str),
}

impl Linker {
    /// `names[i]` are the names of enterprise `i` in this language.
    pub fn new(names: &[Vec<String>], whole_words: bool) -> Linker {
        let mut patterns = Vec::new();
        let mut owners = Vec::new();
        for (i, list) in names.iter().enumerate() {
            for n in list.iter().filter(|n| !n.trim().is_empty()) {
                patterns.push(n.clone());
                owners.push(i);
            }
        }
        let matcher = if patterns.is_empty() {
            None
        } else {
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&patterns)
                .ok()
        };
        Linker {
            matcher,
            owners,
            whole_words,
        }
    }

    /// Splits `text` into plain runs and enterprise names.
    pub fn split<'t>(&self, text: &'t str) -> Vec<Segment<'t>> {
        let mut out = Vec::new();
        let Some(m) = &self.matcher else {
            out.push(Segment::Plain(text));
            return out;
        };
        let mut last = 0;
        for found in m.find_iter(text) {
            let (s, e) = (found.start(), found.end());
            if self.whole_words && !is_word_boundary(text, s, e) {
                continue;
            }
            if s > last {
                out.push(Segment::Plain(&text[last..s]));
            }
            out.push(Segment::Name(
                self.owners[found.pattern().as_usize()],
                &text[s..e],
            ));
            last = e;
        }
        if last < text.len() {
            out.push(Segment::Plain(&text[last..]));
        }
        out
    }

    /// The enterprises named in `text`, in order of appearance, with repeats.
    pub fn find(&self, text: &str) -> Vec<usize> {
        self.split(text)
            .into_iter()
            .filter_map(|s| match s {
                Segment::Name(i, _) => Some(i),
                Segment::Plain(_) => None,
            })
            .collect()
    }
}

fn is_word_boundary(text: &str, s: usize, e: usize) -> bool {
    let before = text[..s].chars().next_back();
    let after = text[e..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&[&str]]) -> Vec<Vec<String>> {
        v.iter()
            .map(|l| l.iter().map(|s| s.to_string()).collect())
            .collect()
    }

    #[test]
    fn longest_name_wins() {
        let l = Linker::new(&names(&[&["哈药"], &["哈药集团制药总厂"]]), false);
        assert_eq!(
            l.split("哈药集团制药总厂和哈药"),
            vec![
                Segment::Name(1, "哈药集团制药总厂"),
                Segment::Plain("和"),
                Segment::Name(0, "哈药")
            ]
        );
    }

    #[test]
    fn english_names_match_whole_words_only() {
        let l = Linker::new(&names(&[&["GE"]]), true);
        assert_eq!(l.find("GE and GENERAL and (GE)"), vec![0, 0]);
    }
}
