//! Layout profiles: the words and phrases of one document family, loaded at
//! run time from `grammars/*.toml`.
//!
//! The combinators in [`crate::parse`] and [`crate::tables`] are generic over
//! a [`Profile`]; a new municipality's layout is a new TOML file. A profile
//! may name a `base` profile whose sections it inherits key by key; a key
//! written with a `+` (`"other+" = ["Økonomi"]`) adds its words to the
//! base's list instead of replacing it.

use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Profiles compiled into the binary, used when no `grammars/` folder is found.
pub const BUILTIN: &[(&str, &str)] = &[
    ("common-da", include_str!("../grammars/common-da.toml")),
    ("minutes-da", include_str!("../grammars/minutes-da.toml")),
    (
        "business-cases-da",
        include_str!("../grammars/business-cases-da.toml"),
    ),
    ("generic", include_str!("../grammars/generic.toml")),
    ("minutes-en", include_str!("../grammars/minutes-en.toml")),
    (
        "firstagenda-da",
        include_str!("../grammars/firstagenda-da.toml"),
    ),
    ("acadre-da", include_str!("../grammars/acadre-da.toml")),
    ("edoc-da", include_str!("../grammars/edoc-da.toml")),
    ("sbsys-da", include_str!("../grammars/sbsys-da.toml")),
    (
        "protokoll-sv",
        include_str!("../grammars/protokoll-sv.toml"),
    ),
    ("export-da", include_str!("../grammars/export-da.toml")),
    (
        "protokoll-se",
        include_str!("../grammars/protokoll-se.toml"),
    ),
];

/// A problem with a profile file.
#[derive(Debug, Error)]
pub enum ProfileError {
    /// The folder or file could not be read.
    #[error("cannot read grammar {path}: {source}")]
    Read {
        /// File or folder.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// The TOML is invalid or has unknown keys.
    #[error("invalid grammar profile {name}: {message}")]
    Invalid {
        /// Profile name.
        name: String,
        /// What is wrong.
        message: String,
    },
}

/// Which family a profile parses.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum ProfileKind {
    /// Minutes with agenda items.
    Minutes,
    /// Business-case catalogues.
    BusinessCases,
    /// Decide per document from which headings occur (the generic fallback).
    #[default]
    Auto,
}

/// One layout profile.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// File stem; set by the loader.
    #[serde(default)]
    pub name: String,
    /// Profile whose keys this one inherits.
    #[serde(default)]
    pub base: Option<String>,
    /// A base-only profile is never chosen to parse a document.
    #[serde(default, rename = "abstract")]
    pub is_abstract: bool,
    /// The generic fallback, used when no other profile recognises a layout.
    #[serde(default)]
    pub fallback: bool,
    /// Family parsed.
    #[serde(default)]
    pub kind: ProfileKind,
    /// Layout detection cues.
    #[serde(default)]
    pub detect: Detect,
    /// Title line rules.
    #[serde(default)]
    pub title: TitleRules,
    /// Meeting metadata labels.
    #[serde(default)]
    pub meeting: MeetingWords,
    /// Table of contents.
    #[serde(default)]
    pub toc: TocWords,
    /// Agenda items.
    #[serde(default)]
    pub items: ItemWords,
    /// Item section headings.
    #[serde(default)]
    pub sections: SectionWords,
    /// Decision outcome phrases.
    #[serde(default)]
    pub outcomes: OutcomeWords,
    /// Business-case proposals.
    #[serde(default)]
    pub proposals: ProposalWords,
    /// Money amounts in running text.
    #[serde(default)]
    pub amounts: AmountWords,
    /// Tables.
    #[serde(default)]
    pub tables: TableWords,
    /// Text assembly (dehyphenation).
    #[serde(default)]
    pub text: TextWords,
    /// Earlier treatments of an item's case.
    #[serde(default)]
    pub history: HistoryWords,
    /// Running headers and footers.
    #[serde(default)]
    pub furniture: FurnitureWords,
    /// Case-number shapes from `items.case_number_patterns`, checked by the
    /// loader and compiled on first use (see [`Profile::case_number_shapes`]).
    #[serde(skip)]
    pub shapes: CaseShapes,
}

/// The regular expression of a profile's case-number shapes: its source,
/// checked when the profile loads, and the compiled expression, built the
/// first time a document needs it. A Unicode-aware expression took 18
/// million instructions to compile, more than the rest of loading all
/// profiles, which `referat text` and the PDF children do not need.
#[derive(Debug, Clone, Default)]
pub struct CaseShapes {
    source: Option<String>,
    compiled: std::sync::OnceLock<Option<regex::Regex>>,
}

impl Profile {
    /// The case-number shapes as one expression (None when the profile has none).
    pub fn case_number_shapes(&self) -> Option<&regex::Regex> {
        self.shapes
            .compiled
            .get_or_init(|| {
                let source = self.shapes.source.as_deref()?;
                Some(compiled(source).expect("checked when the profile loaded"))
            })
            .as_ref()
    }
}

/// Cues that vote for a profile: phrases that start lines.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Detect {
    /// Case-insensitive line prefixes typical of the family.
    #[serde(default)]
    pub line_starts: Vec<String>,
    /// How many distinct prefixes must occur for the profile to apply.
    #[serde(default)]
    pub min_hits: usize,
}

/// How to find the title line.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct TitleRules {
    /// Lines starting with these words (followed by a number) are labels, not the title.
    #[serde(default)]
    pub skip_labels: Vec<String>,
}

/// Meeting metadata words.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct MeetingWords {
    /// Label of the date line ("Mødedato").
    #[serde(default)]
    pub date_labels: Vec<String>,
    /// Label of the place ("Mødested").
    #[serde(default)]
    pub location_labels: Vec<String>,
    /// Label of the participants ("Mødedeltagere").
    #[serde(default)]
    pub participant_labels: Vec<String>,
    /// Labels of other metadata lines that end a wrapped participants list.
    #[serde(default)]
    pub other_labels: Vec<String>,
    /// Words that start a title naming the body: "REFERAT <body> d. <date>".
    #[serde(default)]
    pub title_prefixes: Vec<String>,
    /// Words between body and date in the title ("d.", "den").
    #[serde(default)]
    pub title_date_words: Vec<String>,
    /// Word before a clock time ("kl.").
    #[serde(default)]
    pub time_words: Vec<String>,
    /// Labels whose value is the start time itself ("Mødetidspunkt 09:00").
    #[serde(default)]
    pub time_labels: Vec<String>,
    /// Labels whose value is the body that met ("Organ", "Udvalg").
    #[serde(default)]
    pub body_labels: Vec<String>,
    /// Role words dropped from participant lists ("formand", "ordförande").
    #[serde(default)]
    pub participant_roles: Vec<String>,
    /// Words for "meeting" after a body in a title ("… Forretningsudvalgets møde").
    #[serde(default)]
    pub meeting_words: Vec<String>,
    /// Last words of a letterhead line ("Kommune"): never the title or the body.
    #[serde(default)]
    pub letterhead_words: Vec<String>,
    /// Words that make an unlabelled front-page line the meeting place
    /// ("Rådhuset", "Mødelokale").
    #[serde(default)]
    pub location_words: Vec<String>,
    /// Labels of absent members ("Fraværende"); they are not participants.
    #[serde(default)]
    pub absent_labels: Vec<String>,
    /// Words joining the last two names of a list (" og ", " and ").
    #[serde(default)]
    pub participant_joiners: Vec<String>,
}

/// Page furniture a layout prints on every page.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct FurnitureWords {
    /// Starts of footer or header lines that are never content
    /// ("Protokolljusterarnas initialer").
    #[serde(default)]
    pub line_starts: Vec<String>,
    /// Words before a page number in a header or footer ("Side", "Page").
    #[serde(default)]
    pub page_number_words: Vec<String>,
    /// Words between a page number and the page count ("af", "of").
    #[serde(default)]
    pub page_count_words: Vec<String>,
}

/// Table-of-contents words.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct TocWords {
    /// Heading that starts the table of contents.
    #[serde(default)]
    pub headings: Vec<String>,
    /// Sub-headings inside it that are not entries ("Åbent referat").
    #[serde(default)]
    pub sections: Vec<String>,
}

/// Agenda item words.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ItemWords {
    /// Word before the item number ("Punkt").
    #[serde(default)]
    pub heading_words: Vec<String>,
    /// Titles (or title words) of closed items ("Lukket").
    #[serde(default)]
    pub closed_titles: Vec<String>,
    /// Marks of public items printed where a title would be ("Sag nr. 7 -
    /// Åben", the title on the next line).
    #[serde(default)]
    pub open_titles: Vec<String>,
    /// Labels before a case number ("Sagsnr.", "J.nr.").
    #[serde(default)]
    pub case_number_labels: Vec<String>,
    /// Lines that open a group of closed items ("Lukket referat").
    #[serde(default)]
    pub closed_groups: Vec<String>,
    /// Lines that open a group of public items ("Åbent referat").
    #[serde(default)]
    pub open_groups: Vec<String>,
    /// Starts of a line under the heading that marks the item closed
    /// ("Lukket sag", "Sekretessbelagd enligt …").
    #[serde(default)]
    pub closed_lines: Vec<String>,
    /// Regular expressions of the case-number shapes ("\\d{2}/\\d{1,7}",
    /// "EMN-\\d{4}-\\d{6}"); a case number is a whole word matching one.
    #[serde(default)]
    pub case_number_patterns: Vec<String>,
    /// Marks after a bare leading number that make a line an item heading
    /// ("." in "715. Title", "§" in "39 § Title"); empty: only `heading_words`.
    #[serde(default)]
    pub number_marks: Vec<String>,
    /// Marks before a bare number that make a line an item heading ("§" in "§ 39 Title").
    #[serde(default)]
    pub number_prefixes: Vec<String>,
    /// An organ's abbreviation in capitals may stand before a number prefix
    /// ("KS § 31"), as in Swedish protocols.
    #[serde(default)]
    pub organ_before_number: bool,
    /// A number and a title with only space or a tab between ("1 Title",
    /// "1<tab>Title") start an item when a case number follows within a
    /// few lines.
    #[serde(default)]
    pub spaced_number_with_case: bool,
}

/// Section heading words of an agenda item.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct SectionWords {
    /// "Baggrund".
    #[serde(default)]
    pub background: Vec<String>,
    /// "Indstilling".
    #[serde(default)]
    pub recommendation: Vec<String>,
    /// "Sagsfremstilling".
    #[serde(default)]
    pub case_description: Vec<String>,
    /// "Bilag".
    #[serde(default)]
    pub attachments: Vec<String>,
    /// Kind of the text under an item heading before any section heading
    /// (`other` unless a layout writes its case text there).
    #[serde(default)]
    pub untitled: Option<crate::record::SectionKind>,
    /// Labels whose section is their own line only ("Beredare: …",
    /// "Sagsbehandler: …"); the text after it is untitled again.
    #[serde(default)]
    pub one_line: Vec<String>,
    /// Other top-level section headings kept as kind `other`.
    #[serde(default)]
    pub other: Vec<String>,
    /// Word that starts a decision heading ("Beslutning").
    #[serde(default)]
    pub decision: Vec<String>,
    /// Word between body and date in a decision heading ("den").
    #[serde(default)]
    pub decision_date_words: Vec<String>,
    /// Filler words between the decision word and the body ("of the").
    #[serde(default)]
    pub decision_body_fillers: Vec<String>,
    /// Decision words that follow the body in its genitive
    /// ("Økonomiudvalgets beslutning den 03.09.2025").
    #[serde(default)]
    pub decision_after_body: Vec<String>,
    /// Genitive endings removed from a body named before the decision word ("s").
    #[serde(default)]
    pub genitive_endings: Vec<String>,
    /// Line starts that end a decision's or other section's text without a
    /// heading of their own ("BESLUTNINGSFORSLAG FRA", "Besvärsanvisning").
    #[serde(default)]
    pub decision_ends: Vec<String>,
}

/// Earlier treatments of a case: a section listing them ("Sagsforløb") or a
/// line naming one ("Kommunalbestyrelsen den 30. januar 2012 Punkt 5").
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct HistoryWords {
    /// Headings of a section of earlier treatments.
    #[serde(default)]
    pub headings: Vec<String>,
    /// Label of an entry's body ("Udvalg").
    #[serde(default)]
    pub body_labels: Vec<String>,
    /// Label of an entry's date ("Dato").
    #[serde(default)]
    pub date_labels: Vec<String>,
    /// Label of an entry's item number ("Punktnummer").
    #[serde(default)]
    pub number_labels: Vec<String>,
    /// Words before the item number on a treatment line ("Punkt", "§").
    #[serde(default)]
    pub item_words: Vec<String>,
    /// Words after a decision word that make it an earlier decision
    /// ("Beslutning fra mødet den …").
    #[serde(default)]
    pub earlier_words: Vec<String>,
}

/// Outcome phrases, matched case-insensitively as substrings.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct OutcomeWords {
    /// Rejection ("ikke godkendt", "afvist").
    #[serde(default)]
    pub rejected: Vec<String>,
    /// Deferral ("udsat", "afventer").
    #[serde(default)]
    pub postponed: Vec<String>,
    /// Approval ("godkendt", "tilsluttede sig").
    #[serde(default)]
    pub approved: Vec<String>,
    /// Qualifiers that turn an approval into `approved_with_changes` ("dog").
    #[serde(default)]
    pub change_qualifiers: Vec<String>,
    /// Orientation ("til efterretning").
    #[serde(default)]
    pub noted: Vec<String>,
    /// Discussion ("drøftede").
    #[serde(default)]
    pub discussed: Vec<String>,
    /// Set phrases of a layout that carry no outcome and are removed before
    /// classifying ("Tilbagesendes … med bemærkning, at byrådet har vedtaget …").
    #[serde(default)]
    pub ignored_formulas: Vec<String>,
}

/// Business-case words.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ProposalWords {
    /// Word before a proposal number ("Forslag").
    #[serde(default)]
    pub heading_words: Vec<String>,
    /// Label of a title line "CODE: Type – Title" ("Forslagets titel").
    #[serde(default)]
    pub title_labels: Vec<String>,
    /// Proposal type words ("Investeringsforslag").
    #[serde(default)]
    pub types: Vec<String>,
    /// Endings that mark an unlisted word as a proposal type ("forslag").
    #[serde(default)]
    pub type_suffixes: Vec<String>,
    /// Labels of a line naming the proposal's type ("Type: Reduktionsforslag").
    #[serde(default)]
    pub type_labels: Vec<String>,
    /// Label of the summary ("Kort resumé").
    #[serde(default)]
    pub summary_labels: Vec<String>,
    /// Label of the presenting administrations.
    #[serde(default)]
    pub presenting_labels: Vec<String>,
    /// Label of the affected administrations.
    #[serde(default)]
    pub affected_labels: Vec<String>,
    /// Label of a payback line ("Tilbagebetalingstid").
    #[serde(default)]
    pub payback_labels: Vec<String>,
    /// Word marking the service-based payback.
    #[serde(default)]
    pub payback_service_words: Vec<String>,
    /// Word marking the total-economy payback.
    #[serde(default)]
    pub payback_total_words: Vec<String>,
    /// Titles of numbered sections ("Økonomi").
    #[serde(default)]
    pub section_titles: Vec<String>,
    /// Words joining names in a list of administrations (" og ").
    #[serde(default)]
    pub name_joiners: Vec<String>,
    /// Endings after which a word joiner (" og ") separates two names
    /// ("Økonomiforvaltningen og Socialforvaltningen"); after other words
    /// it is part of one ("Børn og Unge"). Empty: it always separates.
    #[serde(default)]
    pub joined_name_endings: Vec<String>,
}

/// A money unit as printed after a number.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoneyUnit {
    /// Unit text ("mio. kr.").
    pub text: String,
    /// Multiplier to the currency's base unit.
    pub scale: f64,
}

/// Money amount words.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct AmountWords {
    /// Units after a number; longest match wins.
    #[serde(default)]
    pub units: Vec<MoneyUnit>,
    /// ISO currency of the units.
    #[serde(default)]
    pub currency: Option<String>,
    /// Units printed before the number ("kr. 450.000").
    #[serde(default)]
    pub prefix_units: Vec<String>,
    /// Multipliers after a number with a prefix unit ("kr. 4,2 mio.").
    #[serde(default)]
    pub multipliers: Vec<MoneyUnit>,
}

/// Table words.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct TableWords {
    /// Caption words ("Tabel", "Table", and the slip "Tablet").
    #[serde(default)]
    pub caption_words: Vec<String>,
    /// Words that mark a total row ("I alt", "Samlet", "Total").
    #[serde(default)]
    pub total_words: Vec<String>,
    /// Suffix words that mark a total row ("totalt").
    #[serde(default)]
    pub total_suffixes: Vec<String>,
    /// Price-level markers after a year ("p/l", and the slip "p/1").
    #[serde(default)]
    pub price_level_words: Vec<String>,
    /// Units in a table header; longest match wins.
    #[serde(default)]
    pub units: Vec<MoneyUnit>,
    /// ISO currency of the table units ("DKK").
    #[serde(default)]
    pub currency: Option<String>,
    /// Line starts of notes under a table ("Anm.", "Note").
    #[serde(default)]
    pub note_starts: Vec<String>,
    /// Unit words after a number inside a cell ("år", "kr.").
    #[serde(default)]
    pub cell_suffixes: Vec<String>,
}

/// Text assembly words.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct TextWords {
    /// Words after a hyphen that show it is a real compound hyphen ("og", "eller").
    #[serde(default)]
    pub compound_joiners: Vec<String>,
    /// Words that keep their hyphen before the rest of a compound, also at
    /// a line break ("ikke-" + "planlagte" → "ikke-planlagte").
    #[serde(default)]
    pub keep_hyphen_after: Vec<String>,
    /// Month names, January first, for dates written in words.
    #[serde(default)]
    pub months: Vec<String>,
}

/// The set of profiles available to a run.
#[derive(Debug, Clone)]
pub struct Profiles {
    /// Concrete profiles, in name order.
    pub profiles: Vec<Profile>,
}

impl Profiles {
    /// Load every `*.toml` in `dir`.
    pub fn load_dir(dir: &Path) -> Result<Self, ProfileError> {
        let read_err = |source| ProfileError::Read {
            path: dir.to_path_buf(),
            source,
        };
        let mut sources = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(read_err)? {
            let path = entry.map_err(read_err)?.path();
            if path.extension().is_some_and(|e| e == "toml") {
                let text = std::fs::read_to_string(&path).map_err(|source| ProfileError::Read {
                    path: path.clone(),
                    source,
                })?;
                let name = path
                    .file_stem()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned();
                sources.push((name, text));
            }
        }
        Self::from_sources(sources)
    }

    /// Options for reading PDFs with these profiles: their page-number and
    /// hyphen words, and `timeout_secs` per file.
    pub fn pdf_options(&self, timeout_secs: u64) -> crate::extract::pdf::PdfOptions {
        crate::extract::pdf::PdfOptions {
            timeout_secs,
            page_numbers: self.page_number_words(),
            hyphens: self.hyphen_words(),
            ..crate::extract::pdf::PdfOptions::default()
        }
    }

    /// The page-number words of every profile, for the PDF extractor (which
    /// runs before a profile is chosen); in order, without repeats.
    pub fn page_number_words(&self) -> crate::extract::pdf::PageNumberWords {
        let mut words = crate::extract::pdf::PageNumberWords::default();
        for f in self.profiles.iter().map(|p| &p.furniture) {
            for w in &f.page_number_words {
                if !words.before.contains(w) {
                    words.before.push(w.clone());
                }
            }
            for w in &f.page_count_words {
                if !words.between.contains(w) {
                    words.between.push(w.clone());
                }
            }
        }
        words
    }

    /// The line-end hyphen words of every profile, for the PDF extractor
    /// (which runs before a profile is chosen); in order, without repeats.
    pub fn hyphen_words(&self) -> crate::extract::HyphenWords {
        let mut words = crate::extract::HyphenWords::default();
        let add = |list: &mut Vec<String>, from: &[String]| {
            for w in from {
                if !list.contains(w) {
                    list.push(w.clone());
                }
            }
        };
        for t in self.profiles.iter().map(|p| &p.text) {
            add(&mut words.keep_after, &t.keep_hyphen_after);
            add(&mut words.joiners, &t.compound_joiners);
        }
        words
    }

    /// The profiles compiled into the binary.
    pub fn builtin() -> Self {
        let sources = BUILTIN
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        Self::from_sources(sources).expect("built-in grammars are valid")
    }

    /// The profiles of the folder `dir` if given, else the built-in ones.
    pub fn locate(dir: Option<&Path>) -> Result<Self, ProfileError> {
        // Never a folder found in the working directory: the same command
        // gives the same records wherever it runs.
        match dir {
            Some(d) => Self::load_dir(d),
            None => Ok(Self::builtin()),
        }
    }

    /// Parse and resolve `base` inheritance.
    pub fn from_sources(sources: Vec<(String, String)>) -> Result<Self, ProfileError> {
        let mut values: BTreeMap<String, toml::Table> = BTreeMap::new();
        for (name, text) in sources {
            let table: toml::Table = toml::from_str(&text).map_err(|e| ProfileError::Invalid {
                name: name.clone(),
                message: e.to_string(),
            })?;
            values.insert(name, table);
        }
        let mut profiles = Vec::new();
        for name in values.keys() {
            let merged = resolve(name, &values, 0)?;
            let mut profile: Profile =
                toml::Value::Table(merged)
                    .try_into()
                    .map_err(|e: toml::de::Error| ProfileError::Invalid {
                        name: name.clone(),
                        message: e.to_string(),
                    })?;
            profile.name = name.clone();
            profile.shapes = compile_shapes(name, &profile.items.case_number_patterns)?;
            if !profile.is_abstract {
                profiles.push(profile);
            }
        }
        Ok(Profiles { profiles })
    }

    /// The profile with this name, if loaded.
    pub fn get(&self, name: &str) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.name == name)
    }

    /// The fallback profile, if one is loaded.
    pub fn fallback(&self) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.fallback)
    }
}

/// One regular expression matching any of a profile's case-number shapes
/// as a whole word: its source, checked (parsed, not compiled).
fn compile_shapes(name: &str, patterns: &[String]) -> Result<CaseShapes, ProfileError> {
    if patterns.is_empty() {
        return Ok(CaseShapes::default());
    }
    let alternatives: Vec<String> = patterns.iter().map(|p| format!("(?:{p})")).collect();
    let source = format!(
        r"(?:^|[^\w/.-])({})(?:$|[^\w/.-]|\.(?:[^\w]|$))",
        alternatives.join("|")
    );
    // Profiles inherit one base's shapes: each source is checked once.
    static CHECKED: std::sync::LazyLock<std::sync::Mutex<std::collections::HashSet<String>>> =
        std::sync::LazyLock::new(Default::default);
    let mut checked = CHECKED.lock().unwrap_or_else(|e| e.into_inner());
    if !checked.contains(&source) {
        regex_syntax::Parser::new()
            .parse(&source)
            .map_err(|e| ProfileError::Invalid {
                name: name.into(),
                message: format!("items.case_number_patterns: {e}"),
            })?;
        checked.insert(source.clone());
    }
    Ok(CaseShapes {
        source: Some(source),
        compiled: std::sync::OnceLock::new(),
    })
}

/// The compiled expression of `source`, compiled once per process
/// (profiles inherit their shapes from one base).
fn compiled(source: &str) -> Result<regex::Regex, regex::Error> {
    static COMPILED: std::sync::LazyLock<std::sync::Mutex<HashMap<String, regex::Regex>>> =
        std::sync::LazyLock::new(Default::default);
    let mut cache = COMPILED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(re) = cache.get(source) {
        return Ok(re.clone());
    }
    let re = regex::Regex::new(source)?;
    cache.insert(source.to_string(), re.clone());
    Ok(re)
}

/// Merge a profile over its base chain.
fn resolve(
    name: &str,
    all: &BTreeMap<String, toml::Table>,
    depth: usize,
) -> Result<toml::Table, ProfileError> {
    let table = all.get(name).ok_or_else(|| ProfileError::Invalid {
        name: name.into(),
        message: "base profile not found".into(),
    })?;
    if depth > 8 {
        return Err(ProfileError::Invalid {
            name: name.into(),
            message: "base chain too deep or cyclic".into(),
        });
    }
    let Some(base) = table.get("base").and_then(|b| b.as_str()) else {
        return Ok(table.clone());
    };
    let mut merged = resolve(base, all, depth + 1)?;
    merged.remove("abstract");
    merge(&mut merged, table);
    Ok(merged)
}

/// Overlay `top` onto `base`, recursing into tables; a key ending in `+`
/// appends its list to the base's list of that key.
fn merge(base: &mut toml::Table, top: &toml::Table) {
    for (key, value) in top {
        if let Some(name) = key.strip_suffix('+')
            && let toml::Value::Array(more) = value
        {
            match base.get_mut(name) {
                Some(toml::Value::Array(list)) => list.extend(more.iter().cloned()),
                _ => {
                    base.insert(name.to_string(), value.clone());
                }
            }
            continue;
        }
        match (base.get_mut(key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(t)) => merge(b, t),
            _ => {
                base.insert(key.clone(), value.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_grammar_file_is_built_in() {
        let mut files: Vec<String> = std::fs::read_dir("grammars")
            .unwrap()
            .filter_map(|e| {
                let name = e.unwrap().file_name().into_string().ok()?;
                Some(name.strip_suffix(".toml")?.to_string())
            })
            .collect();
        files.sort();
        let mut built_in: Vec<String> = super::BUILTIN.iter().map(|(n, _)| n.to_string()).collect();
        built_in.sort();
        assert_eq!(files, built_in);
    }

    #[test]
    fn a_plus_key_extends_the_base_list() {
        let mut base: toml::Table =
            toml::from_str("[s]\nother = [\"A\", \"B\"]\nkeep = [\"K\"]").unwrap();
        let top: toml::Table =
            toml::from_str("[s]\n\"other+\" = [\"C\"]\n\"new+\" = [\"N\"]").unwrap();
        super::merge(&mut base, &top);
        assert_eq!(base["s"]["other"].as_array().unwrap().len(), 3);
        assert_eq!(base["s"]["other"][2].as_str(), Some("C"));
        assert_eq!(base["s"]["keep"][0].as_str(), Some("K"));
        assert_eq!(base["s"]["new"][0].as_str(), Some("N"));
    }

    use super::*;

    fn with(extra: &str) -> Result<Profiles, ProfileError> {
        let mut sources: Vec<(String, String)> = BUILTIN
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        let own = format!(
            "base = \"common-da\"\nkind = \"minutes\"\n[detect]\nline_starts = [\"Sag \"]\nmin_hits = 1\n{extra}"
        );
        sources.push(("own-da".into(), own));
        Profiles::from_sources(sources)
    }

    #[test]
    fn a_bad_case_number_pattern_fails_when_the_profile_loads() {
        let err = with("[items]\ncase_number_patterns = ['\\d{2}/(\\d+']\n").unwrap_err();
        assert!(err.to_string().contains("case_number_patterns"), "{err}");
    }

    #[test]
    fn case_number_shapes_compile_on_first_use() {
        let profiles = with("[items]\ncase_number_patterns = ['KS-\\d{3}']\n").unwrap();
        let own = profiles.get("own-da").unwrap();
        assert!(own.shapes.compiled.get().is_none(), "not compiled at load");
        let re = own.case_number_shapes().expect("has shapes");
        assert!(re.is_match("Sag KS-123 om skoler"));
        assert!(!re.is_match("Sag 21/9445"), "own shapes replace the base's");
    }
}
