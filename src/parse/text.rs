//! Text assembly: lines into paragraphs (`\n\n`) and list lines, with words
//! split by a line-break hyphen joined again.

use super::words::collapse;
use crate::extract::Line;

/// True for a list line: "- x", "1. x", "a) x", or a checkbox.
pub fn is_list_line(text: &str) -> bool {
    let t = text.trim_start();
    if t.starts_with("- ") || t.starts_with('☒') || t.starts_with('☐') {
        return true;
    }
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && digits <= 2 {
        let rest = &t[digits..];
        return rest.starts_with(". ") || rest.starts_with(") ");
    }
    let mut chars = t.chars();
    matches!((chars.next(), chars.next(), chars.next()), (Some(c), Some(')'), Some(' ')) if c.is_alphabetic())
}

/// Join two pieces of one paragraph, undoing a line-break hyphen between
/// lower-case letters ("mobilhånd-" + "teringen"), as the PDF path does.
/// A hyphen before a conjunction stands for a left-out part and keeps its
/// space ("Sundheds-" + "og"); one after a capital or a digit belongs to a
/// compound and stays without a space ("EU-" + "midler", "CO2-" +
/// "udledning").
pub fn join_wrapped(left: &mut String, right: &str, compound_joiners: &[String]) {
    let right = right.trim();
    if right.is_empty() {
        return;
    }
    if left.is_empty() {
        left.push_str(right);
        return;
    }
    let before_hyphen = left.strip_suffix('-').and_then(|l| l.chars().last());
    let next_word: String = right.chars().take_while(|c| c.is_alphanumeric()).collect();
    let joiner = compound_joiners
        .iter()
        .any(|j| j.eq_ignore_ascii_case(&next_word));
    let starts_lower = right.chars().next().is_some_and(char::is_lowercase);
    match before_hyphen {
        Some(c) if c.is_lowercase() && starts_lower && !joiner => {
            left.pop();
        }
        Some(c) if c.is_alphanumeric() && !joiner && !next_word.is_empty() => {}
        _ => left.push(' '),
    }
    left.push_str(right);
}

/// Assemble lines into text: paragraphs separated by `\n\n`, list items and
/// headings on their own lines, whitespace collapsed, table cells spaced.
pub fn assemble(lines: &[Line], compound_joiners: &[String]) -> String {
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let flush = |current: &mut Vec<String>, paragraphs: &mut Vec<String>| {
        if !current.is_empty() {
            paragraphs.push(current.join("\n"));
            current.clear();
        }
    };
    for line in lines {
        let text = collapse(&line.text);
        if text.is_empty() {
            flush(&mut current, &mut paragraphs);
            continue;
        }
        if line.heading.is_some() || line.bold {
            flush(&mut current, &mut paragraphs);
            paragraphs.push(text);
            continue;
        }
        if line.text.contains('\t') || is_list_line(&text) || current.is_empty() {
            current.push(text);
            continue;
        }
        let last = current.last_mut().expect("not empty");
        join_wrapped(last, &text, compound_joiners);
    }
    flush(&mut current, &mut paragraphs);
    paragraphs.join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(t: &str) -> Line {
        Line::plain(t)
    }

    #[test]
    fn paragraphs_lists_and_hyphens() {
        let joiners = vec!["og".to_string()];
        let lines = [
            line("Første linje om mobilhånd-"),
            line("teringen og Sundheds-"),
            line("og Omsorgsudvalget."),
            line(""),
            line("- punkt a"),
            line("- punkt b"),
            line(""),
            line("ESDH-system  virker."),
            line(""),
            line("Tilskud fra EU-"),
            line("midler til CO2-"),
            line("udledning i Nord-"),
            line("Amerika -"),
            line("(se bilag)."),
        ];
        assert_eq!(
            assemble(&lines, &joiners),
            "Første linje om mobilhåndteringen og Sundheds- og Omsorgsudvalget.\n\n- punkt a\n- punkt b\n\nESDH-system virker.\n\nTilskud fra EU-midler til CO2-udledning i Nord-Amerika - (se bilag)."
        );
    }

    #[test]
    fn list_lines() {
        assert!(is_list_line("1. At direktionen"));
        assert!(is_list_line("- x"));
        assert!(is_list_line("a) noget"));
        assert!(!is_list_line("2025 blev"));
        assert!(!is_list_line("Den 1. maj"));
    }
}
