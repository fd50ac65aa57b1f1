//! Decision outcome from the decision text, by the profile's phrase lists.

use crate::profile::OutcomeWords;
use crate::record::Outcome;

/// Classify a decision text. Order: rejection and deferral first (they
/// often contain approval words: "ikke godkendt"), then approval (qualified
/// by a change phrase or not), orientation, discussion.
pub fn classify(text: &str, words: &OutcomeWords) -> Outcome {
    let lower = text.to_lowercase();
    let has = |list: &[String]| list.iter().any(|p| lower.contains(&p.to_lowercase()));
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
    }
}
