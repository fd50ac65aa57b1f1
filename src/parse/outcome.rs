//! Decision outcome from the decision text, by the profile's phrase lists.

use crate::profile::OutcomeWords;
use crate::record::Outcome;

/// Classify a decision text. Order: rejection and deferral first (they
/// often contain approval words: "ikke godkendt"), then approval (qualified
/// by a change phrase or not), orientation, discussion.
pub fn classify(text: &str, words: &OutcomeWords) -> Outcome {
    let mut lower = text.to_lowercase();
    for formula in &words.ignored_formulas {
        lower = lower.replace(&formula.to_lowercase(), " ");
    }
    let has = |list: &[String]| {
        list.iter()
            .any(|p| contains_phrase(&lower, &p.to_lowercase()))
    };
    if has(&words.rejected) {
        Outcome::Rejected
    } else if has(&words.postponed) {
        Outcome::Postponed
    } else if has(&words.approved) {
        if has(&words.change_qualifiers) {
            Outcome::ApprovedWithChanges
        } else {
            Outcome::Approved
        }
    } else if has(&words.noted) {
        Outcome::Noted
    } else if has(&words.discussed) {
        Outcome::Discussed
    } else {
        Outcome::Other
    }
}

/// `phrase` occurs in `text` starting and ending at word boundaries (a
/// phrase ending in punctuation or space needs no boundary after it), so
/// "udsat" does not match "udsatte børn".
fn contains_phrase(text: &str, phrase: &str) -> bool {
    let needs_end_boundary = phrase.chars().last().is_some_and(char::is_alphanumeric);
    text.match_indices(phrase).any(|(at, _)| {
        let before_ok = text[..at]
            .chars()
            .last()
            .is_none_or(|c| !c.is_alphanumeric());
        let after_ok = !needs_end_boundary
            || text[at + phrase.len()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric());
        before_ok && after_ok
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words() -> OutcomeWords {
        let v = |w: &[&str]| w.iter().map(|s| s.to_string()).collect();
        OutcomeWords {
            rejected: v(&["ikke godkendt"]),
            postponed: v(&["udsat"]),
            approved: v(&["godkendt", "tilsluttede sig"]),
            change_qualifiers: v(&["dog "]),
            noted: v(&["til efterretning"]),
            discussed: v(&["drøftede"]),
            ignored_formulas: v(&["med bemærkning, at"]),
        }
    }

    #[test]
    fn outcomes() {
        let w = words();
        assert_eq!(classify("Godkendt.", &w), Outcome::Approved);
        assert_eq!(
            classify(
                "Direktionen tilsluttede sig indstillingen, dog med en bemærkning",
                &w
            ),
            Outcome::ApprovedWithChanges
        );
        assert_eq!(classify("Ikke godkendt.", &w), Outcome::Rejected);
        assert_eq!(classify("Punktet blev udsat.", &w), Outcome::Postponed);
        assert_eq!(classify("Taget til efterretning.", &w), Outcome::Noted);
        assert_eq!(
            classify("Direktionen drøftede sagen.", &w),
            Outcome::Discussed
        );
        assert_eq!(classify("Intet.", &w), Outcome::Other);
        assert_eq!(
            classify(
                "Tilbagesendes med bemærkning, at byrådet har godkendt indstillingen.",
                &w
            ),
            Outcome::Approved
        );
        assert_eq!(
            classify("Direktionen drøftede indsatsen for udsatte børn.", &w),
            Outcome::Discussed
        );
    }
}
