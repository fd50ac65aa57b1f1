//! Words broken at a line end with a hyphen, put together again.
//!
//! Danish (and Swedish) compounds are written closed, so a hyphen between
//! two lower-case letters at a line break is a break hyphen ("kro-" +
//! "ner" → "kroner") unless
//!
//! - the next word is a conjunction: the hyphen stands for a left-out part
//!   ("Sundheds- og Omsorgsudvalget" keeps its hyphen and space);
//! - the part before it keeps its hyphen in compounds (the grammars'
//!   `keep_hyphen_after`: "ikke-planlagte", "it-systemer") or is one letter
//!   ("e-mail");
//! - the document writes the hyphenated form elsewhere ("control-flow");
//! - it is part of an address or a path (a `/` or `@` in the word).
//!
//! A hyphen next to a capital or a digit ("EU-midler", "CO2-udledning",
//! "Nord-Amerika") stays, without a space.

use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// The words of the rule, from the grammars
/// ([`crate::profile::Profiles::hyphen_words`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HyphenWords {
    /// Words that keep their hyphen before the rest of a compound ("ikke").
    pub keep_after: Vec<String>,
    /// Conjunctions after a hyphen that stands for a left-out part ("og").
    pub joiners: Vec<String>,
}

/// The rule for one document: its words, lower-cased, and the hyphenated
/// words the document writes inside its lines.
#[derive(Debug, Clone, Default)]
pub(crate) struct Dehyphenator {
    keep_after: HashSet<String>,
    joiners: HashSet<String>,
    hyphenated: HashSet<String>,
}

/// The run of letters and digits at the end of `s`.
fn last_word(s: &str) -> &str {
    let start = s
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric())
        .last()
        .map_or(s.len(), |(i, _)| i);
    &s[start..]
}

/// The run of letters and digits at the start of `s`.
fn first_word(s: &str) -> &str {
    let end = s
        .char_indices()
        .find(|(_, c)| !c.is_alphanumeric())
        .map_or(s.len(), |(i, _)| i);
    &s[..end]
}

impl Dehyphenator {
    /// The rule with these words and no document vocabulary yet.
    pub(crate) fn new(words: &HyphenWords) -> Self {
        let lower = |w: &[String]| w.iter().map(|w| w.to_lowercase()).collect();
        Dehyphenator {
            keep_after: lower(&words.keep_after),
            joiners: lower(&words.joiners),
            hyphenated: HashSet::new(),
        }
    }

    /// Note the hyphenated words ("control-flow") inside a line of the document.
    pub(crate) fn learn(&mut self, line: &str) {
        for (i, _) in line.match_indices('-') {
            let (left, right) = (last_word(&line[..i]), first_word(&line[i + 1..]));
            if !left.is_empty() && !right.is_empty() {
                self.hyphenated
                    .insert(format!("{left}-{right}").to_lowercase());
            }
        }
    }

    /// Join `a` and the next line `b` across a line break: a soft hyphen
    /// goes, a break hyphen goes (see the module docs), any other hyphen
    /// stays (with a space after a suspension: "Sundheds- og"), and pieces
    /// without a hyphen are joined by a space.
    pub(crate) fn join(&self, a: &str, b: &str) -> String {
        if a.is_empty() {
            return b.to_string();
        }
        if let Some(stem) = a.strip_suffix('\u{ad}') {
            return format!("{stem}{b}");
        }
        let Some(stem) = a.strip_suffix('-') else {
            return format!("{a} {b}");
        };
        let (left, right) = (last_word(stem), first_word(b));
        if left.is_empty() || right.is_empty() || self.joiners.contains(&right.to_lowercase()) {
            return format!("{a} {b}");
        }
        let lower_both = left.chars().last().is_some_and(char::is_lowercase)
            && right.chars().next().is_some_and(char::is_lowercase);
        // An address or a path ("github.com/x/linehaul-cloud-function").
        let address = stem
            .rsplit(char::is_whitespace)
            .next()
            .is_some_and(|t| t.contains(['/', '@']));
        let keeps = left.chars().count() < 2
            || address
            || self.keep_after.contains(&left.to_lowercase())
            || self
                .hyphenated
                .contains(&format!("{left}-{right}").to_lowercase());
        if lower_both && !keeps {
            format!("{stem}{b}")
        } else {
            format!("{a}{b}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule() -> Dehyphenator {
        Dehyphenator::new(&HyphenWords {
            keep_after: vec!["ikke".into(), "it".into()],
            joiners: vec!["og".into(), "eller".into()],
        })
    }

    #[test]
    fn break_hyphens_between_lower_case_letters_go() {
        let r = rule();
        assert_eq!(r.join("på 25 kro-", "ner i alt"), "på 25 kroner i alt");
        assert_eq!(r.join("an-", "lægsomkostninger"), "anlægsomkostninger");
        assert_eq!(r.join("Om-", "sorgsudvalget"), "Omsorgsudvalget");
        assert_eq!(r.join("bred", "tekst"), "bred tekst");
        assert_eq!(r.join("bred\u{ad}", "tekst"), "bredtekst");
    }

    #[test]
    fn compound_hyphens_stay() {
        let r = rule();
        assert_eq!(r.join("Sundheds-", "og Omsorg"), "Sundheds- og Omsorg");
        assert_eq!(r.join("Kultur-", "eller fritid"), "Kultur- eller fritid");
        assert_eq!(r.join("ikke-", "planlagte"), "ikke-planlagte");
        assert_eq!(r.join("nye it-", "systemer"), "nye it-systemer");
        assert_eq!(r.join("EU-", "midler"), "EU-midler");
        assert_eq!(r.join("CO2-", "udledning"), "CO2-udledning");
        assert_eq!(r.join("Nord-", "Amerika"), "Nord-Amerika");
        assert_eq!(r.join("e-", "mail"), "e-mail");
        assert_eq!(r.join("budget -", "ramme"), "budget - ramme");
        assert_eq!(r.join("-", "x"), "- x");
        assert_eq!(
            r.join("se github.com/a/line-", "haul"),
            "se github.com/a/line-haul"
        );
    }

    #[test]
    fn a_hyphenated_form_the_document_writes_stays() {
        let mut r = rule();
        assert_eq!(
            r.join("the control-", "flow graph"),
            "the controlflow graph"
        );
        r.learn("Its Control-flow is simple.");
        assert_eq!(
            r.join("the control-", "flow graph"),
            "the control-flow graph"
        );
    }
}
