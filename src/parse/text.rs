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

/// Join two pieces of one paragraph, undoing a line-break hyphen
/// ("mobilhånd-" + "teringen") unless the next word shows a real compound
/// hyphen ("Sundheds-" + "og").
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
    let starts_lower = right.chars().next().is_some_and(char::is_lowercase);
    if before_hyphen.is_some_and(char::is_alphabetic)
        && starts_lower
        && !compound_joiners
            .iter()
            .any(|j| j.eq_ignore_ascii_case(&next_word))
    {
        left.pop();
        left.push_str(right);
    } else {
        left.push(' ');
        left.push_str(right);
    }
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
        ];
        assert_eq!(
            assemble(&lines, &joiners),
            "Første linje om mobilhåndteringen og Sundheds- og Omsorgsudvalget.\n\n- punkt a\n- punkt b\n\nESDH-system virker."
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
