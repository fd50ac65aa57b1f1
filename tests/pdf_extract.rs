//! PDF extraction: golden checks over the seed PDFs in `fixtures/`, and one
//! test per failure code on small PDFs built here (none are committed).

mod common;

use common::pdf::{extract_isolated, isolated};
use lopdf::content::{Content, Operation};
use lopdf::{Document, Object, Stream, dictionary};
use referat::error::FileError;
use referat::extract::Extracted;
use referat::extract::pdf::{Isolation, PageNumberWords, PdfOptions, extract_with};
use std::io::Write;
use std::path::{Path, PathBuf};

fn extract(bytes: &[u8]) -> Result<Extracted, FileError> {
    extract_isolated(bytes)
}

fn fixture(name: &str) -> Extracted {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name);
    let bytes = std::fs::read(&path).expect("fixture");
    extract_with(&bytes, &PdfOptions::default(), &isolated()).expect("extracts")
}

fn texts(e: &Extracted) -> Vec<&str> {
    e.lines.iter().map(|l| l.text.as_str()).collect()
}

fn code(r: Result<Extracted, FileError>) -> String {
    match r {
        Ok(e) => format!("ok: {:?}", texts(&e)),
        Err(e) => e.code().to_string(),
    }
}

// ---------------------------------------------------------------------------
// Seeds

#[test]
fn minutes_seed_reads_like_its_text_version() {
    let e = fixture("000_edc65fd12b26e6d5.pdf");
    assert_eq!(e.pages, Some(7));
    let t = texts(&e);
    let punkt7 = e
        .lines
        .iter()
        .find(|l| l.text.starts_with("Punkt 7:"))
        .expect("Punkt 7 heading");
    assert_eq!(
        punkt7.text,
        "Punkt 7: Investering i et samlet ESDH-system til PPR, Familiesporet og Børneterapien i BURC"
    );
    assert_eq!(punkt7.heading, Some(1));
    assert_eq!(punkt7.page, Some(2));
    for line in [
        "Baggrund",
        "Beslutning Direktionen den 14-06-2021",
        "Godkendt.",
        "- Byrådscenteret (BYC)",
        "Øvrige sager.....\t3",
        "Aktiviteter\t2021\t\t\t2022\t2022-2026",
        "\tOkt\tNov\tDec\tJan\tFeb - Feb",
        "Forankring",
    ] {
        assert!(t.contains(&line), "missing line {line:?}");
    }
    // Participants broken by hand stay one paragraph.
    let i = t
        .iter()
        .position(|l| l.starts_with("Mødedeltagere"))
        .unwrap();
    assert_eq!(t[i + 1], "Skastrup, Anya Krogh Manghezi");
    // Paragraph breaks are empty lines; list items are not separated.
    let j = t
        .iter()
        .position(|l| *l == "- Byrådscenteret (BYC)")
        .unwrap();
    assert_eq!(t[j + 1], "- Økonomiecenteret (ØC)");
    assert_eq!(t[j - 1], "");
    // Running line numbers and pages.
    for (k, l) in e.lines.iter().enumerate() {
        assert_eq!(l.number as usize, k + 1);
        assert!(matches!(l.page, Some(1..=7)));
    }
}

#[test]
fn business_case_seed_keeps_table_columns() {
    let e = fixture("002_0aa691788063abd2.pdf");
    assert_eq!(e.pages, Some(38));
    let t = texts(&e);
    for line in [
        "1.000 kr. 2025 p/l\t\tEffektiviseringsbidrag\t\t\t\tSamlet investering\tGodkendt med",
        "Udvalg\t\t2025\t2026\t2027\t2028",
        "1\tAdministrative lettelser i mobilhåndteringen\t1.895\t3.791\t3.791\t3.791\t8.100\tOFS 23-24",
        "Drift af ny ordning (12 ÅV)\t\t\t3.960\t7.920\t7.920\t7.920\t7.920",
        "Spor 1: Forvaltningsinddragelse\tService\t1.000\t700\t200",
        "Samlet økonomisk påvirkning\t\t3.800\t1.705\t-3.091\t-3.791\t-3.791\t-3.791",
        "Berørte forvaltninger:\t☒ Økonomiforvaltningen\t☒ Socialforvaltningen",
        "\t☒ Sundheds- og Omsorgsforvaltningen",
        "\t☐ Kultur- og Fritidsforvaltningen\t☒ Teknik- og Miljøforvaltningen",
    ] {
        assert!(t.contains(&line), "missing line {line:?}");
    }
    // The box grid of the first proposal runs over a page break; its rows
    // stay rows.
    let b = t
        .iter()
        .position(|l| l.starts_with("Berørte forvaltninger:"))
        .unwrap();
    assert_eq!(
        &t[b..b + 4],
        &[
            "Berørte forvaltninger:\t☒ Økonomiforvaltningen\t☒ Socialforvaltningen",
            "\t☒ Kultur- og Fritidsforvaltningen\t☒ Teknik- og Miljøforvaltningen",
            "\t☒ Børne- og Ungdomsforvaltningen\t☒ Beskæftigelses- og Integrationsforvaltningen",
            "\t☒ Sundheds- og Omsorgsforvaltningen",
        ]
    );
    assert_eq!((e.lines[b].page, e.lines[b + 1].page), (Some(1), Some(2)));
    // A row cut by a page break is joined again.
    assert!(t.iter().any(|l| l.contains(
        "Den fælles projektledelse i BUF og SOF\tÅrligt ved årets udgang og første gang med udgangen af 2025"
    )));
    // A table continued over a page break is one table: no empty line
    // between its last row on page 4 and its first row on page 5.
    let i = t
        .iter()
        .position(|l| l.starts_with("Indkøbs effektiviseringer"))
        .unwrap();
    assert!(t[i + 1].starts_with("Implementeringsomkostninger"));
    assert_eq!(e.lines[i].page, Some(4));
    assert_eq!(e.lines[i + 1].page, Some(5));
    // Vertically centred cells of one row end up in one row.
    assert!(t.contains(
        &"Der er udviklet og implementeret standardiseret nærsupport organisatorisk i KIT\tDer foreligger en plan for placering og bemanding af kvikskranker med nær support på tværs af forvaltningerne\tProjektet\t2Q 2025"
    ));
}

#[test]
fn footnote_marks_stay_in_their_cell() {
    let e = fixture("004_bad1072dfa3f0813.pdf");
    let t = texts(&e);
    assert!(
        t.contains(&"År\tForventet befolkningstal\tUdgift pr. borger\tUdgift til FLIS (1.000 kr.)")
    );
    assert!(t.contains(&"2023\t55.2581)\t9,92\t548"));
    assert!(t.contains(&"\tFællessprog III"));
}

#[test]
fn in_process_and_isolated_agree() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/004_bad1072dfa3f0813.pdf");
    let bytes = std::fs::read(&path).unwrap();
    let a = extract(&bytes).unwrap();
    let iso = Isolation {
        in_process: true,
        ..Isolation::default()
    };
    let b = extract_with(&bytes, &PdfOptions::default(), &iso).unwrap();
    assert_eq!(a.lines, b.lines);
}

// ---------------------------------------------------------------------------
// Small PDFs

/// A one-page document; `ops` is the page's content.
fn doc_with(ops: Vec<Operation>) -> Document {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
    });
    let resources_id = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => font_id },
    });
    let content = Content { operations: ops };
    let content_id = doc.add_object(Stream::new(dictionary! {}, content.encode().unwrap()));
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "Contents" => content_id,
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => vec![page_id.into()],
            "Count" => 1,
            "Resources" => resources_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        }),
    );
    let catalog_id = doc.add_object(dictionary! {
        "Type" => "Catalog",
        "Pages" => pages_id,
    });
    doc.trailer.set("Root", catalog_id);
    doc
}

/// Operations that show `lines` top-down in Helvetica 12.
fn text_ops(lines: &[&str]) -> Vec<Operation> {
    let mut ops = vec![
        Operation::new("BT", vec![]),
        Operation::new("Tf", vec!["F1".into(), 12.into()]),
        Operation::new("TL", vec![14.into()]),
        Operation::new("Td", vec![72.into(), 720.into()]),
    ];
    for l in lines {
        ops.push(Operation::new("Tj", vec![Object::string_literal(*l)]));
        ops.push(Operation::new("T*", vec![]));
    }
    ops.push(Operation::new("ET", vec![]));
    ops
}

/// The dictionary object `id` of `doc`, to edit (the test's set-up fails
/// loudly rather than leaving the document as it was).
fn dict(doc: &mut Document, id: lopdf::ObjectId) -> &mut lopdf::Dictionary {
    doc.get_dictionary_mut(id)
        .unwrap_or_else(|e| panic!("object {id:?} is not a dictionary: {e}"))
}

fn save(doc: &mut Document) -> Vec<u8> {
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

fn hello() -> Vec<u8> {
    save(&mut doc_with(text_ops(&["Punkt 1: Hello world"])))
}

#[test]
fn a_small_pdf_reads() {
    let e = extract(&hello()).unwrap();
    assert_eq!(texts(&e), vec!["Punkt 1: Hello world"]);
    assert_eq!(e.pages, Some(1));
}

/// Operations that show `text` at (`x`, `y`) in Helvetica `size`.
fn at(x: i64, y: i64, size: i64, text: &str) -> Vec<Operation> {
    vec![
        Operation::new("BT", vec![]),
        Operation::new("Tf", vec!["F1".into(), size.into()]),
        Operation::new("Td", vec![x.into(), y.into()]),
        Operation::new("Tj", vec![Object::string_literal(text)]),
        Operation::new("ET", vec![]),
    ]
}

#[test]
fn page_number_words_come_from_the_grammars_and_reach_the_child() {
    let mut ops = at(72, 700, 12, "Body text.");
    ops.extend(at(290, 30, 9, "Folio 1 sur 1"));
    let bytes = save(&mut doc_with(ops));
    // No built-in grammar has these words: the footer is text.
    let e = extract(&bytes).unwrap();
    assert!(texts(&e).contains(&"Folio 1 sur 1"), "{:?}", texts(&e));
    // Given the words (as `--grammars` would), the isolated child drops it.
    let options = PdfOptions {
        page_numbers: PageNumberWords {
            before: vec!["folio".into()],
            between: vec!["sur".into()],
        },
        ..PdfOptions::default()
    };
    let e = extract_with(&bytes, &options, &isolated()).unwrap();
    let body: Vec<&str> = texts(&e).into_iter().filter(|t| !t.is_empty()).collect();
    assert_eq!(body, ["Body text."]);
}

#[test]
fn running_headers_and_page_numbers_are_left_out() {
    let mut doc = doc_with(vec![]);
    let pages_id = doc
        .catalog()
        .unwrap()
        .get(b"Pages")
        .unwrap()
        .as_reference()
        .unwrap();
    let mut kids: Vec<Object> = Vec::new();
    for n in 1..=3 {
        let mut ops = at(72, 810, 9, "Direktionen - referat 14-06-2021");
        ops.extend(at(72, 700, 12, &format!("Body text on page {n}.")));
        ops.extend(at(290, 30, 9, &format!("Side {n} af 3")));
        let content = doc.add_object(Stream::new(
            dictionary! {},
            Content { operations: ops }.encode().unwrap(),
        ));
        let page = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content,
        });
        kids.push(page.into());
    }
    let pages = dict(&mut doc, pages_id);
    pages.set("Kids", kids);
    pages.set("Count", 3);
    let e = extract(&save(&mut doc)).unwrap();
    assert_eq!(e.pages, Some(3));
    let body: Vec<&str> = texts(&e).into_iter().filter(|t| !t.is_empty()).collect();
    assert_eq!(
        body,
        vec![
            "Body text on page 1.",
            "Body text on page 2.",
            "Body text on page 3."
        ]
    );
    assert_eq!(e.lines.last().unwrap().page, Some(3));
}

#[test]
fn garbage_is_malformed() {
    let bytes: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
    assert_eq!(code(extract(&bytes)), "pdf-malformed");
    assert_eq!(code(extract(b"%PDF-1.4\n%%EOF\n")), "pdf-malformed");
}

#[test]
fn truncated_file_is_malformed() {
    let bytes = hello();
    let cut = bytes
        .windows(9)
        .position(|w| w == b"/Type/Pag" || w == b"/Type /Pa")
        .unwrap_or(bytes.len() / 3);
    assert_eq!(code(extract(&bytes[..cut])), "pdf-malformed");
}

#[test]
fn broken_xref_is_rebuilt() {
    let mut bytes = hello();
    // Point startxref somewhere wrong.
    let at = bytes.windows(9).rposition(|w| w == b"startxref").unwrap();
    bytes.truncate(at);
    bytes.extend_from_slice(b"startxref\n12\n%%EOF\n");
    let e = extract(&bytes).unwrap();
    assert_eq!(texts(&e), vec!["Punkt 1: Hello world"]);
    assert!(e.warnings.iter().any(|w| w.code == "pdf-xref-repaired"));
}

#[test]
fn hand_written_file_without_xref_and_wrong_length_is_read() {
    let pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1/MediaBox[0 0 595 842]>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/Resources<</Font<</F1 4 0 R>>>>/Contents 5 0 R>>endobj\n4 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n5 0 obj<</Length 99>>\nstream\nBT /F1 12 Tf 72 720 Td (Hello world) Tj ET\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";
    let e = extract(pdf).unwrap();
    assert_eq!(texts(&e), vec!["Hello world"]);
}

fn encrypted(user_password: &str) -> Vec<u8> {
    let mut doc = doc_with(text_ops(&["Secret minutes"]));
    doc.trailer.set(
        "ID",
        vec![
            Object::string_literal(b"0123456789abcdef".to_vec()),
            Object::string_literal(b"0123456789abcdef".to_vec()),
        ],
    );
    let version = lopdf::EncryptionVersion::V2 {
        document: &doc,
        owner_password: "owner",
        user_password,
        key_length: 128,
        permissions: lopdf::Permissions::all(),
    };
    let state = lopdf::EncryptionState::try_from(version).unwrap();
    doc.encrypt(&state).unwrap();
    save(&mut doc)
}

#[test]
fn user_password_is_encrypted() {
    assert_eq!(code(extract(&encrypted("secret"))), "pdf-encrypted");
}

#[test]
fn empty_user_password_is_read() {
    let e = extract(&encrypted("")).unwrap();
    assert_eq!(texts(&e), vec!["Secret minutes"]);
}

#[test]
fn page_tree_citing_itself_does_not_hang() {
    let mut doc = doc_with(text_ops(&["Still here"]));
    let pages_id = doc
        .catalog()
        .unwrap()
        .get(b"Pages")
        .unwrap()
        .as_reference()
        .unwrap();
    let pages = dict(&mut doc, pages_id);
    let mut kids = pages.get(b"Kids").unwrap().as_array().unwrap().clone();
    kids.push(pages_id.into());
    pages.set("Kids", kids);
    // The node is also its own parent.
    pages.set("Parent", pages_id);
    let e = extract(&save(&mut doc)).unwrap();
    assert_eq!(texts(&e), vec!["Still here"]);

    // A tree with nothing but itself has no pages.
    let mut doc = doc_with(vec![]);
    let pages_id = doc
        .catalog()
        .unwrap()
        .get(b"Pages")
        .unwrap()
        .as_reference()
        .unwrap();
    dict(&mut doc, pages_id).set("Kids", vec![pages_id.into()]);
    assert_eq!(code(extract(&save(&mut doc))), "pdf-malformed");
}

#[test]
fn stream_inflating_to_a_gibibyte_is_too_large() {
    // 1 GiB of zeros compresses to about 1 MiB.
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    let block = vec![0u8; 1 << 20];
    for _ in 0..1024 {
        enc.write_all(&block).unwrap();
    }
    let compressed = enc.finish().unwrap();
    let mut doc = doc_with(text_ops(&["small"]));
    let bomb = doc.add_object(Stream::new(
        dictionary! { "Filter" => "FlateDecode" },
        compressed.clone(),
    ));
    let page_id = doc.get_pages()[&1];
    dict(&mut doc, page_id).set("Contents", bomb);
    let started = std::time::Instant::now();
    assert_eq!(code(extract(&save(&mut doc))), "pdf-too-large");

    // The same inside an object stream, which the PDF library would inflate
    // while loading the file (its writer drops object streams, so splice the
    // object in by hand).
    let mut bytes = hello();
    let at = bytes.windows(4).rposition(|w| w == b"xref").unwrap();
    let mut object = format!(
        "99 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length {} >>\nstream\n",
        compressed.len()
    )
    .into_bytes();
    object.extend_from_slice(&compressed);
    object.extend_from_slice(b"\nendstream\nendobj\n");
    bytes.splice(at..at, object);
    assert_eq!(code(extract(&bytes)), "pdf-too-large");
    assert!(started.elapsed().as_secs() < 30);
}

#[test]
fn page_without_text_is_no_text() {
    let ops = vec![
        Operation::new("re", vec![10.into(), 10.into(), 100.into(), 100.into()]),
        Operation::new("f", vec![]),
    ];
    assert_eq!(code(extract(&save(&mut doc_with(ops)))), "pdf-no-text");
}

#[test]
fn font_the_reader_cannot_decode_is_malformed_not_a_crash() {
    let mut doc = doc_with(text_ops(&["abc"]));
    // A composite font with a CMap pdf-extract does not know (it panics).
    let cid = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "CIDFontType0",
        "BaseFont" => "MSGothic",
        "CIDSystemInfo" => dictionary! {
            "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal("Japan1"),
            "Supplement" => 2,
        },
    });
    let font = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type0",
        "BaseFont" => "MSGothic",
        "Encoding" => "90ms-RKSJ-H",
        "DescendantFonts" => vec![cid.into()],
    });
    let mut replaced = 0;
    for (_, object) in doc.objects.iter_mut() {
        if let Object::Dictionary(d) = object
            && let Ok(Object::Dictionary(fonts)) = d.get_mut(b"Font")
        {
            fonts.set("F1", font);
            replaced += 1;
        }
    }
    assert_eq!(replaced, 1, "the page resources' /F1 is the composite font");
    assert_eq!(code(extract(&save(&mut doc))), "pdf-malformed");
}

#[test]
fn comments_quotes_and_form_matrices_are_handled() {
    let raw = b"BT /F1 12 Tf 72 720 Td (Before comment) Tj % a comment\n  % another\n 0 -20 Td (After comment) Tj ET\nBT /F1 12 Tf 14 TL 72 600 Td (Quoted line one) Tj (Quoted line two) ' ET";
    let mut doc = doc_with(vec![]);
    let page_id = doc.get_pages()[&1];
    let content = doc.add_object(Stream::new(dictionary! {}, raw.to_vec()));
    dict(&mut doc, page_id).set("Contents", content);
    let e = extract(&save(&mut doc)).unwrap();
    let t = texts(&e).join("\n");
    assert!(t.contains("Before comment"), "{t}");
    assert!(t.contains("After comment"), "{t}");
    assert!(t.contains("Quoted line two"), "{t}");
}

#[test]
fn rotated_text_is_read_upright() {
    // Text drawn turned by 90° (as on a page shown with /Rotate).
    let mut ops = vec![
        Operation::new("BT", vec![]),
        Operation::new("Tf", vec!["F1".into(), 12.into()]),
    ];
    for (i, l) in ["First line of the page", "Second line"].iter().enumerate() {
        let x = 100 + 40 * i as i64;
        ops.push(Operation::new(
            "Tm",
            vec![
                0.into(),
                1.into(),
                (-1).into(),
                0.into(),
                x.into(),
                100.into(),
            ],
        ));
        ops.push(Operation::new("Tj", vec![Object::string_literal(*l)]));
    }
    ops.push(Operation::new("ET", vec![]));
    let mut doc = doc_with(ops);
    let page_id = doc.get_pages()[&1];
    dict(&mut doc, page_id).set("Rotate", 90);
    let e = extract(&save(&mut doc)).unwrap();
    assert_eq!(texts(&e), vec!["First line of the page", "", "Second line"]);
}

// ---------------------------------------------------------------------------
// The child process

/// A stand-in extractor: a shell script.
fn script(body: &str) -> (tempfile::TempDir, PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fake-referat");
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    (dir, path)
}

fn with_extractor(exe: PathBuf, timeout_secs: u64) -> Result<Extracted, FileError> {
    let iso = Isolation {
        extractor: Some(exe),
        ..Isolation::default()
    };
    let options = PdfOptions {
        timeout_secs,
        ..PdfOptions::default()
    };
    extract_with(&hello(), &options, &iso)
}

#[test]
fn a_hanging_extractor_times_out() {
    let (_dir, exe) = script("cat > /dev/null; sleep 30");
    let started = std::time::Instant::now();
    assert_eq!(code(with_extractor(exe, 1)), "timeout");
    assert!(started.elapsed().as_secs() < 10);
}

#[test]
fn an_extractor_killed_by_a_signal_crashed() {
    let (_dir, exe) = script("kill -SEGV $$");
    assert_eq!(code(with_extractor(exe, 10)), "extractor-crashed");
}

#[test]
fn an_extractor_out_of_memory_is_too_large() {
    let (_dir, exe) =
        script("echo 'memory allocation of 1073741824 bytes failed' >&2; kill -ABRT $$");
    assert_eq!(code(with_extractor(exe, 10)), "pdf-too-large");
}

#[test]
fn an_extractor_without_a_reply_crashed() {
    let (_dir, exe) = script("echo not json; exit 0");
    assert_eq!(code(with_extractor(exe, 10)), "extractor-crashed");
}

#[test]
fn the_child_reports_typed_errors_and_exit_codes() {
    let exe = env!("CARGO_BIN_EXE_referat");
    let run = |input: &[u8]| {
        let mut child = std::process::Command::new(exe)
            .args(["extract-pdf", "-"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input).unwrap();
        let out = child.wait_with_output().unwrap();
        let reply: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (out.status.code(), reply)
    };
    let (status, reply) = run(&hello());
    assert_eq!(status, Some(0));
    assert_eq!(reply["ok"]["lines"][0]["text"], "Punkt 1: Hello world");
    let (status, reply) = run(b"not a pdf");
    assert_eq!(status, Some(1));
    assert_eq!(reply["error"]["code"], "pdf-malformed");
}

/// One frame of the `--serve` protocol: 8-byte little-endian length, payload.
fn frame(payload: &[u8]) -> Vec<u8> {
    let mut f = (payload.len() as u64).to_le_bytes().to_vec();
    f.extend_from_slice(payload);
    f
}

#[test]
fn the_serving_child_answers_file_after_file_until_input_ends() {
    use std::io::Read;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_referat"))
        .args(["extract-pdf", "--serve"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut next_reply = || {
        let mut len = [0u8; 8];
        stdout.read_exact(&mut len).unwrap();
        let mut body = vec![0u8; u64::from_le_bytes(len) as usize];
        stdout.read_exact(&mut body).unwrap();
        serde_json::from_slice::<serde_json::Value>(&body).unwrap()
    };
    // A good file, a broken one, then a good one again: the broken file
    // does not spoil the process for the next.
    for (input, expect_ok) in [
        (hello(), true),
        (b"not a pdf".to_vec(), false),
        (hello(), true),
    ] {
        stdin.write_all(&frame(&input)).unwrap();
        stdin.flush().unwrap();
        let reply = next_reply();
        if expect_ok {
            assert_eq!(reply["ok"]["lines"][0]["text"], "Punkt 1: Hello world");
        } else {
            assert_eq!(reply["error"]["code"], "pdf-malformed");
        }
    }
    drop(stdin);
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

#[test]
fn pooled_children_serve_many_threads_and_survive_a_shutdown() {
    let run_many = || {
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|_| s.spawn(|| (0..5).map(|_| code(extract(&hello()))).collect::<Vec<_>>()))
                .collect();
            for h in handles {
                for c in h.join().unwrap() {
                    assert_eq!(c, r#"ok: ["Punkt 1: Hello world"]"#);
                }
            }
        });
    };
    run_many();
    referat::extract::pdf::shut_down_workers();
    run_many();
}

#[test]
fn a_child_that_crashed_is_not_reused() {
    // The fake extractor dies on its first file; a fresh one is started for
    // the next file (and dies again), so each file gets its own verdict.
    let (_dir, exe) = script("kill -SEGV $$");
    assert_eq!(code(with_extractor(exe.clone(), 10)), "extractor-crashed");
    assert_eq!(code(with_extractor(exe, 10)), "extractor-crashed");
    // The real extractor is unaffected.
    assert_eq!(code(extract(&hello())), r#"ok: ["Punkt 1: Hello world"]"#);
}

#[test]
fn pages_keep_their_own_fonts_state_and_page_numbers() {
    // Three pages read as one stream must not leak into each other: page 1
    // and 2 call different fonts by the same name /F1, and page 2 starts
    // with a `Q` it has no `q` for, then a `cm` that would push page 3's
    // text off its page.
    let mut doc = doc_with(vec![]);
    let pages_id = doc
        .catalog()
        .unwrap()
        .get(b"Pages")
        .unwrap()
        .as_reference()
        .unwrap();
    let bold = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica-Bold",
    });
    let mut kids: Vec<Object> = Vec::new();
    for n in 1..=3 {
        let mut ops = Vec::new();
        let mut y = 700;
        if n == 2 {
            ops.push(Operation::new("Q", vec![]));
            ops.push(Operation::new(
                "cm",
                vec![
                    1.into(),
                    0.into(),
                    0.into(),
                    1.into(),
                    0.into(),
                    (-800).into(),
                ],
            ));
            y = 1500;
        }
        ops.extend(at(72, y, 12, &format!("Text on page {n}.")));
        let content = doc.add_object(Stream::new(
            dictionary! {},
            Content { operations: ops }.encode().unwrap(),
        ));
        let mut page = dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content,
        };
        if n == 1 {
            page.set(
                "Resources",
                dictionary! { "Font" => dictionary! { "F1" => bold } },
            );
        }
        kids.push(doc.add_object(page).into());
    }
    let pages = dict(&mut doc, pages_id);
    pages.set("Kids", kids);
    pages.set("Count", 3);
    let e = extract(&save(&mut doc)).unwrap();
    let lines: Vec<(&str, Option<u32>, bool)> = e
        .lines
        .iter()
        .filter(|l| !l.text.is_empty())
        .map(|l| (l.text.as_str(), l.page, l.bold))
        .collect();
    assert_eq!(
        lines,
        vec![
            ("Text on page 1.", Some(1), true),
            ("Text on page 2.", Some(2), false),
            ("Text on page 3.", Some(3), false),
        ]
    );
}
