//! Properties: no word parser panics, whatever the string.

use crate::profile::Profiles;
use proptest::prelude::*;
use std::sync::LazyLock;

static PROFILES: LazyLock<Profiles> = LazyLock::new(Profiles::builtin);

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn word_parsers_never_panic(text in any::<String>()) {
        let profiles = &*PROFILES;
        let months: Vec<String> = vec!["juni".into()];
        let _ = super::words::danish_number(&text);
        let _ = super::words::find_date(&text, &months);
        let _ = super::words::find_time(&text, &["kl.".to_string()]);
        let mut shaped = 0;
        for p in &profiles.profiles {
            if let Some(shapes) = p.case_number_shapes() {
                shaped += 1;
                let _ = super::words::case_number_line(&text, &p.items.case_number_labels, shapes);
            }
            let _ = super::decisions::decision_heading(&text, p);
            let _ = super::history::treatment_line(&text, p);
            let _ = super::heading_title(&crate::extract::Line::plain(&text), p);
        }
        prop_assert!(shaped > 0, "no profile has case number shapes: case_number_line is never run");
        for p in &profiles.profiles {
            let _ = super::amounts::find_amounts_with(&text, &p.amounts);
        }
    }
}
